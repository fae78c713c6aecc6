import type { OutboundIdoc, SapUpdatePurpose } from '../../mappings/outbound';
import { OutboundIdocs } from '#cds-models/lading';

/**
 * IDocs waiting for SAP. Written in the transaction that decided them (the listener's checkpoint,
 * the acknowledgement sweep), keyed by their deterministic DOCNUM: deciding twice queues once.
 */

export interface OutboundRecord {
  idoc: OutboundIdoc;
  purpose: SapUpdatePurpose | 'acknowledgement';
  ledgerEventId?: string;
  inboundIdocId?: string;
  shipmentId?: string;
}

/**
 * Queues the IDocs for SAP unless one with the same DOCNUM exists (a DOCNUM twice in the list is
 * queued once), with two statements; answers the records that were new. Runs in the caller's transaction.
 */
export async function queueAllForSap(records: readonly OutboundRecord[]): Promise<OutboundRecord[]> {
  if (records.length === 0) return [];
  const docnums = records.map((record) => record.idoc.docnum);
  const existing = await SELECT.from(OutboundIdocs).columns('docnum').where({ docnum: { in: [...new Set(docnums)] } });
  const taken = new Set(existing.map((row) => row.docnum));
  const fresh = records.filter((record) => {
    if (taken.has(record.idoc.docnum)) return false;
    taken.add(record.idoc.docnum);
    return true;
  });
  if (fresh.length === 0) return [];
  await INSERT.into(OutboundIdocs).entries(fresh.map((record) => ({
    docnum: record.idoc.docnum,
    idocType: record.idoc.idocType,
    messageType: record.idoc.messageType,
    extensionType: record.idoc.extensionType,
    purpose: record.purpose,
    ledgerEventId: record.ledgerEventId,
    inboundIdoc_ID: record.inboundIdocId,
    shipment_ID: record.shipmentId,
    payload: record.idoc.xml,
    status: '30',
    statusText: 'Ready for dispatch',
  })));
  return fresh;
}
