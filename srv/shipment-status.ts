import { statusAfter } from '../mappings';
import { ShipmentEvents, Shipments } from '#cds-models/lading';
import { upsertRows } from './idoc-inbound/bulk-write';

/**
 * Shipments' status and ledger version, from all their events: SAP's own and those other parties
 * recorded on the ledger. Two reads and one write whatever the number of shipments; runs in the caller's
 * transaction.
 */
export async function refreshShipmentStatuses(shipmentIds: readonly string[]): Promise<void> {
  const ids = [...new Set(shipmentIds)];
  if (ids.length === 0) return;
  // Only shipments Lading holds: an IDoc may name a delivery whose own IDoc has not arrived yet.
  const known = await SELECT.from(Shipments).columns('ID', 'status', 'ledgerVersion').where({ ID: { in: ids } });
  if (known.length === 0) return;
  const events = await SELECT.from(ShipmentEvents)
    .columns('shipment_ID', 'eventClassifierCode', 'eventTypeCode', 'eventDateTime', 'ledgerTxId')
    .where({ shipment_ID: { in: known.map((shipment) => shipment.ID as string) } });
  const byShipment = new Map<string, typeof events>();
  for (const event of events) {
    const list = byShipment.get(event.shipment_ID as string);
    if (list) list.push(event);
    else byShipment.set(event.shipment_ID as string, [event]);
  }
  const changed = known.flatMap((shipment) => {
    const own = byShipment.get(shipment.ID as string) ?? [];
    const status = statusAfter(own.map((event) => ({
      eventClassifierCode: event.eventClassifierCode ?? 'PLN',
      eventTypeCode: event.eventTypeCode ?? '',
      eventDateTime: new Date(event.eventDateTime as string).toISOString(),
    })));
    const ledgerVersion = own.filter((event) => event.ledgerTxId).length;
    return status === shipment.status && ledgerVersion === shipment.ledgerVersion ? [] : [{ ID: shipment.ID as string, status, ledgerVersion }];
  });
  if (changed.length === 1) {
    const [{ ID, status, ledgerVersion }] = changed as [{ ID: string; status: string; ledgerVersion: number }];
    await UPDATE.entity(Shipments).set({ status, ledgerVersion }).where({ ID });
  } else if (changed.length > 1) {
    // Every row exists (read above), so the upsert only updates these two columns.
    await upsertRows(Shipments, changed);
  }
}
