/**
 * Shared set-up for devnet's tests: a devnet on free ports in a temporary directory with the
 * kv fixture chaincode, and the real fabric-gateway client connected as one of its orgs.
 */
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Gateway } from '@hyperledger/fabric-gateway';
import { orgPaths, startDevnet, type Devnet, type DevnetOptions } from '../../devnet/index';

export const FIXTURES = join(__dirname, 'fixtures');

export interface TestDevnet {
  devnet: Devnet;
  dir: string;
  logs: string[];
  stop(options?: { keepDir?: boolean }): Promise<void>;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lading-devnet-test-'));
}

export async function startTestDevnet(options: DevnetOptions = {}): Promise<TestDevnet> {
  const dir = options.dir ?? tempDir();
  const logs: string[] = [];
  const devnet = await startDevnet({
    port: 0,
    adminPort: 0,
    dir,
    blockTimeoutMs: 20,
    chaincode: { command: [process.execPath, join(FIXTURES, 'kv-chaincode.js')], dir: FIXTURES },
    collectionsPath: join(FIXTURES, 'collections.json'),
    log: (line) => {
      logs.push(line);
      if (process.env.DEVNET_TEST_LOG) process.stderr.write(`[devnet] ${line}\n`);
    },
    ...options,
  });
  return {
    devnet,
    dir,
    logs,
    stop: async ({ keepDir = false } = {}) => {
      await devnet.stop();
      if (!keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Connection {
  gateway: Gateway;
  client: grpc.Client;
  close(): void;
}

export function connectWith(address: string, mspId: string, certPem: string | Buffer, keyPem: string | Buffer): Connection {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const gateway = connect({
    client,
    identity: { mspId, credentials: Buffer.from(certPem) },
    signer: signers.newPrivateKeySigner(createPrivateKey(keyPem)),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 15_000 }),
    submitOptions: () => ({ deadline: Date.now() + 10_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 20_000 }),
  });
  return {
    gateway,
    client,
    close: () => {
      gateway.close();
      client.close();
    },
  };
}

/** Connects as an org with the credentials devnet wrote for it. */
export function connectAs(devnet: Devnet, mspId: string): Connection {
  const paths = orgPaths(devnet.dir, mspId);
  return connectWith(devnet.address, mspId, readFileSync(paths.certPath), readFileSync(paths.keyPath));
}

export async function admin(devnet: Devnet, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  if (!devnet.adminUrl) throw new Error('admin API disabled');
  const response = await fetch(devnet.adminUrl + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

export const utf8 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
