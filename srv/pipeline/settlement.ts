import cds from '@sap/cds';
import { DeadLetters, IdocStatusRecords, InboundIdocs, Outbox, ShipmentEvents } from '#cds-models/lading';
import { refreshShipmentStatuses } from '../shipment-status';

/**
 * What the database learns from the ledger: events committed (block, transaction), IDocs posted
 * (status 53) or given up (51, dead letter). Idempotent: settling twice changes nothing more.
 */

export interface CommittedBatch {
  transactionId: string;
  blockNumber: string;
  mspId: string;
  idocIds: string[];
  recorded: string[];
  unchanged: string[];
}

export async function settleCommitted(batch: CommittedBatch): Promise<void> {
  const block = Number(batch.blockNumber);
  await cds.tx(async () => {
    const eventIds = [...batch.recorded, ...batch.unchanged];
    if (eventIds.length > 0) {
      await UPDATE.entity(ShipmentEvents)
        .set({ ledgerTxId: batch.transactionId, ledgerBlock: block, recordedBy: batch.mspId })
        .where({ eventId: { in: eventIds }, ledgerTxId: null });
    }
    const open = await SELECT.from(InboundIdocs).columns('ID', 'shipment_ID').where({ ID: { in: batch.idocIds }, status: { '!=': '53' } });
    const statusText = `Posted on the ledger: block ${batch.blockNumber}, transaction ${batch.transactionId}`;
    if (open.length > 0) {
      const openIds = open.map((idoc) => idoc.ID as string);
      await UPDATE.entity(InboundIdocs).set({ status: '53', statusText }).where({ ID: { in: openIds } });
      await INSERT.into(IdocStatusRecords).entries(openIds.map((idoc_ID) => ({ idoc_ID, status: '53' as const, message: statusText })));
    }
    await UPDATE.entity(Outbox)
      .set({ state: 'confirmed', confirmedAt: new Date().toISOString(), ledgerTxId: batch.transactionId, ledgerBlock: block })
      .where({ idoc_ID: { in: batch.idocIds }, state: { '!=': 'confirmed' } });
    // Every shipment the batch's events belong to: a transport IDoc speaks for several deliveries.
    const touched = await SELECT.from(ShipmentEvents).columns('shipment_ID').where({ sourceIdoc_ID: { in: batch.idocIds } });
    await refreshShipmentStatuses([...open.map((idoc) => idoc.shipment_ID as string), ...touched.map((event) => event.shipment_ID as string)].filter(Boolean));
  });
}

export async function deadLetter(idocId: string, queue: string, jobId: string, reason: string): Promise<void> {
  const message = reason.slice(0, 500);
  await cds.tx(async () => {
    const already = await SELECT.one.from(DeadLetters).columns('ID').where({ jobId, redrivenAt: null });
    if (already) return;
    await INSERT.into(DeadLetters).entries({ idoc_ID: idocId, queue, jobId, reason: reason.slice(0, 1000) });
    await UPDATE.entity(InboundIdocs).set({ status: '51', statusText: message }).where({ ID: idocId });
    await INSERT.into(IdocStatusRecords).entries({ idoc_ID: idocId, status: '51', message });
    await UPDATE.entity(Outbox).set({ state: 'failed' }).where({ idoc_ID: idocId });
  });
}

/**
 * An operator's re-drive after a fix: the IDoc goes back to the queue under a new job id.
 * Runs in the caller's transaction (an OData action's, or one the CLI opens).
 */
export async function redrive(idocId: string): Promise<boolean> {
  const row = await SELECT.one.from(Outbox).columns('ID', 'redriveCount').where({ idoc_ID: idocId, state: 'failed' });
  if (!row) return false;
  await UPDATE.entity(Outbox).set({ state: 'pending', redriveCount: (row.redriveCount ?? 0) + 1, queuedAt: null }).where({ ID: row.ID });
  await UPDATE.entity(DeadLetters).set({ redrivenAt: new Date().toISOString() }).where({ idoc_ID: idocId, redrivenAt: null });
  const message = 'Re-driven by an operator: ready to be passed to the ledger again';
  await UPDATE.entity(InboundIdocs).set({ status: '64', statusText: message }).where({ ID: idocId });
  await INSERT.into(IdocStatusRecords).entries({ idoc_ID: idocId, status: '64', message });
  return true;
}
