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
  /** Heads per listShipments call, 1..1000. Default 1000 (the chaincode's limit). */
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

/** Ids per getEvents call. */
const CHUNK = 500;
/** Heads per listShipments page by default: the chaincode's limit, so the walk pays the fewest round trips. */
const PAGE_SIZE = 1000;
/** Heads per getShipments call: a batch is spread over the lanes, in calls of 100 to 1000 ids. */
const MIN_ID_CHUNK = 100;
const MAX_ID_CHUNK = 1000;

/** Lading's status after a head's status event, worked out once per event type code (statusAfter of that one event). */
const statusByCode = new Map<string, string>();
function statusOf(head: ShipmentHead): string {
  if (!head.status) return 'ANNOUNCED';
  const code = head.status.eventTypeCode;
  let status = statusByCode.get(code);
  if (status === undefined) {
    status = statusAfter([{ eventClassifierCode: 'ACT', eventTypeCode: code, eventDateTime: head.status.eventDateTime }]);
    statusByCode.set(code, status);
  }
  return status;
}

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
  return heads.map((head) => {
    const payloadHashes: Record<string, string> = {};
    if (hashes.size > 0) {
      for (const id of head.events) {
        const hash = hashes.get(id);
        if (hash !== undefined) payloadHashes[id] = hash;
      }
    }
    return { shipmentId: head.shipmentId, status: statusOf(head), events: head.events, recordedBy: head.recordedBy, payloadHashes };
  });
}

/** Every shipment on the ledger, one array per page, in key order. */
export async function* ledgerPages(source: LedgerSource): AsyncGenerator<LedgerShipment[]> {
  let bookmark = '';
  do {
    const page = await source.ledger.listShipments(source.pageSize ?? PAGE_SIZE, bookmark);
    if (page.shipments.length > 0) yield await withPayloadHashes(source, page.shipments);
    // An empty page ends the walk too, so a bookmark that never empties cannot loop forever.
    bookmark = page.shipments.length === 0 ? '' : page.bookmark;
  } while (bookmark !== '');
}

/** These shipments as on the ledger (those it does not know are left out), read in batches. */
export async function ledgerShipmentsOf(source: LedgerSource, shipmentIds: readonly string[]): Promise<Map<string, LedgerShipment>> {
  const lanes = source.concurrency ?? 4;
  const size = Math.min(MAX_ID_CHUNK, Math.max(MIN_ID_CHUNK, Math.ceil(shipmentIds.length / lanes)));
  const found = await mapLimited(chunks(shipmentIds, size), lanes, (ids) => source.ledger.getShipments(ids));
  const heads = found.flat().filter((head): head is ShipmentHead => head !== undefined);
  const shipments = await withPayloadHashes(source, heads);
  return new Map(shipments.map((shipment) => [shipment.shipmentId, shipment]));
}
