/**
 * `tsx devnet/main.ts` as a process: configured by DEVNET_* variables, prints one line with its
 * address, and on SIGTERM stops cleanly together with the chaincode process it started.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FIXTURES, tempDir } from './support';

const ROOT = join(__dirname, '..', '..');
const TSX_CLI = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('starts from the environment, prints its address, and SIGTERM stops it and its chaincode', async () => {
  const dir = tempDir();
  const child = spawn(process.execPath, [TSX_CLI, join(ROOT, 'devnet', 'main.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DEVNET_DIR: dir,
      DEVNET_PORT: '0',
      DEVNET_ADMIN_PORT: '0',
      DEVNET_CHAINCODE_CMD: JSON.stringify([process.execPath, join(FIXTURES, 'kv-chaincode.js')]),
      DEVNET_CHAINCODE_DIR: FIXTURES,
      DEVNET_COLLECTIONS: join(FIXTURES, 'collections.json'),
    },
  });
  try {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout });
    const line = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`devnet exited with ${code}`)));
    });
    const match = /^devnet listening on (127\.0\.0\.1:\d+) \(channel logistics, chaincode lading, admin (http:\/\/127\.0\.0\.1:\d+), dir (.+)\)$/.exec(line);
    expect(match).not.toBeNull();
    const adminUrl = match?.[2] ?? '';
    const status = (await (await fetch(`${adminUrl}/status`)).json()) as { height: number; chaincodePid: number };
    expect(status.height).toBe(1);
    expect(isAlive(status.chaincodePid)).toBe(true);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(isAlive(status.chaincodePid)).toBe(false);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad variable stops start-up with one line naming it', async () => {
  const child = spawn(process.execPath, [TSX_CLI, join(ROOT, 'devnet', 'main.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DEVNET_BLOCK_SIZE: 'lots' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  expect(code).toBe(1);
  expect(stderr.trim()).toBe("devnet: DEVNET_BLOCK_SIZE must be an integer between 1 and 100000, got 'lots'");
});
