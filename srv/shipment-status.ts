import { statusAfter } from '../mappings';
import { ShipmentEvents, Shipments, type ShipmentEvent } from '#cds-models/lading';
import { rowsWhereIn, upsertRows } from './idoc-inbound/bulk-write';

interface StoredShipment { ID: string; status: string | null; ledgerVersion: number | null }
interface StoredEvent extends Pick<ShipmentEvent, 'eventClassifierCode' | 'eventTypeCode' | 'ledgerTxId'> { shipment_ID: string; eventDateTime: string }

/**
 * Shipments' status and ledger version, from all their events: SAP's own and those other parties
 * recorded on the ledger. Two reads and one write whatever the number of shipments (plain SQL
 * reads on SQLite: bulk-write's rowsWhereIn); runs in the caller's transaction.
 */

export async function refreshShipmentStatuses(shipmentIds: readonly string[]): Promise<void> {
  const ids = [...new Set(shipmentIds)];
  if (ids.length === 0) return;
  // Only shipments Lading holds: an IDoc may name a delivery whose own IDoc has not arrived yet.
  const known = await rowsWhereIn<StoredShipment>(Shipments, ['ID', 'status', 'ledgerVersion'], 'ID', ids);
  if (known.length === 0) return;
  const events = await rowsWhereIn<StoredEvent>(ShipmentEvents, ['shipment_ID', 'eventClassifierCode', 'eventTypeCode', 'eventDateTime', 'ledgerTxId'], 'shipment_ID', known.map((shipment) => shipment.ID));
  const byShipment = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const list = byShipment.get(event.shipment_ID);
    if (list) list.push(event);
    else byShipment.set(event.shipment_ID, [event]);
  }
  const changed = known.flatMap((shipment) => {
    const own = byShipment.get(shipment.ID) ?? [];
    const status = statusAfter(own.map((event) => ({
      eventClassifierCode: event.eventClassifierCode ?? 'PLN',
      eventTypeCode: event.eventTypeCode ?? '',
      eventDateTime: new Date(event.eventDateTime).toISOString(),
    })));
    const ledgerVersion = own.filter((event) => event.ledgerTxId).length;
    return status === shipment.status && ledgerVersion === shipment.ledgerVersion ? [] : [{ ID: shipment.ID, status, ledgerVersion }];
  });
  if (changed.length === 1) {
    const [{ ID, status, ledgerVersion }] = changed as [{ ID: string; status: string; ledgerVersion: number }];
    await UPDATE.entity(Shipments).set({ status, ledgerVersion }).where({ ID });
  } else if (changed.length > 1) {
    // Every row exists (read above), so the upsert only updates these two columns.
    await upsertRows(Shipments, changed);
  }
}
