/**
 * fabric-shim logs every message it exchanges with the peer at debug level — five to seven lines
 * per GetState, one of them the decoded answer as JSON — and winston formats each line (timestamp,
 * metadata, colours, JSON) before its console transport drops it by level: 3 µs for the shortest
 * line, ~20 % of the chaincode's CPU per GetState in 8,000-read rounds
 * (bench/experiments/point-reads.ts, bench/README.md "Incremental reconciliation (session 5)").
 * Here each of the shim's loggers returns at once from debug() while debug is off; with
 * CORE_CHAINCODE_LOGGING_LEVEL=debug it logs as before. What a log call's arguments cost at its
 * call site remains.
 */

/** The part of a fabric-shim / fabric-contract-api logger (winston 3) used here. */
export interface ShimLogger {
  debug(...args: unknown[]): unknown;
  isDebugEnabled(): boolean;
}

interface LoggerModule {
  getLogger(name: string): ShimLogger;
}

/** The names the shim and the contract API create their loggers under (fabric-shim 2.5). */
const LOGGERS: ReadonlyArray<readonly [module: string, names: readonly string[]]> = [
  ['fabric-shim/lib/logger', [
    'lib/handler.js', 'lib/stub.js', 'lib/chaincode.js', 'lib/iterators.js', 'lib/server.js',
    'contracts-spi/chaincodefromcontract.js', 'contracts-spi/datamarshall.js', 'contracts-spi/bootstrap.js',
  ]],
  ['fabric-contract-api/lib/logger', ['./lib/contract.js', './lib/jsontransactionserializer.js']],
];

const skipping = new WeakSet<ShimLogger>();

/** Makes `logger.debug` return without formatting while debug is disabled; enabling debug later logs again. */
export function skipDisabledDebug(logger: ShimLogger): void {
  if (skipping.has(logger)) return;
  const debug = logger.debug;
  logger.debug = function debugWhenEnabled(this: ShimLogger, ...args: unknown[]): unknown {
    return this.isDebugEnabled() ? debug.apply(this, args) : this;
  };
  skipping.add(logger);
}

/** Applies skipDisabledDebug to the shim's and the contract API's loggers; a module that is not there is left alone. */
export function skipShimDebugFormatting(load: (id: string) => unknown = require): number {
  let count = 0;
  for (const [id, names] of LOGGERS) {
    let loggers: LoggerModule;
    try {
      loggers = load(id) as LoggerModule;
    } catch {
      continue;
    }
    for (const name of names) {
      skipDisabledDebug(loggers.getLogger(name));
      count++;
    }
  }
  return count;
}
