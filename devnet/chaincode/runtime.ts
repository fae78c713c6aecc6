/**
 * Gets devnet its chaincode runtime from the configuration: an in-process runtime, a dial to a
 * running chaincode-as-a-service, or a process devnet starts itself and stops at shutdown.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { ChaincodeSource } from '../config';
import { connectChaincode, freeLocalAddress, launchChaincode, type LaunchedChaincode } from '../shim';
import type { ChaincodeRuntime } from '../shim/types';
import { DEFAULT_CHAINCODE_COMMAND, DEFAULT_CHAINCODE_DIR } from '../config';

export interface StartedChaincode {
  runtime: ChaincodeRuntime;
  /** Closes the connection and stops the process if devnet started it. */
  stop(): Promise<void>;
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
    return { runtime: source.runtime, stop: () => source.runtime.close() };
  }
  const chaincodeId = packageId(options.name, options.version);
  if ('address' in source) {
    const runtime = await connectChaincode({ address: source.address, chaincodeId: source.chaincodeId ?? chaincodeId, log: options.log });
    return { runtime, stop: () => runtime.close() };
  }
  const address = await freeLocalAddress();
  const child: LaunchedChaincode = await launchChaincode({
    command: [...(source.command ?? DEFAULT_CHAINCODE_COMMAND)],
    cwd: resolve(source.dir ?? DEFAULT_CHAINCODE_DIR),
    address,
    chaincodeId,
    mspId: options.peerMspId,
    env: { CORE_CHAINCODE_LOGGING_LEVEL: options.logLevel },
    log: (line) => options.log(`[chaincode] ${line}`),
  });
  let runtime: ChaincodeRuntime;
  try {
    runtime = await connectChaincode({ address, chaincodeId, log: options.log });
  } catch (err) {
    await child.stop();
    throw err;
  }
  return {
    runtime,
    stop: async () => {
      await runtime.close();
      await child.stop();
    },
  };
}
