import type { Job, Queue } from 'bullmq';
import cds from '@sap/cds';
import type { CommittedRecord, CustomsByEvent, LedgerEvent, PreparedRecord, ShipmentLedger } from '../../connectors/fabric';
import { LedgerError } from '../../connectors/fabric';
import type { BatchOutcome, BackoffOptions } from '../../connectors/queue';
import { backoffDelay } from '../../connectors/queue';
import { timeLedger } from '../observability/metrics';
import { ledgerBatchCommitted, ledgerBatchSubmitted } from '../observability/trail';
import { customsValuesOf, ledgerEventsOf } from './ledger-events';
import type { CommittedBatch } from './settlement';
import { deadLetter } from './settlement';

/**
 * The ledger-submit step: the events of a batch of IDocs go on the ledger in one transaction.
 *
 * Retries follow the connector's classification: outcome unknown → submit the same signed
 * transaction again (the ledger refuses a transaction id twice, so it cannot record twice);
 * endorsement failed or MVCC conflict → endorse anew; contract rejection → never. A rejected batch
 * is split per IDoc so that only the IDoc at fault is dead-lettered. The partition waits while it
 * retries, so a shipment's events never overtake each other.
 */

export interface LedgerSubmitJob {
  idocId: string;
  shipmentId: string;
  /** The signed transaction in flight, kept so that a worker taking over can re-submit it. */
  pendingTransaction?: { transactionId: string; bytes: string };
}

export interface LedgerSubmitResult {
  transactionId: string;
  blockNumber: string;
  events: number;
}

export interface LedgerSubmitContext {
  ledger: ShipmentLedger;
  mspId: string;
  confirmQueue: Queue<CommittedBatch>;
  backoff: BackoffOptions;
}

const log = cds.log('pipeline');

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function keepPending(jobs: Job<LedgerSubmitJob>[], prepared: PreparedRecord | undefined): Promise<void> {
  const first = jobs[0];
  if (!first) return;
  const pendingTransaction = prepared ? { transactionId: prepared.transactionId, bytes: Buffer.from(prepared.bytes).toString('base64') } : undefined;
  await first.updateData({ ...first.data, pendingTransaction });
}

/** Records events, retrying as the failure allows; throws only a final (never-retry) LedgerError. */
async function recordWithRetries(events: LedgerEvent[], customs: CustomsByEvent | undefined, jobs: Job<LedgerSubmitJob>[], context: LedgerSubmitContext, signal: AbortSignal): Promise<CommittedRecord> {
  let prepared: PreparedRecord | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      if (!prepared) {
        prepared = await timeLedger('endorse', () => context.ledger.prepareRecordEvents(events, customs));
        await keepPending(jobs, prepared);
        ledgerBatchSubmitted(jobs.map((job) => job.data), prepared.transactionId);
      }
      const { bytes } = prepared;
      return await timeLedger('commit', () => context.ledger.submitPrepared(bytes));
    } catch (error) {
      if (!(error instanceof LedgerError) || error.retry === 'never') throw error;
      if (error.retry === 'new-transaction') prepared = undefined;
      const delay = backoffDelay(attempt, context.backoff);
      log.warn(`ledger ${error.name} (${error.retry}), retrying in ${delay} ms: ${error.message}`);
      await sleep(delay, signal);
    }
  }
}

/** A worker that took over jobs from a crashed one re-submits the transaction it left in flight. */
async function settleLeftoverTransaction(jobs: Job<LedgerSubmitJob>[], context: LedgerSubmitContext): Promise<void> {
  for (const job of jobs) {
    const pending = job.data.pendingTransaction;
    if (!pending) continue;
    try {
      const committed = await context.ledger.submitPrepared(Buffer.from(pending.bytes, 'base64'));
      log.info(`re-submitted transaction ${committed.transactionId} left in flight: block ${committed.blockNumber}`);
    } catch (error) {
      // Whatever became of it, recording the batch below is idempotent per event.
      log.info(`transaction ${pending.transactionId} left in flight did not commit: ${(error as Error).message}`);
    }
  }
}

async function submitGroup(jobs: Job<LedgerSubmitJob>[], eventsByIdoc: Map<string, LedgerEvent[]>, context: LedgerSubmitContext, signal: AbortSignal): Promise<BatchOutcome<LedgerSubmitResult>[]> {
  const idocIds = jobs.map((job) => job.data.idocId);
  const events = idocIds.flatMap((id) => eventsByIdoc.get(id) ?? []);
  if (events.length === 0) {
    // Nothing new to record (every fact was already sent by an earlier IDoc of the partition).
    await context.confirmQueue.add('confirm', { transactionId: '', blockNumber: '0', mspId: context.mspId, idocIds, recorded: [], unchanged: [] }, { jobId: `confirm-none-${idocIds.join('-').slice(0, 200)}` });
    return jobs.map(() => ({ kind: 'completed', result: { transactionId: '', blockNumber: '0', events: 0 } }));
  }
  try {
    // Customs values travel with their events to the private collection, never onto the public ledger.
    const customs = await customsValuesOf(events.map((event) => event.eventId));
    const committed = await recordWithRetries(events, customs, jobs, context, signal);
    await context.confirmQueue.add('confirm', {
      transactionId: committed.transactionId, blockNumber: String(committed.blockNumber), mspId: context.mspId,
      idocIds, recorded: committed.result.recorded, unchanged: committed.result.unchanged,
    }, { jobId: `confirm-${committed.transactionId}` });
    ledgerBatchCommitted(jobs.map((job) => job.data), committed, events.length);
    const result = { transactionId: committed.transactionId, blockNumber: String(committed.blockNumber), events: events.length };
    return jobs.map(() => ({ kind: 'completed', result }));
  } catch (error) {
    if (!(error instanceof LedgerError)) throw error;
    if (jobs.length > 1) {
      // Find the IDoc at fault: each on its own, in order.
      const outcomes: BatchOutcome<LedgerSubmitResult>[] = [];
      for (const job of jobs) outcomes.push(...(await submitGroup([job], eventsByIdoc, context, signal)));
      return outcomes;
    }
    const [job] = jobs as [Job<LedgerSubmitJob>];
    const reason = `The ledger refused the events of this IDoc: ${error.message}`;
    await deadLetter(job.data.idocId, job.queueName, String(job.id), reason);
    return [{ kind: 'failed', reason }];
  }
}

export function ledgerSubmitProcessor(context: LedgerSubmitContext) {
  return async (jobs: Job<LedgerSubmitJob>[], signal: AbortSignal): Promise<BatchOutcome<LedgerSubmitResult>[]> => {
    await settleLeftoverTransaction(jobs, context);
    const eventsByIdoc = await ledgerEventsOf(jobs.map((job) => job.data.idocId));
    return submitGroup(jobs, eventsByIdoc, context, signal);
  };
}
