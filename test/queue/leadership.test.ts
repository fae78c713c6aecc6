import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, redisAnswers } from '../../connectors/queue';
import { Leadership, type LeadershipOptions, type LostReason } from '../../connectors/queue/leadership';

/**
 * Leader election on the real Redis: one of several contenders holds the role, a holder that
 * stops renewing is replaced within the lease, a released role passes at once, and at no moment
 * do two contenders believe they hold it.
 */

const connection = { host: '127.0.0.1', port: 6379 };
const LEASE = 600;

interface Contender {
  leadership: Leadership;
  events: string[];
}

function contender(name: string, overrides: Partial<LeadershipOptions> = {}): Contender {
  const events: string[] = [];
  const leadership = new Leadership({
    name, connection, prefix: 'test-leadership', leaseMs: LEASE,
    onAcquired: () => void events.push('acquired'),
    onLost: (reason: LostReason) => void events.push(`lost:${reason}`),
    ...overrides,
  });
  return { leadership, events };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
  return Date.now() - started;
}

const started: Leadership[] = [];
let admin: Redis;

beforeAll(() => {
  admin = new Redis(connection);
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((leadership) => leadership.stop()));
});

afterAll(async () => {
  await admin.quit();
});

async function start(...contenders: Contender[]): Promise<void> {
  started.push(...contenders.map((entry) => entry.leadership));
  await Promise.all(contenders.map((entry) => entry.leadership.start()));
}

it('lets exactly one of two contenders hold the role, with its token in Redis and a lease on the key', async () => {
  const name = `role-${randomUUID()}`;
  const a = contender(name);
  const b = contender(name);
  await start(a, b);
  const leaders = [a, b].filter((entry) => entry.leadership.isLeader);
  expect(leaders).toHaveLength(1);
  const leader = leaders[0] as Contender;
  expect(leader.events).toEqual(['acquired']);
  expect(await admin.get(leader.leadership.key)).toBe(leader.leadership.token);
  expect(await leader.leadership.holder()).toBe(leader.leadership.token);
  const ttl = await admin.pttl(leader.leadership.key);
  expect(ttl).toBeGreaterThan(0);
  expect(ttl).toBeLessThanOrEqual(LEASE);
  // Renewal keeps the role well past the lease.
  await sleep(LEASE * 3);
  expect(leader.leadership.isLeader).toBe(true);
  expect([a, b].filter((entry) => entry.leadership.isLeader)).toHaveLength(1);
  expect(leader.events).toEqual(['acquired']);
});

/** A contender in a child process, so that it can be killed or paused like a real instance. */
class HolderProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<void>;

  constructor(readonly child: ChildProcess) {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(name: string): Promise<HolderProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'leadership-holder.ts'), name, String(LEASE)], { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    const holder = new HolderProcess(child);
    await until('the holder process to start', () => holder.lines.includes('started'), 30_000);
    return holder;
  }

  get token(): string | undefined {
    return this.lines.find((line) => line.startsWith('acquired '))?.slice('acquired '.length);
  }
}

const children: HolderProcess[] = [];
afterEach(async () => {
  for (const holder of children.splice(0)) {
    holder.child.kill('SIGKILL');
    await holder.exited;
  }
});

async function holderProcess(name: string): Promise<HolderProcess> {
  const holder = await HolderProcess.start(name);
  children.push(holder);
  return holder;
}

it('hands the role on within the lease when the holder is killed without releasing it', async () => {
  const name = `role-${randomUUID()}`;
  const a = await holderProcess(name);
  expect(a.token).toBeDefined();
  const b = contender(name);
  await start(b);
  expect(b.leadership.isLeader).toBe(false);
  expect(await admin.get(b.leadership.key)).toBe(a.token);

  a.child.kill('SIGKILL');
  await a.exited;
  const waited = await until('the survivor to take the role', () => b.leadership.isLeader);
  // The dead holder's lease runs out (at most LEASE) and the survivor tries every LEASE / 5.
  expect(waited).toBeLessThanOrEqual(LEASE + LEASE / 5 + 300);
  expect(b.events).toEqual(['acquired']);
  expect(await admin.get(b.leadership.key)).toBe(b.leadership.token);
});

it('passes the role on at once when the holder stops gracefully', async () => {
  const name = `role-${randomUUID()}`;
  const a = await holderProcess(name);
  const b = contender(name);
  await start(b);
  a.child.kill('SIGTERM');
  await a.exited;
  expect(a.lines).toContain('lost released');
  await until('the survivor to take the role', () => b.leadership.isLeader, LEASE);
  expect(b.events).toEqual(['acquired']);
});

it('never lets two contenders hold the role: a paused holder finds the role taken when it resumes', async () => {
  const name = `role-${randomUUID()}`;
  const a = await holderProcess(name);
  const b = contender(name);
  await start(b);
  // A freezes (a long GC pause, a stopped VM) for three leases: B takes over meanwhile.
  a.child.kill('SIGSTOP');
  await until('the survivor to take the role', () => b.leadership.isLeader);
  a.child.kill('SIGCONT');
  await until('the resumed holder to notice', () => a.lines.includes('lost taken'));
  expect(a.lines.filter((line) => line.startsWith('acquired'))).toHaveLength(1);
  // B's lease was never touched by A's late renewal or release.
  expect(await admin.get(b.leadership.key)).toBe(b.leadership.token);
  expect(b.leadership.isLeader).toBe(true);
  expect(b.events).toEqual(['acquired']);
});

it('keeps one holder among five contenders over many lease periods, with every hand-over clean', async () => {
  const name = `role-${randomUUID()}`;
  const contenders = Array.from({ length: 5 }, () => contender(name));
  await start(...contenders);
  let samples = 0;
  for (let round = 0; round < 4; round++) {
    const leader = contenders.find((entry) => entry.leadership.isLeader);
    expect(leader).toBeDefined();
    // Sampled every 20 ms for a lease period: never two at once.
    for (let i = 0; i < LEASE / 20; i++) {
      expect(contenders.filter((entry) => entry.leadership.isLeader).length).toBeLessThanOrEqual(1);
      samples++;
      await sleep(20);
    }
    // The holder leaves; someone else takes over.
    await (leader as Contender).leadership.stop();
    contenders.splice(contenders.indexOf(leader as Contender), 1);
    if (contenders.length === 0) break;
    await until('a new holder', () => contenders.some((entry) => entry.leadership.isLeader), LEASE * 2);
    expect((leader as Contender).events).toEqual(['acquired', 'lost:released']);
  }
  expect(samples).toBeGreaterThan(0);
  // Every contender was told of every change exactly once: no second 'acquired' anywhere.
  for (const entry of contenders) expect(entry.events.filter((event) => event === 'acquired').length).toBeLessThanOrEqual(1);
});

it('gives the role up before its lease could pass when Redis stops answering', async () => {
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100 && !(await redisAnswers('127.0.0.1', port)); i++) await sleep(50);
    const errors: Error[] = [];
    const a = contender(`role-${randomUUID()}`, { connection: { host: '127.0.0.1', port }, onError: (error) => void errors.push(error) });
    await start(a);
    expect(a.leadership.isLeader).toBe(true);
    const pausedAt = Date.now();
    server.kill('SIGSTOP');
    await until('the holder to give the role up', () => a.events.includes('lost:unreachable'), LEASE * 3);
    // Given up before the lease it last renewed could have run out.
    expect(Date.now() - pausedAt).toBeLessThan(LEASE + 100);
    expect(a.leadership.isLeader).toBe(false);
    expect(errors.length).toBeGreaterThan(0);
    server.kill('SIGCONT');
    // Once Redis answers again it contends again and (alone) takes the role back.
    await until('the role taken again', () => a.leadership.isLeader, LEASE * 5);
    expect(a.events).toEqual(['acquired', 'lost:unreachable', 'acquired']);
  } finally {
    server.kill('SIGKILL');
  }
});

it('refuses a lease too short or a renewal interval that leaves no time to stop', () => {
  expect(() => contender('x', { leaseMs: 10 })).toThrow(RangeError);
  expect(() => contender('x', { leaseMs: 1_000, renewEveryMs: 600 })).toThrow(/below half the lease/);
});

it('gives the role back when the work cannot start, so another contender takes it', async () => {
  const name = `role-${randomUUID()}`;
  const errors: Error[] = [];
  const failing = contender(name, { onAcquired: () => { throw new Error('listener cannot start'); }, onError: (error) => void errors.push(error) });
  await start(failing);
  expect(failing.leadership.isLeader).toBe(false);
  expect(errors.map((error) => error.message)).toContain('listener cannot start');
  expect(await admin.get(failing.leadership.key)).toBeNull();
  await failing.leadership.stop();
  const healthy = contender(name);
  await start(healthy);
  expect(healthy.leadership.isLeader).toBe(true);
});
