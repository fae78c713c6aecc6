import { DeadLetters, IdocStatusRecords, InboundIdocs, OutboundIdocs, Outbox } from '#cds-models/lading';
import { redrive } from '../pipeline/settlement';
import type { Repair } from './state';

/**
 * The repairs Lading may do by itself, in the caller's transaction: put IDocs whose events are
 * missing on the ledger back on the ledger queue, and send IDocs SAP refused again. Each is a no-op
 * for rows already on their way (outbox pending or queued, outbound status 30), so repeating a
 * repair never drives anything twice.
 */

export interface RepairDeps {
  /**
   * Forgets the sap-send job of an outbound IDoc (its id is fixed, `sap-<ID>`), so that the relay's
   * next add is a new job rather than a no-op on the failed one. Absent: the row is only reset.
   */
  forgetSapJob?(outboundIdocId: string): Promise<void>;
}

/** Outbox rows confirmed although their events are not on the ledger: back to pending, under a new job id. */
async function redriveConfirmed(idocId: string): Promise<boolean> {
  const row = await SELECT.one.from(Outbox).columns('ID', 'redriveCount').where({ idoc_ID: idocId, state: 'confirmed' });
  if (!row) return false;
  await UPDATE.entity(Outbox).set({ state: 'pending', redriveCount: (row.redriveCount ?? 0) + 1, queuedAt: null, confirmedAt: null }).where({ ID: row.ID });
  const message = 'Re-driven by reconciliation: its events are missing on the ledger';
  await UPDATE.entity(InboundIdocs).set({ status: '64', statusText: message }).where({ ID: idocId });
  await INSERT.into(IdocStatusRecords).entries({ idoc_ID: idocId, status: '64', message });
  return true;
}

async function resend(outboundIdocId: string, deps: RepairDeps): Promise<boolean> {
  const row = await SELECT.one.from(OutboundIdocs).columns('ID', 'status').where({ ID: outboundIdocId, status: '02' });
  if (!row) return false;
  await deps.forgetSapJob?.(outboundIdocId);
  await UPDATE.entity(OutboundIdocs).set({ status: '30', statusText: 'Re-sent by reconciliation: SAP never took it', queuedAt: null }).where({ ID: outboundIdocId });
  await UPDATE.entity(DeadLetters).set({ redrivenAt: new Date().toISOString() }).where({ outboundIdoc_ID: outboundIdocId, redrivenAt: null });
  return true;
}

/** Applies a repair; answers how many rows it set going again (0: all were already on their way). */
export async function applyRepair(repair: Repair, deps: RepairDeps): Promise<number> {
  let moved = 0;
  if (repair.action === 'redriveOutbox') {
    for (const idocId of repair.idocIds) {
      if ((await redrive(idocId)) || (await redriveConfirmed(idocId))) moved++;
    }
  } else {
    for (const id of repair.outboundIdocIds) if (await resend(id, deps)) moved++;
  }
  return moved;
}
