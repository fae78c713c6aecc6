import type { DocumentTypeCode, EventType } from '../events/shipment-event';

/** What a DELVRY date means as a DCSA event. */
export interface EventMeaning {
  eventType: EventType;
  eventTypeCode: string;
  documentTypeCode?: DocumentTypeCode;
  description: string;
  /** Where it happens: at the ship-from side or at the ship-to party. */
  at?: 'ship-from' | 'ship-to';
  /**
   * False when the actual fact belongs to another party: the ledger takes an actual delivery
   * only from the carrier or the consignee, so the shipper's ERP date stays a deadline on the
   * shipment instead of an event the chaincode would refuse (with the whole IDoc).
   */
  actualByShipper?: false;
}

/**
 * E1EDT13 deadline qualifiers (domain EDI_VTDT13) Lading turns into events. SAP does not publish
 * the full list; these four are the ones public integrations rely on. Any other qualifier is kept
 * as a deadline on the shipment, never rejected. A planned date (NTANF) becomes a PLN event, an
 * actual one (ISDD) an ACT event, unless the fact is another party's to report (actualByShipper).
 */
export const DEADLINE_EVENTS: Readonly<Record<string, EventMeaning>> = {
  '001': { eventType: 'SHIPMENT', eventTypeCode: 'CONF', documentTypeCode: 'BKG', description: 'Transport planning', at: 'ship-from' },
  '003': { eventType: 'EQUIPMENT', eventTypeCode: 'LOAD', description: 'Loading', at: 'ship-from' },
  '006': { eventType: 'EQUIPMENT', eventTypeCode: 'GTOT', description: 'Goods issue', at: 'ship-from' },
  '007': { eventType: 'EQUIPMENT', eventTypeCode: 'DROP', description: 'Delivery to the ship-to party', at: 'ship-to', actualByShipper: false },
};

/** The IDoc itself: the shipper's ERP announces the delivery (a shipping instruction received). */
export const RECEIPT_EVENT: EventMeaning = { eventType: 'SHIPMENT', eventTypeCode: 'RECE', documentTypeCode: 'SHI', description: 'Delivery announced by ERP' };

/** E1EDL18 QUALF DEL: the delivery was deleted in SAP. */
export const DELETION_EVENT: EventMeaning = { eventType: 'SHIPMENT', eventTypeCode: 'VOID', documentTypeCode: 'SHI', description: 'Delivery deleted in ERP' };
