/**
 * The chaincode skips the formatting of fabric-shim's debug lines while debug is off
 * (chaincode/src/shim-logging.ts), with the shim's real winston loggers: nothing reaches the
 * logger's stream at `warning`, everything as before once the level is `debug`, and warnings
 * are never skipped.
 */
import { skipDisabledDebug, skipShimDebugFormatting, type ShimLogger } from '../../chaincode/src/shim-logging';

interface WinstonLogger extends ShimLogger {
  level: string;
  write(info: unknown): boolean;
  warn(...args: unknown[]): unknown;
}

interface LoggerModule {
  getLogger(name: string): WinstonLogger;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const shimLoggers = require('fabric-shim/lib/logger') as LoggerModule;

/** A shim logger at `level` whose lines are counted where winston takes them in (before any formatting). */
function countedLogger(name: string, level: string): { logger: WinstonLogger; written: () => number } {
  const logger = shimLoggers.getLogger(name);
  logger.level = level;
  let count = 0;
  // Counted, not passed on: the test's output stays clean.
  logger.write = (): boolean => {
    count++;
    return true;
  };
  return { logger, written: () => count };
}

test('a debug line at warning level never reaches winston, a warning still does', () => {
  const { logger, written } = countedLogger('test/shim-logging-quiet', 'warn');
  logger.debug('before the patch');
  expect(written()).toBe(1);

  skipDisabledDebug(logger);
  logger.debug('after the patch: %j', { large: 'payload' });
  expect(written()).toBe(1);
  logger.warn('a warning');
  expect(written()).toBe(2);
});

test('with the level set to debug later, debug lines are logged again', () => {
  const { logger, written } = countedLogger('test/shim-logging-debug', 'warn');
  skipDisabledDebug(logger);
  skipDisabledDebug(logger); // twice: still one wrapper, one line per call
  logger.debug('dropped');
  expect(written()).toBe(0);
  logger.level = 'debug';
  logger.debug('logged');
  expect(written()).toBe(1);
});

test("the shim's and the contract API's own loggers are covered", () => {
  expect(skipShimDebugFormatting()).toBe(10);
  const handler = shimLoggers.getLogger('lib/handler.js');
  expect((handler.debug as { name: string }).name).toBe('debugWhenEnabled');
});

test('a logger module that is not installed is left out, not an error', () => {
  const load = (id: string): unknown => {
    if (id.startsWith('fabric-contract-api')) throw new Error(`Cannot find module '${id}'`);
    return shimLoggers;
  };
  expect(skipShimDebugFormatting(load)).toBe(8);
});
