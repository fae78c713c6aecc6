import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../connectors/queue';
import { PROJECT_ROOT } from './lading';

/**
 * Lading as a separate process (cds serve through tsx, as `npm start` runs it), for tests that
 * kill instances. The environment decides its database, Redis and ledger.
 */

const CDS_TSX = join(PROJECT_ROOT, 'node_modules', '@sap', 'cds-dk', 'bin', 'cds-tsx.js');

export class LadingProcess {
  #exit: Promise<number | null>;
  readonly output: string[] = [];

  private constructor(readonly name: string, readonly url: string, readonly child: ChildProcess) {
    this.#exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const keep = (chunk: Buffer): void => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static async start(name: string, env: Record<string, string>, port?: number): Promise<LadingProcess> {
    const listenPort = port ?? (await freePort());
    // tsx as a loader in this very process (not the tsx CLI, which forks a child): a kill hits the server itself.
    const child = spawn(process.execPath, ['--import', 'tsx', CDS_TSX, 'serve'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NODE_ENV: 'development', CDS_TYPESCRIPT: 'true', ...env, PORT: String(listenPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const instance = new LadingProcess(name, `http://127.0.0.1:${listenPort}`, child);
    await instance.#waitReady(60_000);
    return instance;
  }

  async #waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.#exit.then(() => { exited = true; });
    while (Date.now() < deadline && !exited) {
      try {
        const response = await fetch(`${this.url}/odata/v4/shipment/$metadata`, { headers: { authorization: basic('operator') } });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    this.child.kill('SIGKILL');
    throw new Error(`Lading ${this.name} did not start: ${this.output.join('').slice(-3000)}`);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.#exit;
  }

  get exited(): Promise<number | null> {
    return this.#exit;
  }
}

export function basic(user: string): string {
  return `Basic ${Buffer.from(`${user}:${user}`).toString('base64')}`;
}
