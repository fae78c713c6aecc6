/**
 * Gets devnet its chaincode runtime from the configuration: an in-process runtime, a dial to a
 * running chaincode-as-a-service, or a process devnet starts itself and stops at shutdown.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolve } from 'node:path';
import type { ChaincodeSource } from '../config';
import { connectChaincode, freeLocalAddress, launchChaincode, type LaunchedChaincode } from '../shim';
import type { ChaincodeRuntime } from '../shim/types';
import { DEFAULT_CHAINCODE_COMMAND, DEFAULT_CHAINCODE_DIR } from '../config';

export interface StartedChaincode {
  runtime: ChaincodeRuntime;
  /** Closes the connection and stops the process if devnet started it. */
  stop(): Promise<void>;
  /** Process id of the chaincode devnet started, if any. */
  pid(): number | undefined;
}

/** A package id in Fabric's `label:hash` form. */
export function packageId(name: string, version: string): string {
  const label = `${name}_${version}`;
  return `${label}:${createHash('sha256').update(label).digest('hex')}`;
}

export interface StartChaincodeOptions {
  source: ChaincodeSource;
  name: string;
  version: string;
  peerMspId: string;
  logLevel: string;
  log: (line: string) => void;
}

export async function startChaincode(options: StartChaincodeOptions): Promise<StartedChaincode> {
  const { source } = options;
  if ('runtime' in source) {
    return { runtime: source.runtime, stop: () => source.runtime.close(), pid: () => undefined };
  }
  const chaincodeId = packageId(options.name, options.version);
  if ('address' in source) {
    const runtime = await connectChaincode({ address: source.address, chaincodeId: source.chaincodeId ?? chaincodeId, log: options.log });
    return { runtime, stop: () => runtime.close(), pid: () => undefined };
  }
  const address = await freeLocalAddress();
  const launch = (): Promise<LaunchedChaincode> =>
    launchChaincode({
      command: [...(source.command ?? DEFAULT_CHAINCODE_COMMAND)],
      cwd: resolve(source.dir ?? DEFAULT_CHAINCODE_DIR),
      address,
      chaincodeId,
      mspId: options.peerMspId,
      env: { CORE_CHAINCODE_LOGGING_LEVEL: options.logLevel },
      log: (line) => options.log(`[chaincode] ${line}`),
    });
  const supervisor = new Supervisor(await launch(), launch, options.log);
  let runtime: ChaincodeRuntime;
  try {
    // The runtime dials the same address again by itself after a restart.
    runtime = await connectChaincode({ address, chaincodeId, log: options.log });
  } catch (err) {
    await supervisor.stop();
    throw err;
  }
  return {
    runtime,
    stop: async () => {
      await runtime.close();
      await supervisor.stop();
    },
    pid: () => supervisor.pid,
  };
}

const RESTART_DELAY_MS = 1000;

/** Restarts the chaincode process when it dies, as a peer relaunches a crashed chaincode. */
class Supervisor {
  #current: LaunchedChaincode;
  #stopped = false;
  readonly #launch: () => Promise<LaunchedChaincode>;
  readonly #log: (line: string) => void;

  constructor(first: LaunchedChaincode, launch: () => Promise<LaunchedChaincode>, log: (line: string) => void) {
    this.#current = first;
    this.#launch = launch;
    this.#log = log;
    this.#watch(first);
  }

  #watch(child: LaunchedChaincode): void {
    void child.exited.then(async ({ code, signal }) => {
      if (this.#stopped) return;
      this.#log(`chaincode process ${child.pid} exited (code ${code}, signal ${signal}); restarting in ${RESTART_DELAY_MS} ms`);
      while (!this.#stopped) {
        await sleep(RESTART_DELAY_MS);
        if (this.#stopped) return;
        try {
          this.#current = await this.#launch();
          if (this.#stopped) {
            await this.#current.stop();
            return;
          }
          this.#watch(this.#current);
          return;
        } catch (err) {
          this.#log(`chaincode restart failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    });
  }

  get pid(): number {
    return this.#current.pid;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#current.stop();
  }
}
