import cds from '@sap/cds';
import type { Job, Queue } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { InboundIdocs } from '#cds-models/lading';
import { runningLedgerSide } from '../running';
import { runningQueues } from './queues';

/**
 * Lading's Prometheus metrics, one registry per process, served on GET /metrics. Counters and
 * histograms move where the work happens (one call at each place); IDoc and queue gauges are read
 * at scrape time from the database and Redis, so they are right even after a restart.
 */

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'lading_' });

const log = cds.log('metrics');

/** Seconds; ledger commits wait for a block (BatchTimeout 2 s on Fabric by default). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

const idocsReceived = new Counter({
  name: 'lading_idocs_received_total',
  help: 'IDocs received over HTTP, by transport, outcome (accepted, duplicate, conflict, rejected) and the status given',
  labelNames: ['transport', 'outcome', 'status'] as const,
  registers: [registry],
});

new Gauge({
  name: 'lading_idocs',
  help: 'Inbound IDocs in the database by IDoc type and SAP status (50, 51, 53, 64, ...)',
  labelNames: ['idoc_type', 'status'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    let rows: { idocType: string | null; status: string | null; count: number | string }[];
    try {
      rows = (await SELECT.from(InboundIdocs).columns('idocType', 'status', 'count(1) as count').groupBy('idocType', 'status')) as unknown as typeof rows;
    } catch (error) {
      // Database away: no figures rather than a failed scrape; /ready reports the outage.
      log.warn('IDoc counts:', (error as Error).message);
      return;
    }
    for (const row of rows) this.set({ idoc_type: row.idocType ?? 'unknown', status: row.status ?? 'unknown' }, Number(row.count));
  },
});

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused', 'failed', 'completed'] as const;

new Gauge({
  name: 'lading_queue_jobs',
  help: 'Jobs per BullMQ queue and state (waiting + active + delayed is the depth)',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    const queues = runningQueues();
    const counts = await Promise.all(queues.map((queue) => queue.getJobCounts(...QUEUE_STATES).catch((error: Error) => {
      // Redis away: the depth is unknown, not zero; /ready reports the outage.
      log.warn(`job counts of ${queue.name}:`, error.message);
      return undefined;
    })));
    queues.forEach((queue, index) => {
      const count = counts[index];
      if (!count) return;
      for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, count[state] ?? 0);
    });
  },
});

const jobWait = new Histogram({
  name: 'lading_queue_job_wait_seconds',
  help: 'Time a job waited in its queue before a worker took it, by queue',
  labelNames: ['queue'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

const jobProcessing = new Histogram({
  name: 'lading_queue_job_processing_seconds',
  help: 'Time a worker spent on a job (a batch counts for each of its jobs), by queue and outcome',
  labelNames: ['queue', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

/** The queue a job belongs to, without the partition suffix, so partitions add up to one series. */
function queueLabel(job: Pick<Job, 'queueName'>): string {
  return job.queueName.replace(/-p\d+$/, '');
}

function observeJobs(jobs: readonly Job[], started: number, outcome: 'completed' | 'failed'): void {
  const seconds = (Date.now() - started) / 1_000;
  for (const job of jobs) {
    const queue = queueLabel(job);
    jobWait.observe({ queue }, Math.max(0, ((job.processedOn ?? started) - job.timestamp) / 1_000));
    jobProcessing.observe({ queue, outcome }, seconds);
  }
}

/** Wraps a BullMQ processor so that each job's wait and processing times are measured. */
export function timedProcessor<Data, Result>(processor: (job: Job<Data>) => Promise<Result>): (job: Job<Data>) => Promise<Result> {
  return async (job) => {
    const started = Date.now();
    try {
      const result = await processor(job);
      observeJobs([job], started, 'completed');
      return result;
    } catch (error) {
      observeJobs([job], started, 'failed');
      throw error;
    }
  };
}

/** Wraps a batch processor (connectors/queue BatchWorker) likewise. */
export function timedBatchProcessor<Data, Outcome>(
  processor: (jobs: Job<Data>[], signal: AbortSignal) => Promise<Outcome[]>,
): (jobs: Job<Data>[], signal: AbortSignal) => Promise<Outcome[]> {
  return async (jobs, signal) => {
    const started = Date.now();
    try {
      const outcomes = await processor(jobs, signal);
      observeJobs(jobs, started, 'completed');
      return outcomes;
    } catch (error) {
      observeJobs(jobs, started, 'failed');
      throw error;
    }
  };
}

const ledgerLatency = new Histogram({
  name: 'lading_ledger_operation_seconds',
  help: 'Ledger calls of the pipeline: endorse (prepare and sign) and commit (submit and wait for the block), by outcome',
  labelNames: ['operation', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

const ledgerFailures = new Counter({
  name: 'lading_ledger_failures_total',
  help: 'Failed ledger calls by operation, failure class (connectors/fabric LedgerError subclass) and retry advice',
  labelNames: ['operation', 'class', 'retry'] as const,
  registers: [registry],
});

let highestBlock = -1;
let listenerAt = -1;

new Gauge({
  name: 'lading_ledger_block_seen',
  help: 'Highest block number Lading has seen: its own commits that recorded events, and the listener\'s notices',
  registers: [registry],
  collect() {
    this.reset();
    if (highestBlock >= 0) this.set(highestBlock);
  },
});

/** Series only while the SAP outbound listener runs (LADING_SAP=on): no listener, no lag. */
const LISTENER = { listener: 'sap-outbound' } as const;

new Gauge({
  name: 'lading_ledger_listener_block',
  help: 'Block of the last ledger notice the listener handled (its checkpoint)',
  labelNames: ['listener'] as const,
  registers: [registry],
  collect() {
    this.reset();
    if (runningLedgerSide()?.sapSide && listenerAt >= 0) this.set(LISTENER, listenerAt);
  },
});

new Gauge({
  name: 'lading_ledger_listener_lag_blocks',
  help: 'Blocks the listener is behind the highest block Lading has seen; until its first notice, every block seen counts',
  labelNames: ['listener'] as const,
  registers: [registry],
  collect() {
    this.reset();
    if (!runningLedgerSide()?.sapSide) return;
    this.set(LISTENER, listenerAt < 0 ? Math.max(0, highestBlock + 1) : Math.max(0, highestBlock - listenerAt));
  },
});

/**
 * A block Lading learned of. Only commits that recorded something count: a transaction whose
 * events were all on the ledger already emits no notice, so the listener would never catch up with it.
 */
export function blockSeen(blockNumber: bigint | number | string): void {
  highestBlock = Math.max(highestBlock, Number(blockNumber));
}

/** The listener handled (and checkpointed) the notice of this block. */
export function listenerHandled(blockNumber: bigint | number | string): void {
  listenerAt = Math.max(listenerAt, Number(blockNumber));
  highestBlock = Math.max(highestBlock, listenerAt);
}

interface ClassifiedFailure {
  name: string;
  retry?: string;
}

function failureOf(error: unknown): ClassifiedFailure {
  if (error instanceof Error) return { name: error.name, retry: (error as Error & { retry?: string }).retry };
  return { name: 'unknown' };
}

/** Times one ledger call of the pipeline and counts its failure by class. */
export async function timeLedger<T>(operation: 'endorse' | 'commit', call: () => Promise<T>): Promise<T> {
  const stop = ledgerLatency.startTimer({ operation });
  try {
    const result = await call();
    stop({ outcome: 'ok' });
    return result;
  } catch (error) {
    stop({ outcome: 'failed' });
    const failure = failureOf(error);
    ledgerFailures.inc({ operation, class: failure.name, retry: failure.retry ?? 'unknown' });
    throw error;
  }
}

const reconciliationFindings = new Counter({
  name: 'lading_reconciliation_findings_total',
  help: 'Differences reconciliation found between the database and the ledger, by kind',
  labelNames: ['kind'] as const,
  registers: [registry],
});

/** For reconciliation (srv/reconciliation): count what a run found, e.g. countReconciliationFinding('missing-on-ledger', 3). */
export function countReconciliationFinding(kind: string, count = 1): void {
  if (count > 0) reconciliationFindings.inc({ kind }, count);
}

const sapFailures = new Counter({
  name: 'lading_sap_outbound_failures_total',
  help: 'Failed sends of IDocs to SAP, by whether BullMQ retries (retry) or it was given up (refused)',
  labelNames: ['kind', 'class'] as const,
  registers: [registry],
});

const sapSent = new Counter({
  name: 'lading_sap_outbound_sent_total',
  help: 'IDocs passed to SAP (status 03), by message type',
  labelNames: ['message_type'] as const,
  registers: [registry],
});

/** An outbound IDoc could not be passed to SAP: `retry` when it goes back to the queue, `refused` when given up. */
export function sapSendFailed(kind: 'retry' | 'refused', error: unknown): void {
  sapFailures.inc({ kind, class: failureOf(error).name });
}

export function sapSendSucceeded(messageType: string | null | undefined): void {
  sapSent.inc({ message_type: messageType || 'unknown' });
}

/** One IDoc answered by the inbound HTTP routes. */
export function idocReceived(transport: string, outcome: string, status: string): void {
  idocsReceived.inc({ transport, outcome, status });
}
