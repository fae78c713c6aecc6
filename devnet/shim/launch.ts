import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { waitUntilListening } from './address';
import { type ChaincodeExit, isRunning, terminate, track } from './process-group';

export type { ChaincodeExit };

export interface LaunchChaincodeOptions {
  /**
   * Program and arguments that start the chaincode server, e.g.
   * `[process.execPath, require.resolve('fabric-shim/cli'), 'server']` or `['npm', 'run', 'start:caas']`.
   * Address and id reach it through the environment (see `env` below), so no flags are needed.
   */
  command: string[];
  /** Working directory: the chaincode package (fabric-chaincode-node loads its package.json "main" from here). */
  cwd: string;
  /** Added to the parent's environment. */
  env?: Record<string, string | undefined>;
  /** host:port the chaincode server binds and the peer dials, e.g. 127.0.0.1:7052. */
  address: string;
  /** Package id the chaincode registers with, e.g. `lading_1.0:<hash>`. */
  chaincodeId: string;
  /** The peer's MSP id, which the chaincode reads with getMspID() (CORE_PEER_LOCALMSPID). */
  mspId?: string;
  /** How long to wait until the server accepts connections. Default 30000. */
  readyTimeoutMs?: number;
  /** Receives every output line of the process. Default: the parent's stdout/stderr, prefixed. */
  log?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Prefix of the default log lines. Default `[chaincode <chaincodeId>]`. */
  logPrefix?: string;
}

export interface LaunchedChaincode {
  readonly address: string;
  readonly chaincodeId: string;
  readonly pid: number;
  /** Settles when the process ends, however it ends. */
  readonly exited: Promise<ChaincodeExit>;
  /** Terminates the process (SIGTERM, then SIGKILL after `graceMs`, default 5000) and waits for it. */
  stop(graceMs?: number): Promise<ChaincodeExit>;
}


/**
 * Starts a chaincode-as-a-service process and resolves once it listens on `address`. The process
 * runs in its own process group (so wrappers like npm die with it) and is killed when the
 * parent process exits.
 */
export async function launchChaincode(options: LaunchChaincodeOptions): Promise<LaunchedChaincode> {
  const [program, ...args] = options.command;
  if (!program) throw new Error('launchChaincode: command is empty');
  const child = spawn(program, args, {
    cwd: options.cwd,
    env: { ...process.env, ...chaincodeEnvironment(options), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  const exited = track(child);
  const recentLines = pipeLogs(child, options);

  let starting = true;
  const failedToStart = new Promise<never>((_, reject) => {
    child.once('error', (err) => {
      if (starting) reject(new Error(`cannot start chaincode command ${options.command.join(' ')}: ${err.message}`));
    });
    void exited.then(({ code, signal }) => {
      if (starting) reject(new Error(`chaincode exited (code ${code}, signal ${signal}) before listening on ${options.address}:\n${recentLines.join('\n')}`));
    });
  });
  failedToStart.catch(() => undefined);

  try {
    await Promise.race([waitUntilListening(options.address, options.readyTimeoutMs ?? 30_000, () => !isRunning(child)), failedToStart]);
  } catch (err) {
    await terminate(child, exited, 1000);
    throw err;
  } finally {
    starting = false;
  }
  if (!isRunning(child)) throw new Error(`chaincode exited before listening on ${options.address}:\n${recentLines.join('\n')}`);

  return {
    address: options.address,
    chaincodeId: options.chaincodeId,
    pid: child.pid ?? -1,
    exited,
    stop: (graceMs = 5000) => terminate(child, exited, graceMs),
  };
}

/**
 * Both spellings: CORE_* is what fabric-chaincode-node reads itself, CHAINCODE_SERVER_ADDRESS /
 * CHAINCODE_ID what the fabric-samples CaaS images and our `start:caas` script pass on.
 */
function chaincodeEnvironment(options: LaunchChaincodeOptions): Record<string, string> {
  return {
    CORE_CHAINCODE_ADDRESS: options.address,
    CORE_CHAINCODE_ID: options.chaincodeId,
    CHAINCODE_SERVER_ADDRESS: options.address,
    CHAINCODE_ID: options.chaincodeId,
    ...(options.mspId ? { CORE_PEER_LOCALMSPID: options.mspId } : {}),
  };
}

/** Forwards output line by line and keeps the last lines for a start-up failure message. */
function pipeLogs(child: ChildProcess, options: LaunchChaincodeOptions): string[] {
  const recent: string[] = [];
  const prefix = options.logPrefix ?? `[chaincode ${options.chaincodeId}]`;
  const log =
    options.log ??
    ((line: string, stream: 'stdout' | 'stderr'): void => {
      (stream === 'stdout' ? process.stdout : process.stderr).write(`${prefix} ${line}\n`);
    });
  for (const stream of ['stdout', 'stderr'] as const) {
    const source = child[stream];
    if (!source) continue;
    createInterface({ input: source }).on('line', (line) => {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      log(line, stream);
    });
  }
  return recent;
}
