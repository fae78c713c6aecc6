import type { PartitionedJob } from '../../connectors/queue';
import { Outbox } from '#cds-models/lading';
import type { LedgerSubmitJob } from './ledger-submit';
import type { RelaySource } from './relay';

/** The inbound outbox as a relay source: one ledger-submit job per accepted IDoc, keyed by shipment. */

export function jobIdOf(idocId: string, redriveCount: number | null | undefined): string {
  return redriveCount ? `idoc-${idocId}-r${redriveCount}` : `idoc-${idocId}`;
}

type OutboxRow = { ID?: string | null; idoc_ID?: string | null; shipmentId?: string | null; redriveCount?: number | null };

function toJob(row: OutboxRow): PartitionedJob<LedgerSubmitJob> & { rowId: string } {
  return {
    rowId: row.ID as string,
    key: row.shipmentId ?? '',
    name: 'record',
    data: { idocId: row.idoc_ID as string, shipmentId: row.shipmentId ?? '' },
    jobId: jobIdOf(row.idoc_ID as string, row.redriveCount),
  };
}

export const outboxSource: RelaySource<LedgerSubmitJob> = {
  async waiting(limit) {
    const rows = await SELECT.from(Outbox).columns('ID', 'idoc_ID', 'shipmentId', 'redriveCount')
      .where({ state: 'pending' }).orderBy('createdAt', 'ID').limit(limit);
    return rows.map(toJob);
  },
  async unsettled(before, limit) {
    const rows = await SELECT.from(Outbox).columns('ID', 'idoc_ID', 'shipmentId', 'redriveCount')
      .where({ state: 'queued', queuedAt: { '<': before } }).orderBy('createdAt', 'ID').limit(limit);
    return rows.map(toJob);
  },
  async markQueued(jobs) {
    const ids = jobs.map((job) => (job as ReturnType<typeof toJob>).rowId);
    await UPDATE.entity(Outbox).set({ state: 'queued', queuedAt: new Date().toISOString() })
      .where({ ID: { in: ids }, state: { in: ['pending', 'queued'] } });
  },
};
