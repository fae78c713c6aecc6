import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import { BatchWorker } from '../../connectors/queue/batch-worker';
import { redisConnections, SentinelRedis, type RedisConnections } from '../../connectors/queue/connection';
import { Leadership } from '../../connectors/queue/leadership';
import { PartitionedQueue } from '../../connectors/queue/partitioned-queue';
import { readConfig } from '../../srv/config';

/**
 * Lading against a real Redis Sentinel group and a real Redis Cluster, both started here from the
 * redis-server on PATH (private ports, temp dirs, stopped in afterAll): connections built from an
 * environment as srv/config.ts and srv/pipeline/runtime.ts build them, BullMQ queues and workers,
 * the partitioned queue with its BatchWorker, leader election with takeover after the holder is
 * killed, and a Sentinel failover under a running worker. On the Cluster the hash-tagged prefix
 * is what keeps a queue in one slot; without it BullMQ fails with CROSSSLOT.
 */

const ROOT = resolve(__dirname, '../..');
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(children.map(stopChild));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

const taken = new Set<number>();
/** A random port in 20000..39999 that is free, and whose cluster bus port (+10000) is free too. */
async function randomPort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if (taken.has(port)) continue;
    if ((await portFree(port)) && (await portFree(port + 10_000))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('No free port pair found in 20000..49999');
}

function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `lading-${label}-`));
  dirs.push(dir);
  return dir;
}

/** Starts redis-server with the arguments and waits until it answers PING. */
async function startRedis(port: number, args: string[], dir: string): Promise<void> {
  const child = spawn('redis-server', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  children.push(child);
  let output = '';
  const keep = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-2_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`redis-server could not be started (install redis-server, as .ci/run does): ${error.message}`)));
    // e.g. a build without cluster support refuses --cluster-enabled: say so rather than time out.
    child.once('exit', (code) => reject(new Error(`redis-server ${args.join(' ')} exited with ${code}: ${output.trim()}`)));
  });
  spawnError.catch(() => undefined); // an exit after start-up is the test's business, not an unhandled rejection
  const ready = waitFor(`redis-server on port ${port}`, async () => {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } finally {
      client.disconnect();
    }
  }, 10_000);
  await Promise.race([ready, spawnError]);
}

async function command(port: number, ...args: (string | number)[]): Promise<unknown> {
  const client = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    return await client.call(String(args[0]), ...args.slice(1).map(String));
  } finally {
    // quit, not disconnect: disconnect leaves a 2 s timer per client that holds Jest open.
    await client.quit().catch(() => client.disconnect());
  }
}

interface Recorder {
  processed: { id: string; attempt: number; at: number }[];
}

/** Queue + Worker: jobs processed, a deterministic jobId deduplicated, a failing job retried after its backoff. */
async function exerciseQueue(connection: ConnectionOptions, prefix: string): Promise<void> {
  const name = `rt-${randomUUID()}`;
  const queue = new Queue(name, { connection, prefix });
  const record: Recorder = { processed: [] };
  const worker = new Worker(name, async (job: Job<{ failFirst?: boolean }>) => {
    record.processed.push({ id: job.id as string, attempt: job.attemptsMade, at: Date.now() });
    if (job.data.failFirst && job.attemptsMade === 0) throw new Error('first attempt fails');
    return `done ${job.id}`;
  }, { connection, prefix, drainDelay: 1 });
  const errors: Error[] = [];
  worker.on('error', (error) => errors.push(error));
  try {
    await queue.add('plain', {}, { jobId: 'a' });
    await queue.add('plain', {}, { jobId: 'b' });
    const again = await queue.add('plain', {}, { jobId: 'a' }); // same id: no second job
    expect(again.id).toBe('a');
    await queue.add('retried', { failFirst: true }, { jobId: 'r', attempts: 3, backoff: { type: 'fixed', delay: 300 } });
    await waitFor('jobs a, b and r completed', async () => (await queue.getJobCounts('completed')).completed === 3);
    expect(record.processed.filter((entry) => entry.id === 'a')).toHaveLength(1);
    const retries = record.processed.filter((entry) => entry.id === 'r');
    expect(retries.map((entry) => entry.attempt)).toEqual([0, 1]);
    expect((retries[1]?.at ?? 0) - (retries[0]?.at ?? 0)).toBeGreaterThanOrEqual(300);
    expect((await queue.getJob('r'))?.returnvalue).toBe('done r');
    expect(errors).toEqual([]);
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

/** Lading's partitioned queue, each partition drained by a BatchWorker. */
async function exercisePartitions(connection: ConnectionOptions, prefix: string): Promise<void> {
  const base = `rt-part-${randomUUID()}`;
  const partitioned = new PartitionedQueue<{ n: number }>(base, { connection, prefix, partitions: 3 });
  const seen: number[] = [];
  const workers = partitioned.queueNames().map((name) => new BatchWorker<{ n: number }, number>(name, async (jobs) => {
    seen.push(...jobs.map((job) => job.data.n));
    return jobs.map((job) => ({ kind: 'completed' as const, result: job.data.n }));
  }, { connection, prefix, lingerMs: 10 }));
  const errors: Error[] = [];
  try {
    const jobs = Array.from({ length: 30 }, (_, n) => ({ key: `shipment-${n % 7}`, name: 'event', data: { n }, jobId: `event-${n}` }));
    await partitioned.addAll(jobs);
    await partitioned.addAll(jobs.slice(0, 5)); // same ids again: no-ops
    expect(await partitioned.depth()).toBe(30);
    for (const worker of workers) worker.onError((error) => errors.push(error)).start();
    await waitFor('all 30 partitioned jobs processed', () => seen.length >= 30);
    await sleep(100);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, n) => n));
    expect(await partitioned.depth()).toBe(0);
    expect(errors).toEqual([]);
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
    await Promise.all(partitioned.queues.map((queue) => queue.obliterate({ force: true })));
    await partitioned.close();
  }
}

/** A contender in its own process, killed with SIGKILL so it stops renewing without releasing. */
function startRemoteContender(env: Record<string, string>, role: string, leaseMs: number): Promise<{ child: ChildProcess; token: string }> {
  const dir = tempDir('contender');
  const script = join(dir, 'contender.ts');
  writeFileSync(script, [
    `import { redisConnections } from ${JSON.stringify(join(ROOT, 'connectors/queue/connection'))};`,
    `import { Leadership } from ${JSON.stringify(join(ROOT, 'connectors/queue/leadership'))};`,
    `import { readConfig } from ${JSON.stringify(join(ROOT, 'srv/config'))};`,
    'const { pipeline } = readConfig(process.env);',
    `const connections = redisConnections({ host: '', port: 0, url: '', embedded: false }, pipeline.redisTopology);`,
    `const role = new Leadership({ name: ${JSON.stringify(role)}, connection: connections.leadership, prefix: pipeline.queuePrefix, leaseMs: ${leaseMs},`,
    `  onAcquired: () => { process.stdout.write('acquired ' + role.token + '\\n'); }, onLost: () => undefined });`,
    'void role.start();',
  ].join('\n'));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((done, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`The remote contender did not take the role within 20 s: ${err}`)), 20_000);
    child.stderr?.on('data', (chunk: Buffer) => void (err += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /acquired (\S+)\n/.exec(out);
      if (match) {
        clearTimeout(timer);
        done({ child, token: match[1] as string });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The remote contender exited with ${code}: ${err}`));
    });
  });
}

/** One leader among two contenders; when the holder dies without releasing, the other takes over after the lease. */
async function exerciseLeadership(env: Record<string, string>, connections: RedisConnections, prefix: string): Promise<void> {
  const leaseMs = 1_000;
  const contender = (name: string, events: string[]): Leadership => new Leadership({
    name, connection: connections.leadership, prefix, leaseMs,
    onAcquired: () => void events.push('acquired'), onLost: (reason) => void events.push(`lost:${reason}`),
  });

  // Two in this process, started together: exactly one holds the role.
  const role = `rt-${randomUUID()}`;
  const eventsA: string[] = [];
  const eventsB: string[] = [];
  const [a, b] = await Promise.all([contender(role, eventsA).start(), contender(role, eventsB).start()]);
  try {
    expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
    const [holder, other] = a.isLeader ? [a, b] : [b, a];
    expect(await other.holder()).toBe(holder.token);
    await holder.stop(); // released: the other takes over on its next try
    await waitFor('the second contender to take the released role', () => other.isLeader, 3_000);
  } finally {
    await a.stop();
    await b.stop();
  }

  // A holder in another process, killed: it stops renewing and never releases.
  const killedRole = `rt-${randomUUID()}`;
  const remote = await startRemoteContender(env, killedRole, leaseMs);
  const events: string[] = [];
  const local = await contender(killedRole, events).start();
  try {
    expect(local.isLeader).toBe(false);
    expect(await local.holder()).toBe(remote.token);
    const killedAt = Date.now();
    await stopChild(remote.child);
    await waitFor('takeover after the killed holder\'s lease', () => local.isLeader, leaseMs + 2_000);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(leaseMs + 1_000);
    expect(await local.holder()).toBe(local.token);
    expect(events).toEqual(['acquired']);
  } finally {
    await local.stop();
  }
}

describe('Redis Cluster (3 primaries started here)', () => {
  const ports: number[] = [];
  let env: Record<string, string>;
  let connections: RedisConnections;
  let prefix: string;

  beforeAll(async () => {
    const dir = tempDir('cluster');
    for (let n = 0; n < 3; n++) ports.push(await randomPort());
    const started = Promise.all(ports.map((port) => startRedis(port, [
      '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`),
      '--cluster-node-timeout', '2000', '--save', '', '--appendonly', 'no', '--dir', dir,
    ], dir)));
    await started.catch((error: Error) => {
      throw new Error(`This redis-server cannot run a Redis Cluster node (is it built with cluster support?): ${error.message}`);
    });
    const info = await command(ports[0] as number, 'CLUSTER', 'INFO').catch((error: Error) => error.message);
    if (typeof info !== 'string' || !info.includes('cluster_state')) {
      throw new Error(`This redis-server has no cluster support (CLUSTER INFO answered "${String(info)}"): install a Redis built with cluster support`);
    }
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'], { env: process.env, encoding: 'utf8', timeout: 20_000 });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed (${create.error?.message ?? create.status}): ${create.stdout}${create.stderr}`);
    for (const port of ports) {
      await waitFor(`cluster_state:ok on ${port}`, async () => String(await command(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'));
    }
    env = { REDIS_CLUSTER_NODES: ports.map((port) => `127.0.0.1:${port}`).join(','), QUEUE_PREFIX: `rt-${randomUUID().slice(0, 8)}` };
    const { pipeline } = readConfig(env);
    prefix = pipeline.queuePrefix;
    connections = redisConnections({ host: '', port: 0, url: '', embedded: false }, pipeline.redisTopology);
  }, 45_000);

  afterAll(async () => {
    await connections?.close();
  });

  it('reads the nodes from REDIS_CLUSTER_NODES and tags the prefix', () => {
    expect(prefix).toBe(`{${env.QUEUE_PREFIX}}`);
    expect(connections.queues).toBeInstanceOf(Cluster);
  });

  it('runs BullMQ jobs, deduplication and retries with backoff, every key of the queue in one slot', async () => {
    const cluster = connections.queues as Cluster;
    await exerciseQueue(connections.queues, prefix);
    // Jobs kept in a queue's keys: all of them on one slot, which is the tag's.
    const name = `rt-slot-${randomUUID()}`;
    const queue = new Queue(name, { connection: cluster, prefix });
    try {
      await queue.add('kept', {}, { jobId: 'k', delay: 60_000 });
      await queue.add('waiting', {}, { jobId: 'w' });
      const keys = (await Promise.all(cluster.nodes('master').map((node) => node.keys(`${prefix}:${name}:*`)))).flat();
      expect(keys.length).toBeGreaterThanOrEqual(4);
      const slots = new Set(await Promise.all(keys.map((key) => cluster.cluster('KEYSLOT', key))));
      expect([...slots]).toEqual([await cluster.cluster('KEYSLOT', prefix)]);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('fails with CROSSSLOT when the prefix has no hash tag: the tag is what makes BullMQ work here', async () => {
    const queue = new Queue(`rt-untagged-${randomUUID()}`, { connection: connections.queues, prefix: env.QUEUE_PREFIX as string });
    try {
      await expect(queue.add('job', {})).rejects.toThrow(/CROSSSLOT/);
    } finally {
      await queue.close();
    }
  });

  it('runs the partitioned queue with BatchWorkers', async () => {
    await exercisePartitions(connections.queues, prefix);
  });

  it('elects one leader and hands over when the holder dies', async () => {
    await exerciseLeadership(env, connections, prefix);
  });
});

describe('Redis Sentinel (primary, replica and one Sentinel started here)', () => {
  let primary: number;
  let replica: number;
  let sentinel: number;
  let env: Record<string, string>;
  let connections: RedisConnections;
  let prefix: string;

  beforeAll(async () => {
    const dir = tempDir('sentinel');
    [primary, replica, sentinel] = [await randomPort(), await randomPort(), await randomPort()];
    const common = (port: number): string[] => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    await startRedis(primary, common(primary), dir);
    await startRedis(replica, [...common(replica), '--replicaof', '127.0.0.1', String(primary)], dir);
    await waitFor('the replica to sync', async () => String(await command(replica, 'INFO', 'replication')).includes('master_link_status:up'));
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(conf, [
      `port ${sentinel}`, 'bind 127.0.0.1', `dir ${dir}`,
      `sentinel monitor mymaster 127.0.0.1 ${primary} 1`,
      'sentinel down-after-milliseconds mymaster 1000',
      'sentinel failover-timeout mymaster 5000', '',
    ].join('\n'));
    await startRedis(sentinel, [conf, '--sentinel'], dir);
    await waitFor('Sentinel to know the replica', async () => {
      const replicas = (await command(sentinel, 'SENTINEL', 'REPLICAS', 'mymaster')) as string[][];
      return replicas.some((fields) => fields.includes(String(replica)) && fields[fields.indexOf('flags') + 1] === 'slave');
    });
    env = { REDIS_SENTINELS: `127.0.0.1:${sentinel}`, REDIS_SENTINEL_NAME: 'mymaster', QUEUE_PREFIX: `rt-${randomUUID().slice(0, 8)}` };
    const { pipeline } = readConfig(env);
    prefix = pipeline.queuePrefix;
    connections = redisConnections({ host: '', port: 0, url: '', embedded: false }, pipeline.redisTopology);
  }, 30_000);

  afterAll(async () => {
    await connections?.close();
  });

  it('reads the Sentinel from REDIS_SENTINELS and keeps the plain prefix', () => {
    expect(prefix).toBe(env.QUEUE_PREFIX);
    expect(connections.queues).toBeInstanceOf(SentinelRedis);
    expect((connections.queues as Redis).options).toMatchObject({ sentinels: [{ host: '127.0.0.1', port: sentinel }], name: 'mymaster', failoverDetector: true });
  });

  it('runs BullMQ jobs, deduplication and retries with backoff on the primary Sentinel names', async () => {
    await exerciseQueue(connections.queues, prefix);
  });

  it('runs the partitioned queue with BatchWorkers', async () => {
    await exercisePartitions(connections.queues, prefix);
  });

  it('elects one leader and hands over when the holder dies', async () => {
    await exerciseLeadership(env, connections, prefix);
  });

  it('leaves no failover subscription on the Sentinel behind once workers and queues are closed', async () => {
    const subscriptions = async (): Promise<number> => String(await command(sentinel, 'CLIENT', 'LIST')).split('\n').filter((line) => /\bflags=\S*P/.test(line)).length;
    // The shared client's own detector is the one that stays; every worker's blocking client closed its own.
    await (connections.queues as Redis).ping();
    await exerciseQueue(connections.queues, prefix);
    await exercisePartitions(connections.queues, prefix);
    await waitFor('one failover subscription on the Sentinel', async () => (await subscriptions()) === 1, 3_000);
  });

  it('keeps a worker processing across a Sentinel failover to the replica', async () => {
    const name = `rt-failover-${randomUUID()}`;
    const queue = new Queue(name, { connection: connections.queues, prefix });
    const done: string[] = [];
    const worker = new Worker(name, async (job) => void done.push(job.id as string), { connection: connections.queues, prefix, drainDelay: 1 });
    worker.on('error', () => undefined); // the old primary drops its clients during the switch
    queue.on('error', () => undefined);
    try {
      await queue.add('before', {}, { jobId: 'before' });
      await waitFor('the job before the failover', () => done.includes('before'));
      await waitFor('Sentinel to accept the failover', async () => (await command(sentinel, 'SENTINEL', 'FAILOVER', 'mymaster')) === 'OK');
      await waitFor('Sentinel to name the replica as primary', async () => {
        const address = (await command(sentinel, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster')) as string[];
        return address[1] === String(replica);
      }, 20_000);
      // The old primary still runs and still thinks it is primary (Sentinel demotes it only some
      // 10 s later): clients must leave it on Sentinel's +switch-master, not wait to be dropped.
      await waitFor('the queue\'s client to move to the new primary', async () => {
        const info = await (connections.queues as Redis).info('server');
        return info.includes(`tcp_port:${replica}\r\n`);
      }, 10_000);
      await waitFor('the add after the failover', async () => Boolean(await queue.add('after', {}, { jobId: 'after' })), 10_000);
      await waitFor('the job after the failover', () => done.includes('after'), 15_000);
      // It ran on the new primary, not on the old one that Sentinel will resync from it.
      expect(await command(replica, 'EXISTS', `${prefix}:${name}:after`)).toBe(1);
      expect(await command(primary, 'EXISTS', `${prefix}:${name}:after`)).toBe(0);
      expect(done).toEqual(['before', 'after']);
    } finally {
      await worker.close();
      await queue.close();
    }
  }, 45_000);
});
