import { statusAfter } from '../mappings';
import { ShipmentEvents, Shipments } from '#cds-models/lading';

/**
 * A shipment's status and ledger version, from all its events: SAP's own and those other parties
 * recorded on the ledger. Runs in the caller's transaction.
 */
export async function refreshShipmentStatus(shipmentId: string): Promise<void> {
  const events = await SELECT.from(ShipmentEvents).columns('eventClassifierCode', 'eventTypeCode', 'eventDateTime', 'ledgerTxId').where({ shipment_ID: shipmentId });
  const status = statusAfter(events.map((event) => ({
    eventClassifierCode: event.eventClassifierCode ?? 'PLN',
    eventTypeCode: event.eventTypeCode ?? '',
    eventDateTime: new Date(event.eventDateTime as string).toISOString(),
  })));
  const ledgerVersion = events.filter((event) => event.ledgerTxId).length;
  await UPDATE.entity(Shipments).set({ status, ledgerVersion }).where({ ID: shipmentId });
}
