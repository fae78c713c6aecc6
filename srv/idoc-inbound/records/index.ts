import type { IdocKind, MappedIdoc } from '../../../mappings';
import { storeDelivery } from './delivery';
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
  transport: (mapped, idocId) => storeTransport(mapped.transport, idocId),
  customs: (mapped, idocId) => storeCustoms(mapped, idocId),
};

export async function storeRecordsOf(mapped: MappedIdoc, idocId: string): Promise<void> {
  const store = STORES[mapped.kind] as (mapped: MappedIdoc, idocId: string) => Promise<void>;
  await store(mapped, idocId);
}
