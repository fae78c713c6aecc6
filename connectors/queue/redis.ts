import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';

/**
 * Where BullMQ's Redis is. With REDIS_URL set, that one. Without, 127.0.0.1:6379 when it answers;
 * else a private redis-server started from PATH on a free port and stopped with Lading.
 */

export interface RedisEndpoint {
  host: string;
  port: number;
  /** e.g. redis://127.0.0.1:6379/0 */
  url: string;
  /** Present for a private server Lading started: stops it. */
  stop?: () => Promise<void>;
  embedded: boolean;
}

export class RedisUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisUnavailableError';
  }
}

/** True when something at host:port answers PING with PONG within the timeout. */
export function redisAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const finish = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.connect(port, host, () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => finish(chunk.toString().startsWith('+PONG')));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function startPrivateRedis(): Promise<RedisEndpoint> {
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore', env: process.env });
  } catch (error) {
    throw new RedisUnavailableError('No Redis answers on 127.0.0.1:6379 and redis-server could not be started: install Redis (apt-get install redis-server) or set REDIS_URL', { cause: error });
  }
  let failed = false;
  const spawnFailure = new Promise<never>((_, reject) => {
    child.once('error', (error) => {
      failed = true;
      reject(new RedisUnavailableError(
        'No Redis answers on 127.0.0.1:6379 and there is no redis-server on PATH: install Redis (apt-get install redis-server) or set REDIS_URL', { cause: error },
      ));
    });
  });
  const ready = (async (): Promise<void> => {
    for (let attempt = 0; attempt < 100 && !failed; attempt++) {
      if (await redisAnswers('127.0.0.1', port, 200)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new RedisUnavailableError(`The private redis-server on port ${port} did not answer within 5 s`);
  })();
  await Promise.race([ready, spawnFailure]);
  // Never leave a private Redis behind, whatever way the process ends.
  const kill = (): void => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.once('exit', kill);
  return {
    host: '127.0.0.1', port, url: `redis://127.0.0.1:${port}`, embedded: true,
    stop: async () => {
      process.removeListener('exit', kill);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** `localPort` is where a local Redis is looked for (6379; tests point it elsewhere). */
export async function resolveRedis(redisUrl: string | undefined = process.env.REDIS_URL, localPort = 6379): Promise<RedisEndpoint> {
  if (redisUrl) {
    const url = new URL(redisUrl);
    return { host: url.hostname, port: Number(url.port || 6379), url: redisUrl, embedded: false };
  }
  if (await redisAnswers('127.0.0.1', localPort)) {
    return { host: '127.0.0.1', port: localPort, url: `redis://127.0.0.1:${localPort}`, embedded: false };
  }
  return startPrivateRedis();
}
