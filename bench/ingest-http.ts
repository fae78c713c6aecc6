import { basic, LadingProcess } from '../test/support/lading-process';
import type { BenchContext } from './lib/context';
import { runLoad, type LoadResult } from './lib/http-load';
import { delvry, itemsFor, prng } from './lib/idocs';
import { cpuMsOf, profileEnv, sqliteCdsConfig, startTrivialServer, tempDir } from './lib/processes';
import type { Measurement } from './lib/result';

/**
 * 2. ingest over HTTP: IDocs/s that Lading accepts (answers 200, outcome accepted: stored in one
 * DB transaction) with 32 concurrent keep-alive clients, Lading in its own process with the
 * pipeline off and a SQLite file database; baseline: the same client against a trivial Node http
 * server (reads the body, answers 200), which is the client's own ceiling on this machine.
 */

const CONCURRENCY = 32;

/** Bodies with unique DOCNUMs from `firstSerial`, item counts as in the parse+map corpus. */
export function bodies(firstSerial: number, seed: number): (n: number) => string {
  const random = prng(seed);
  const items: number[] = [];
  return (n) => {
    while (items.length <= n) items.push(itemsFor(random));
    return delvry(firstSerial + n, items[n] as number);
  };
}


const accepted = (status: number, body: string): boolean => status === 200 && body.includes('"outcome":"accepted"');

export async function run(context: BenchContext): Promise<Measurement[]> {
  const durationMs = context.quick ? 5_000 : 30_000;
  const warmupRequests = context.quick ? 64 : 300;
  const dir = await tempDir('lading-bench-ingest-');
  let lading: LadingProcess | undefined;
  let sut: LoadResult;
  let base: LoadResult;
  let cpuMsPerIdoc: number | undefined;
  try {
    context.log('starting Lading (pipeline off, SQLite file)');
    lading = await LadingProcess.start('bench-ingest', {
      LADING_PIPELINE: 'off', LADING_SAP: 'off', CDS_CONFIG: sqliteCdsConfig(dir.path),
      ...(context.profile ? profileEnv(context, 'ingest-http') : {}),
    });
    const url = `${lading.url}/idoc/xml`;
    const headers = { authorization: basic('erp') };
    const warm = await runLoad({ url, concurrency: CONCURRENCY, maxRequests: warmupRequests, body: bodies(1_000_000, 7), headers, accept: accepted });
    if (warm.ok === 0) throw new Error(`Lading accepted no IDoc: ${warm.firstFailure}`);
    const cpuBefore = await cpuMsOf(lading.child.pid);
    sut = await runLoad({ url, concurrency: CONCURRENCY, durationMs, body: bodies(2_000_000, 42), headers, accept: accepted });
    const cpuAfter = await cpuMsOf(lading.child.pid);
    if (cpuBefore !== undefined && cpuAfter !== undefined && sut.ok > 0) cpuMsPerIdoc = (cpuAfter - cpuBefore) / sut.ok;
    context.log(`Lading: ${sut.ok} accepted, ${sut.failed} failed${sut.firstFailure ? ` (${sut.firstFailure})` : ''}`);
  } finally {
    await lading?.kill('SIGTERM');
    await dir.remove();
  }
  const trivial = await startTrivialServer();
  try {
    await runLoad({ url: trivial.url, concurrency: CONCURRENCY, maxRequests: warmupRequests, body: bodies(1_000_000, 7) });
    base = await runLoad({ url: trivial.url, concurrency: CONCURRENCY, durationMs, body: bodies(2_000_000, 42) });
  } finally {
    await trivial.stop();
  }
  const notes = `${CONCURRENCY} keep-alive clients, ${durationMs / 1000} s after ${warmupRequests} warm-up requests; Lading ${sut.ok} accepted / ${sut.failed} failed`
    + (sut.firstFailure ? ` (first failure: ${sut.firstFailure.slice(0, 200)})` : '');
  const baselineName = 'same client → trivial Node http server';
  return [
    {
      name: 'ingest HTTP IDocs/s (32 clients, SQLite)', value: sut.perSecond, unit: 'IDocs/s',
      baseline: { name: baselineName, value: base.perSecond, unit: 'req/s' }, target: { value: 2000 }, notes,
    },
    ...(cpuMsPerIdoc === undefined ? [] : [{
      // The figure a shared machine does not distort: Lading's own CPU time per accepted IDoc.
      name: 'ingest HTTP Lading CPU per IDoc', value: cpuMsPerIdoc, unit: 'ms',
      baseline: { name: 'the same 2 cores fully used at the 2,000 IDocs/s target', value: 1, unit: 'ms' }, notes,
    }]),
    {
      name: 'ingest HTTP p50 latency', value: sut.p50Ms, unit: 'ms',
      baseline: { name: baselineName, value: base.p50Ms, unit: 'ms' }, notes,
    },
    {
      name: 'ingest HTTP p99 latency', value: sut.p99Ms, unit: 'ms',
      baseline: { name: baselineName, value: base.p99Ms, unit: 'ms' }, notes,
    },
  ];
}
