import { ContractRejectedError, type ShipmentHead, type ShipmentLedger } from '../../connectors/fabric';
import { statusAfter } from '../../mappings';
import type { LedgerShipment } from './state';

/**
 * Ledger state through the gateway: shipment heads by the chaincode's paginated range query
 * (listShipments, in key order), and, to check payload hashes, each event of a head as recorded
 * (getEvent, a few at a time).
 */

export interface LedgerSource {
  ledger: ShipmentLedger;
  /** Heads per listShipments call, 1..1000. Default 500. */
  pageSize?: number;
  /** Read every event to compare its payload hash (one evaluate per event). Default true. */
  verifyPayloadHashes?: boolean;
  /** Concurrent evaluates when reading events and heads. Default 16. */
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

function isNotFound(error: unknown): boolean {
  return error instanceof ContractRejectedError && error.reason === 'not-found';
}

async function withPayloadHashes(source: LedgerSource, heads: readonly ShipmentHead[]): Promise<LedgerShipment[]> {
  const hashes = new Map<string, string>();
  if (source.verifyPayloadHashes ?? true) {
    const eventIds = heads.flatMap((head) => head.events);
    await mapLimited(eventIds, source.concurrency ?? 16, async (eventId) => {
      try {
        hashes.set(eventId, (await source.ledger.getEvent(eventId)).event.payloadHash);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
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

/** These shipments as on the ledger (those it does not know are left out). */
export async function ledgerShipmentsOf(source: LedgerSource, shipmentIds: readonly string[]): Promise<Map<string, LedgerShipment>> {
  const heads = await mapLimited(shipmentIds, source.concurrency ?? 16, async (id) => {
    try {
      return await source.ledger.getShipment(id);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  });
  const found = await withPayloadHashes(source, heads.filter((head): head is ShipmentHead => head !== undefined));
  return new Map(found.map((shipment) => [shipment.shipmentId, shipment]));
}
