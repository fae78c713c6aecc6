import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, redisAnswers } from '../../connectors/queue';
import { PROJECT_ROOT } from './idocs';
import { sleep } from './timing';

/** Child processes the benchmarks start, and stop again by their own handle (never by name). */

/** Stops a child: SIGTERM, SIGKILL after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface TrivialServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts bench/lib/trivial-server.ts in its own Node process. */
export function startTrivialServer(): Promise<TrivialServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'bench', 'lib', 'trivial-server.ts')], {
    cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^listening (\d+)$/.exec(line);
      if (match) resolve({ url: `http://127.0.0.1:${match[1]}`, stop: () => stopChild(child) });
    });
    child.once('exit', (code) => reject(new Error(`trivial server exited with ${code}`)));
  });
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A private redis-server on a free port, no persistence: FLUSHALL or load harms nobody else. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 200 && !(await redisAnswers('127.0.0.1', port)); i++) await sleep(50);
  if (!(await redisAnswers('127.0.0.1', port))) {
    child.kill('SIGKILL');
    throw new Error(`redis-server did not answer on port ${port}`);
  }
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => stopChild(child) };
}

export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

export async function tempDir(prefix: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** CDS_CONFIG for a Lading child process: SQLite file in `dir`, quiet logs. */
export function sqliteCdsConfig(dir: string): string {
  return JSON.stringify({
    requires: { db: { kind: 'sqlite', credentials: { url: join(dir, 'lading.sqlite') } } },
    log: { levels: { cds: 'warn', odata: 'warn', lading: 'warn', pipeline: 'error', sap: 'error', serve: 'warn', deploy: 'warn' } },
  });
}

/** Environment that makes a Node child write a CPU profile to <resultsDir>/<name>-cpu/ at exit (lib/cpu-profile-preload.cjs). */
export function profileEnv(context: { resultsDir: string }, name: string): Record<string, string> {
  return {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${join(PROJECT_ROOT, 'bench', 'lib', 'cpu-profile-preload.cjs')}`.trim(),
    BENCH_CPU_PROFILE_DIR: join(context.resultsDir, `${name}-cpu`),
  };
}

/** CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat (Linux); undefined elsewhere. */
export async function cpuMsOf(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // utime and stime, fields 14 and 15 (counted after the command name's closing parenthesis), in ticks of 10 ms.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
