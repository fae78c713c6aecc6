import type { Queue } from 'bullmq';
import type { LedgerSide } from '../pipeline/runtime';
import { runningLedgerSide } from '../running';

/** The BullMQ queues of a ledger side: ledger-submit partitions, ledger-confirm, sap-send. */
export function queuesOf(side: LedgerSide | undefined): Queue[] {
  if (!side) return [];
  // PartitionedQueue<Data> holds Queue<Data>; metrics and the board read any job data.
  return [
    ...side.pipeline.submitQueue.queues,
    side.pipeline.confirmQueue,
    ...(side.sapSide?.queue.queues ?? []),
    // Reconciliation's queue, when the ledger side runs a reconciler (srv/reconciliation).
    ...optionalQueue((side as { reconciler?: { queue?: unknown } }).reconciler?.queue),
  ] as unknown as Queue[];
}

function optionalQueue(queue: unknown): Queue[] {
  return queue ? [queue as Queue] : [];
}

/** The queues this process runs now (none with LADING_PIPELINE=off). */
export function runningQueues(): Queue[] {
  return queuesOf(runningLedgerSide());
}
