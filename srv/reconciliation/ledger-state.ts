import type { ShipmentHead, ShipmentLedger } from '../../connectors/fabric';
import { statusAfter } from '../../mappings';
import type { LedgerShipment } from './state';

/**
 * Ledger state through the gateway: shipment heads by the chaincode's paginated range query
 * (listShipments, in key order) or by id in batches (getShipments), and, to check payload hashes,
 * the events of those heads as recorded (getEvents, up to 500 per call).
 */

export interface LedgerSource {
  ledger: ShipmentLedger;
  /** Heads per listShipments call, 1..1000. Default 500. */
  pageSize?: number;
  /** Read the heads' events to compare their payload hashes (one more evaluate per 500 events). Default true. */
  verifyPayloadHashes?: boolean;
  /** Concurrent evaluates when reading events and heads by id. Default 4. */
  concurrency?: number;
}

/** Runs `work` over `items` with at most `limit` at once, keeping the order of the answers. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Ids in chunks the chaincode takes in one call (its limit is 1000). */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += size) out.push(items.slice(at, at + size));
  return out;
}

const CHUNK = 500;

async function withPayloadHashes(source: LedgerSource, heads: readonly ShipmentHead[]): Promise<LedgerShipment[]> {
  const hashes = new Map<string, string>();
  if (source.verifyPayloadHashes ?? true) {
    const batches = chunks(heads.flatMap((head) => head.events), CHUNK);
    await mapLimited(batches, source.concurrency ?? 4, async (eventIds) => {
      const records = await source.ledger.getEvents(eventIds);
      records.forEach((record, at) => {
        if (record) hashes.set(eventIds[at] as string, record.event.payloadHash);
      });
    });
  }
  return heads.map((head) => ({
    shipmentId: head.shipmentId,
    status: head.status ? statusAfter([{ eventClassifierCode: 'ACT', eventTypeCode: head.status.eventTypeCode, eventDateTime: head.status.eventDateTime }]) : 'ANNOUNCED',
    events: head.events,
    recordedBy: head.recordedBy,
    payloadHashes: Object.fromEntries(head.events.filter((id) => hashes.has(id)).map((id) => [id, hashes.get(id) as string])),
  }));
}

/** Every shipment on the ledger, one array per page, in key order. */
export async function* ledgerPages(source: LedgerSource): AsyncGenerator<LedgerShipment[]> {
  let bookmark = '';
  do {
    const page = await source.ledger.listShipments(source.pageSize ?? 500, bookmark);
    if (page.shipments.length > 0) yield await withPayloadHashes(source, page.shipments);
    // An empty page ends the walk too, so a bookmark that never empties cannot loop forever.
    bookmark = page.shipments.length === 0 ? '' : page.bookmark;
  } while (bookmark !== '');
}

/** These shipments as on the ledger (those it does not know are left out), read in batches. */
export async function ledgerShipmentsOf(source: LedgerSource, shipmentIds: readonly string[]): Promise<Map<string, LedgerShipment>> {
  const found = await mapLimited(chunks(shipmentIds, CHUNK), source.concurrency ?? 4, (ids) => source.ledger.getShipments(ids));
  const heads = found.flat().filter((head): head is ShipmentHead => head !== undefined);
  const shipments = await withPayloadHashes(source, heads);
  return new Map(shipments.map((shipment) => [shipment.shipmentId, shipment]));
}
