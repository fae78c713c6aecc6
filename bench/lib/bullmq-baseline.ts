import { randomUUID } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import { elapsedMs, nowNs, percentile, sleep, waitUntil } from './timing';

/**
 * Raw BullMQ on a given Redis, nothing of Lading: bulk adds/s, then one Worker (concurrency 100)
 * with a no-op processor draining the backlog (jobs/s), then add→processed latency of single
 * adds from 32 concurrent producers while the worker runs.
 */

export interface BullmqFigures {
  addsPerSecond: number;
  jobsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export async function bullmqBaseline(redisUrl: string, jobs: number): Promise<BullmqFigures> {
  const url = new URL(redisUrl);
  const connection = { host: url.hostname, port: Number(url.port), maxRetriesPerRequest: null };
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const queue = new Queue('noop', { connection, prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: true } });
  let worker: Worker | undefined;
  try {
    await queue.waitUntilReady();
    const addStart = nowNs();
    for (let from = 0; from < jobs; from += 1000) {
      const size = Math.min(1000, jobs - from);
      await queue.addBulk(Array.from({ length: size }, (_, i) => ({ name: 'noop', data: { n: from + i } })));
    }
    const addsPerSecond = (jobs * 1000) / elapsedMs(addStart);

    let done = 0;
    const latencies: number[] = [];
    let measureLatency = false;
    worker = new Worker('noop', async (job: Job) => {
      if (measureLatency) latencies.push(Date.now() - job.timestamp);
    }, { connection, prefix, concurrency: 100, removeOnComplete: { count: 0 } });
    worker.on('error', () => undefined);
    worker.on('completed', () => {
      done++;
    });
    const drainStart = nowNs();
    await waitUntil('the no-op jobs', () => (done >= jobs ? true : undefined), 300_000, 5);
    const jobsPerSecond = (jobs * 1000) / elapsedMs(drainStart);

    measureLatency = true;
    const single = Math.min(jobs, 5000);
    let added = 0;
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (added < single) {
        added++;
        await queue.add('noop', {});
      }
    }));
    await waitUntil('the latency jobs', () => (latencies.length >= single ? true : undefined), 120_000, 5);
    await sleep(10);
    return { addsPerSecond, jobsPerSecond, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
  } finally {
    await worker?.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}
