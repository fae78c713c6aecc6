import { join } from 'node:path';
import { Devnet } from '../test/ledger/support';
import { basic, LadingProcess } from '../test/support/lading-process';
import { ledgerEnv } from '../test/support/ledger-env';
import { bodies } from './ingest-http';
import { bullmqBaseline } from './lib/bullmq-baseline';
import type { BenchContext } from './lib/context';
import { runLoad } from './lib/http-load';
import { docnumOf } from './lib/idocs';
import { commitFigures, postedCount, type CommitFigures } from './lib/lading-db';
import { profileEnv, sqliteCdsConfig, startRedis, tempDir } from './lib/processes';
import type { Measurement } from './lib/result';
import { waitUntil } from './lib/timing';

/**
 * 4. end to end: IDocs over HTTP into Lading (child process, pipeline on, SQLite file, a private
 * Redis, devnet in its own process) until every accepted IDoc is posted (53). Shipment events/s =
 * events committed / (first IDoc received → last IDoc posted); accept→53 latency from Lading's own
 * timestamps (InboundIdocs.receivedAt, IdocStatusRecords.createdAt of status 53). Full load: 32
 * closed-loop clients; half load: paced at half the IDocs/s full load got posted.
 * Baseline: raw BullMQ on the same Redis (no-op jobs, one worker, concurrency 100; bulk adds/s).
 */

const CONCURRENCY = 32;
const FULL_FROM = 3_000_000;
const HALF_FROM = 4_000_000;

async function phase(
  context: BenchContext, lading: LadingProcess, dbFile: string, firstSerial: number, durationMs: number, ratePerSecond?: number,
): Promise<CommitFigures> {
  const from = docnumOf(firstSerial);
  const to = docnumOf(firstSerial + 1_000_000);
  const load = await runLoad({
    url: `${lading.url}/idoc/xml`, concurrency: CONCURRENCY, durationMs, body: bodies(firstSerial, 42), headers: { authorization: basic('erp') },
    accept: (status, body) => status === 200 && body.includes('"outcome":"accepted"'),
    ...(ratePerSecond === undefined ? {} : { ratePerSecond }),
  });
  context.log(`${firstSerial === FULL_FROM ? 'full load' : ratePerSecond === undefined ? 'warm-up' : `half load (${ratePerSecond.toFixed(1)} IDocs/s)`}: ${load.ok} accepted, ${load.failed} failed${load.firstFailure ? ` (first: ${load.firstFailure.slice(0, 200)})` : ''}; waiting for 53`);
  await waitUntil('every accepted IDoc to be posted (53)', () => {
    const counts = postedCount(dbFile, from, to);
    return counts.posted + counts.failed >= counts.total ? counts : undefined;
  }, context.quick ? 90_000 : 300_000, 250);
  return commitFigures(dbFile, from, to);
}

export async function run(context: BenchContext): Promise<Measurement[]> {
  const durationMs = context.quick ? 4_000 : 45_000;
  const dir = await tempDir('lading-bench-e2e-');
  const dbFile = join(dir.path, 'lading.sqlite');
  const redis = await startRedis();
  let devnet: Devnet | undefined;
  let lading: LadingProcess | undefined;
  let full: CommitFigures;
  let half: CommitFigures;
  try {
    devnet = await Devnet.start();
    lading = await LadingProcess.start('bench-e2e', {
      ...ledgerEnv(devnet, redis.url), LADING_SAP: 'off', CDS_CONFIG: sqliteCdsConfig(dir.path),
      ...(context.profile ? profileEnv(context, 'end-to-end') : {}),
    });
    // Warm-up: a few IDocs all the way to the ledger.
    await phase(context, lading, dbFile, 5_000_000, 1_000);
    full = await phase(context, lading, dbFile, FULL_FROM, durationMs);
    const fullIdocsPerSecond = (full.posted * 1000) / full.windowMs;
    half = await phase(context, lading, dbFile, HALF_FROM, durationMs, fullIdocsPerSecond / 2);
  } finally {
    await lading?.kill('SIGTERM');
    await devnet?.dispose();
  }
  let bull;
  try {
    bull = await bullmqBaseline(redis.url, context.quick ? 3_000 : 50_000);
  } finally {
    await redis.stop();
    await dir.remove();
  }
  context.log(`BullMQ: ${bull.addsPerSecond.toFixed(0)} bulk adds/s, ${bull.jobsPerSecond.toFixed(0)} no-op jobs/s, add→done p50 ${bull.p50Ms} ms p99 ${bull.p99Ms} ms`);
  const jobs = { name: 'raw BullMQ no-op jobs/s (1 worker, concurrency 100)', value: bull.jobsPerSecond, unit: 'jobs/s' };
  const adds = { name: 'raw BullMQ addBulk adds/s', value: bull.addsPerSecond, unit: 'adds/s' };
  const p50 = { name: 'raw BullMQ add→processed p50 (32 producers)', value: bull.p50Ms, unit: 'ms' };
  const p99 = { name: 'raw BullMQ add→processed p99 (32 producers)', value: bull.p99Ms, unit: 'ms' };
  const describe = (figures: CommitFigures): string => `${figures.posted}/${figures.idocs} IDocs posted, ${figures.events} events on the ledger in ${(figures.windowMs / 1000).toFixed(1)} s`;
  const events = (figures: CommitFigures): number => (figures.events * 1000) / figures.windowMs;
  return [
    { name: 'end-to-end events/s committed (full load)', value: events(full), unit: 'events/s', baseline: jobs, target: { value: 5000 }, notes: describe(full) },
    { name: 'end-to-end events/s committed (half load)', value: events(half), unit: 'events/s', baseline: jobs, notes: describe(half) },
    { name: 'end-to-end IDocs/s posted 53 (full load)', value: (full.posted * 1000) / full.windowMs, unit: 'IDocs/s', baseline: adds, notes: describe(full) },
    { name: 'end-to-end accept→53 p50 (full load)', value: full.p50Ms, unit: 'ms', baseline: p50, notes: describe(full) },
    { name: 'end-to-end accept→53 p99 (full load)', value: full.p99Ms, unit: 'ms', baseline: p99, notes: describe(full) },
    { name: 'end-to-end accept→53 p50 (half load)', value: half.p50Ms, unit: 'ms', baseline: p50, notes: describe(half) },
    { name: 'end-to-end accept→53 p99 (half load)', value: half.p99Ms, unit: 'ms', baseline: p99, target: { value: 2000, atMost: true }, notes: describe(half) },
  ];
}
