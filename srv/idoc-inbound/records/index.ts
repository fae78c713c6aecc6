import type { IdocKind, MappedIdoc } from '../../../mappings';
import { storeDeliveries, storeDelivery } from './delivery';
import { storeInvoice } from './invoice';
import { storeTransport } from './transport';
import { storeCustoms } from './customs';

/**
 * Stores what an accepted IDoc describes, by kind, in the caller's transaction. The IDoc row,
 * its status records, events and outbox row are written by ../store.ts for every kind alike.
 */
type RecordStores = { [K in IdocKind]: (mapped: Extract<MappedIdoc, { kind: K }>, idocId: string) => Promise<void> };

// Typed per kind: a kind added to MappedIdoc without a store here fails the type check.
const STORES: RecordStores = {
  delivery: (mapped, idocId) => storeDelivery(mapped.shipment, idocId),
  invoice: (mapped, idocId) => storeInvoice(mapped.invoice, idocId),
  transport: (mapped, idocId) => storeTransport(mapped.transport, idocId),
  customs: (mapped, idocId) => storeCustoms(mapped, idocId),
};

export async function storeRecordsOf(mapped: MappedIdoc, idocId: string): Promise<void> {
  const store = STORES[mapped.kind] as (mapped: MappedIdoc, idocId: string) => Promise<void>;
  await store(mapped, idocId);
}

/**
 * Stores the records of a whole batch in the caller's transaction: deliveries together (they are
 * the bulk of what SAP sends), every other kind one IDoc after the other, in arrival order.
 */
export async function storeRecordsOfBatch(batch: ReadonlyArray<{ mapped: MappedIdoc; idocId: string }>): Promise<void> {
  const deliveries: Array<{ shipment: Extract<MappedIdoc, { kind: 'delivery' }>['shipment']; idocId: string }> = [];
  for (const { mapped, idocId } of batch) {
    if (mapped.kind === 'delivery') deliveries.push({ shipment: mapped.shipment, idocId });
  }
  await storeDeliveries(deliveries);
  for (const entry of batch) {
    if (entry.mapped.kind !== 'delivery') await storeRecordsOf(entry.mapped, entry.idocId);
  }
}
