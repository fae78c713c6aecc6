import { join } from 'node:path';
import { Devnet } from '../test/ledger/support';
import { basic, LadingProcess } from '../test/support/lading-process';
import { ledgerEnv } from '../test/support/ledger-env';
import { bodies } from './ingest-http';
import { bullmqBaseline, type BullmqFigures } from './lib/bullmq-baseline';
import type { BenchContext } from './lib/context';
import { runLoad } from './lib/http-load';
import { docnumOf } from './lib/idocs';
import { commitFigures, postedCount, type CommitFigures } from './lib/lading-db';
import { createPgSchema } from './lib/lading-pg';
import { cpuMsOf, profileEnv, sqliteCdsConfig, startRedis, tempDir } from './lib/processes';
import type { Figure, Measurement } from './lib/result';
import { waitUntil } from './lib/timing';

/**
 * 4. end to end: IDocs over HTTP into Lading (child processes, pipeline on, a private Redis,
 * devnet in its own process) until every accepted IDoc is posted (53). Shipment events/s =
 * events committed / (first IDoc received → last IDoc posted); accept→53 latency from Lading's own
 * timestamps (InboundIdocs.receivedAt, IdocStatusRecords.createdAt of status 53). Full load: 32
 * closed-loop clients; half load: paced at half the IDocs/s full load got posted.
 * Set-ups, one devnet and one private Redis for all: one Lading on a SQLite file; on a private
 * PostgreSQL schema first one Lading alone (pg1), then three on that schema with IDocs posted to
 * them round robin (pg3): 1 and 3 on PostgreSQL are the like-for-like pair.
 * Baseline: raw BullMQ on the same Redis (no-op jobs, one worker, concurrency 100; bulk adds/s).
 *
 * For measuring settings (bench/README.md, "Settings measured"): BENCH_E2E_SETUPS=sqlite,pg1,pg3
 * picks set-ups, BENCH_E2E_SECONDS sets the load phases' length, BENCH_LADING_ENV='{"NAME":"value"}'
 * adds variables to every Lading child (e.g. LEDGER_PARTITIONS); the values go into the notes.
 */

const CONCURRENCY = 32;
const SETUPS = ['sqlite', 'pg1', 'pg3'] as const;
type Setup = (typeof SETUPS)[number];

/** Where a set-up's IDocs land, read back for the figures. */
interface Store {
  figures(from: string, to: string): Promise<CommitFigures>;
  postedCount(from: string, to: string): Promise<{ total: number; posted: number; failed: number }>;
}

/** A phase's figures plus the CPU time all Lading processes used from its start until every IDoc was posted. */
interface PhaseFigures extends CommitFigures {
  ladingCpuMs?: number;
}

interface SetupFigures {
  full: PhaseFigures;
  half: PhaseFigures;
}

async function cpuMsOfAll(ladings: readonly LadingProcess[]): Promise<number | undefined> {
  const each = await Promise.all(ladings.map((lading) => cpuMsOf(lading.child.pid)));
  return each.some((value) => value === undefined) ? undefined : each.reduce((sum: number, value) => sum + (value as number), 0);
}

function selectedSetups(context: BenchContext): Setup[] {
  const raw = process.env.BENCH_E2E_SETUPS?.trim();
  // --quick leaves out the three instances (starting two more Ladings): its budget is 2 minutes in all.
  if (!raw) return context.quick ? ['sqlite', 'pg1'] : [...SETUPS];
  const names = raw.split(',').map((name) => name.trim());
  for (const name of names) if (!(SETUPS as readonly string[]).includes(name)) throw new Error(`BENCH_E2E_SETUPS: unknown set-up ${name} (known: ${SETUPS.join(', ')})`);
  return names as Setup[];
}

function extraLadingEnv(): Record<string, string> {
  const raw = process.env.BENCH_LADING_ENV?.trim();
  if (!raw) return {};
  const parsed = JSON.parse(raw) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((value) => typeof value !== 'string')) {
    throw new Error('BENCH_LADING_ENV must be a JSON object of strings, e.g. {"LEDGER_PARTITIONS":"16"}');
  }
  return parsed as Record<string, string>;
}

function phaseMs(context: BenchContext): number {
  const seconds = Number(process.env.BENCH_E2E_SECONDS);
  if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  return context.quick ? 2_000 : 45_000;
}

async function phase(
  context: BenchContext, label: string, ladings: readonly LadingProcess[], store: Store, firstSerial: number, durationMs: number, ratePerSecond?: number,
): Promise<PhaseFigures> {
  const from = docnumOf(firstSerial);
  const to = docnumOf(firstSerial + 1_000_000);
  const cpuBefore = await cpuMsOfAll(ladings);
  const load = await runLoad({
    url: ladings.map((lading) => `${lading.url}/idoc/xml`), concurrency: CONCURRENCY, durationMs, body: bodies(firstSerial, 42), headers: { authorization: basic('erp') },
    accept: (status, body) => status === 200 && body.includes('"outcome":"accepted"'),
    ...(ratePerSecond === undefined ? {} : { ratePerSecond }),
  });
  context.log(`${label}: ${load.ok} accepted, ${load.failed} failed${load.firstFailure ? ` (first: ${load.firstFailure.slice(0, 200)})` : ''}; waiting for 53`);
  await waitUntil('every accepted IDoc to be posted (53)', async () => {
    const counts = await store.postedCount(from, to);
    return counts.posted + counts.failed >= counts.total ? counts : undefined;
  }, context.quick ? 90_000 : 300_000, 250);
  const cpuAfter = await cpuMsOfAll(ladings);
  const figures = await store.figures(from, to);
  return { ...figures, ...(cpuBefore !== undefined && cpuAfter !== undefined ? { ladingCpuMs: cpuAfter - cpuBefore } : {}) };
}

/**
 * First serials of each phase: a range of a million each (DOCNUM and, as serial mod 10^7, delivery
 * number), so no two phases share a shipment on the one devnet or an IDoc in the one schema.
 */
const SERIALS: Record<Setup, { warmup: number; full: number; half: number }> = {
  sqlite: { warmup: 5_000_000, full: 3_000_000, half: 4_000_000 },
  pg1: { warmup: 8_000_000, full: 6_000_000, half: 7_000_000 },
  pg3: { warmup: 9_000_000, full: 1_000_000, half: 2_000_000 },
};

/** Warm-up (a few IDocs all the way), full load, then half load paced at half of what full load posted. */
async function loadPhases(context: BenchContext, setup: Setup, ladings: readonly LadingProcess[], store: Store): Promise<SetupFigures> {
  const durationMs = phaseMs(context);
  const serials = SERIALS[setup];
  // --quick skips the warm-up: its 2-minute budget is spent on starting processes already.
  if (!context.quick) await phase(context, `${setup} warm-up`, ladings, store, serials.warmup, 1_000);
  const full = await phase(context, `${setup} full load`, ladings, store, serials.full, durationMs);
  const halfRate = (full.posted * 1000) / full.windowMs / 2;
  const half = await phase(context, `${setup} half load (${halfRate.toFixed(1)} IDocs/s)`, ladings, store, serials.half, durationMs, halfRate);
  return { full, half };
}

function ladingEnv(context: BenchContext, name: string, devnet: Devnet, redisUrl: string, cdsConfig: string, extraEnv: Record<string, string>): Record<string, string> {
  return {
    ...ledgerEnv(devnet, redisUrl), LADING_SAP: 'off', CDS_CONFIG: cdsConfig, ...extraEnv,
    ...(context.profile ? profileEnv(context, name) : {}),
  };
}

/** One Lading on a SQLite file. */
async function runSqlite(context: BenchContext, devnet: Devnet, redisUrl: string, extraEnv: Record<string, string>): Promise<SetupFigures> {
  const dir = await tempDir('lading-bench-e2e-');
  let lading: LadingProcess | undefined;
  try {
    lading = await LadingProcess.start('bench-e2e', ladingEnv(context, 'end-to-end', devnet, redisUrl, sqliteCdsConfig(dir.path), extraEnv));
    const dbFile = join(dir.path, 'lading.sqlite');
    return await loadPhases(context, 'sqlite', [lading], {
      figures: async (from, to) => commitFigures(dbFile, from, to),
      postedCount: async (from, to) => postedCount(dbFile, from, to),
    });
  } finally {
    await lading?.kill('SIGTERM');
    await dir.remove();
  }
}

/**
 * PostgreSQL, one devnet, one schema: first one Lading alone (pg1), then two more join it and the
 * IDocs go to all three round robin (pg3). Only one instance runs during pg1, so the pair compares
 * 1 and 3 instances on the same database, Redis and ledger (pg3 finds pg1's rows there).
 */
async function runPostgres(context: BenchContext, devnet: Devnet, setups: Setup[], redisUrl: string, extraEnv: Record<string, string>): Promise<Map<Setup, SetupFigures>> {
  const schema = await createPgSchema('lading_bench');
  const ladings: LadingProcess[] = [];
  const figures = new Map<Setup, SetupFigures>();
  try {
    const env = ladingEnv(context, 'end-to-end-pg', devnet, redisUrl, schema.cdsConfig, extraEnv);
    // The first instance deploys the schema; the others find it deployed.
    ladings.push(await LadingProcess.start('bench-e2e-pg-a', env));
    if (setups.includes('pg1')) figures.set('pg1', await loadPhases(context, 'pg1', [...ladings], schema));
    if (setups.includes('pg3')) {
      ladings.push(...(await Promise.all([LadingProcess.start('bench-e2e-pg-b', env), LadingProcess.start('bench-e2e-pg-c', env)])));
      figures.set('pg3', await loadPhases(context, 'pg3', [...ladings], schema));
    }
    return figures;
  } finally {
    context.log(`stopping ${ladings.length} Lading processes`);
    await Promise.all(ladings.map((lading) => lading.kill('SIGTERM')));
    await schema.drop();
    context.log('stopped');
  }
}

const TITLES: Record<Setup, string> = { sqlite: 'end-to-end', pg1: 'end-to-end PostgreSQL 1 instance', pg3: 'end-to-end PostgreSQL 3 instances' };

function describe(figures: PhaseFigures, settings: string): string {
  const cpu = figures.ladingCpuMs === undefined || figures.posted === 0 ? '' : `, Lading CPU ${(figures.ladingCpuMs / figures.posted).toFixed(1)} ms per IDoc`;
  return `${figures.posted}/${figures.idocs} IDocs posted, ${figures.events} events on the ledger in ${(figures.windowMs / 1000).toFixed(1)} s${cpu}${settings}`;
}

const eventsPerSecond = (figures: CommitFigures): number => (figures.events * 1000) / figures.windowMs;

function measurements(setup: Setup, { full, half }: SetupFigures, bull: BullmqFigures, settings: string): Measurement[] {
  const jobs = { name: 'raw BullMQ no-op jobs/s (1 worker, concurrency 100)', value: bull.jobsPerSecond, unit: 'jobs/s' };
  const adds = { name: 'raw BullMQ addBulk adds/s', value: bull.addsPerSecond, unit: 'adds/s' };
  const p50 = { name: 'raw BullMQ add→processed p50 (32 producers)', value: bull.p50Ms, unit: 'ms' };
  const p99 = { name: 'raw BullMQ add→processed p99 (32 producers)', value: bull.p99Ms, unit: 'ms' };
  const title = TITLES[setup];
  return [
    { name: `${title} events/s committed (full load)`, value: eventsPerSecond(full), unit: 'events/s', baseline: jobs, target: { value: 5000 }, notes: describe(full, settings) },
    { name: `${title} events/s committed (half load)`, value: eventsPerSecond(half), unit: 'events/s', baseline: jobs, notes: describe(half, settings) },
    { name: `${title} IDocs/s posted 53 (full load)`, value: (full.posted * 1000) / full.windowMs, unit: 'IDocs/s', baseline: adds, notes: describe(full, settings) },
    { name: `${title} accept→53 p50 (full load)`, value: full.p50Ms, unit: 'ms', baseline: p50, notes: describe(full, settings) },
    { name: `${title} accept→53 p99 (full load)`, value: full.p99Ms, unit: 'ms', baseline: p99, notes: describe(full, settings) },
    { name: `${title} accept→53 p50 (half load)`, value: half.p50Ms, unit: 'ms', baseline: p50, notes: describe(half, settings) },
    { name: `${title} accept→53 p99 (half load)`, value: half.p99Ms, unit: 'ms', baseline: p99, target: { value: 2000, atMost: true }, notes: describe(half, settings) },
  ];
}

export async function run(context: BenchContext): Promise<Measurement[]> {
  const setups = selectedSetups(context);
  const extraEnv = extraLadingEnv();
  const settings = Object.keys(extraEnv).length > 0 ? `; settings ${Object.entries(extraEnv).map(([name, value]) => `${name}=${value}`).join(' ')}` : '';
  const redis = await startRedis();
  const figures = new Map<Setup, SetupFigures>();
  let bull: BullmqFigures;
  let devnet: Devnet | undefined;
  try {
    // One devnet for every set-up (each uses shipments of its own): its start is the slow part of --quick.
    devnet = await Devnet.start();
    if (setups.includes('sqlite')) figures.set('sqlite', await runSqlite(context, devnet, redis.url, extraEnv));
    if (setups.includes('pg1') || setups.includes('pg3')) {
      for (const [setup, result] of await runPostgres(context, devnet, setups, redis.url, extraEnv)) figures.set(setup, result);
    }
    await devnet.dispose();
    devnet = undefined;
    bull = await bullmqBaseline(redis.url, context.quick ? 3_000 : 50_000);
  } finally {
    await devnet?.dispose();
    await redis.stop();
  }
  context.log(`BullMQ: ${bull.addsPerSecond.toFixed(0)} bulk adds/s, ${bull.jobsPerSecond.toFixed(0)} no-op jobs/s, add→done p50 ${bull.p50Ms} ms p99 ${bull.p99Ms} ms`);
  const results = setups.flatMap((setup) => measurements(setup, figures.get(setup) as SetupFigures, bull, settings));
  const one = figures.get('pg1');
  const three = figures.get('pg3');
  if (one && three) {
    // Scale-out, like for like: the same PostgreSQL, Redis and devnet set-up, 3 instances against 1.
    const oneFull: Figure = { name: 'end-to-end PostgreSQL 1 instance events/s committed (full load)', value: eventsPerSecond(one.full), unit: 'events/s' };
    results.push({
      name: 'end-to-end PostgreSQL 3 instances events/s vs 1 instance (full load)', value: eventsPerSecond(three.full), unit: 'events/s', baseline: oneFull,
      notes: `3 instances: ${describe(three.full, settings)}; 1 instance: ${describe(one.full, '')}`,
    });
  }
  return results;
}
