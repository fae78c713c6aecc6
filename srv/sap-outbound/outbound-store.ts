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

/** Queues the IDoc for SAP unless one with its DOCNUM exists; true when it was new. Runs in the caller's transaction. */
export async function queueForSap(record: OutboundRecord): Promise<boolean> {
  const existing = await SELECT.one.from(OutboundIdocs).columns('ID').where({ docnum: record.idoc.docnum });
  if (existing) return false;
  await INSERT.into(OutboundIdocs).entries({
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
  });
  return true;
}
