import type { ChaincodeStub } from 'fabric-shim-api';
import { CUSTOMS_COLLECTION } from './access-policy';
import { canonicalJson, storedJsonArray, type JsonValue } from './canonical-json';
import { customsKey, eventKey, SHIPMENT_OBJECT_TYPE, shipmentKey } from './keys';
import type { EventRecord, ShipmentHead } from './model';

export interface HeadVersion {
  txId: string;
  /** ISO 8601 commit time of the transaction. */
  timestamp: string;
  /** The head as that transaction wrote it; null when it deleted the key. */
  value: ShipmentHead | null;
}

export interface HeadPage {
  shipments: ShipmentHead[];
  /** Where the next page starts; empty when this was the last page. */
  bookmark: string;
}

/**
 * Typed access to the contract's keys. Reads see only committed state (Fabric has no
 * read-your-own-writes inside a transaction), so callers keep their own in-memory view of what
 * the current transaction wrote.
 */
export class LedgerStore {
  constructor(private readonly stub: ChaincodeStub) {}

  async getEvent(eventId: string): Promise<EventRecord | undefined> {
    return this.readJson<EventRecord>(await this.stub.getState(eventKey(this.stub, eventId)));
  }

  async putEvent(record: EventRecord): Promise<void> {
    await this.stub.putState(eventKey(this.stub, record.event.eventId), toBytes(record));
  }

  /** The stored bytes of an event record (see storedJsonArray), undefined when there is none. */
  async getEventValue(eventId: string): Promise<Uint8Array | undefined> {
    return nonEmpty(await this.stub.getState(eventKey(this.stub, eventId)));
  }

  /** The stored bytes of a shipment head (see storedJsonArray), undefined when there is none. */
  async getHeadValue(shipmentId: string): Promise<Uint8Array | undefined> {
    return nonEmpty(await this.stub.getState(shipmentKey(this.stub, shipmentId)));
  }

  async getHead(shipmentId: string): Promise<ShipmentHead | undefined> {
    return this.readJson<ShipmentHead>(await this.stub.getState(shipmentKey(this.stub, shipmentId)));
  }

  async putHead(head: ShipmentHead): Promise<void> {
    await this.stub.putState(shipmentKey(this.stub, head.shipmentId), toBytes(head));
  }

  async putCustoms(eventId: string, bytes: Buffer): Promise<void> {
    await this.stub.putPrivateData(CUSTOMS_COLLECTION, customsKey(this.stub, eventId), bytes);
  }

  async getCustoms(eventId: string): Promise<Uint8Array | undefined> {
    const bytes = await this.stub.getPrivateData(CUSTOMS_COLLECTION, customsKey(this.stub, eventId));
    return bytes && bytes.length > 0 ? bytes : undefined;
  }

  async getHeadHistory(shipmentId: string): Promise<HeadVersion[]> {
    const versions: HeadVersion[] = [];
    for await (const modification of this.stub.getHistoryForKey(shipmentKey(this.stub, shipmentId))) {
      versions.push({
        txId: modification.txId,
        timestamp: timestampToIso(modification.timestamp),
        value: modification.isDelete ? null : (this.readJson<ShipmentHead>(modification.value) ?? null),
      });
    }
    return versions;
  }

  /**
   * One page of shipment heads in key order (a read-only query: Fabric forbids writes after it),
   * as the JSON text of a HeadPage: spliced from the stored heads instead of parsing each and
   * stringifying it again (a page is hundreds of heads), same text as JSON.stringify(page).
   */
  async listHeadsJson(pageSize: number, bookmark: string): Promise<string> {
    const { iterator, metadata } = await this.stub.getStateByPartialCompositeKeyWithPagination(SHIPMENT_OBJECT_TYPE, [], pageSize, bookmark);
    const heads: Uint8Array[] = [];
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        if (next.value.value.length > 0) heads.push(next.value.value);
      }
    } finally {
      await iterator.close();
    }
    return `{"shipments":${storedJsonArray(heads)},"bookmark":${JSON.stringify(metadata?.bookmark ?? '')}}`;
  }

  private readJson<T>(bytes: Uint8Array | undefined): T | undefined {
    if (!bytes || bytes.length === 0) return undefined;
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  }
}

function nonEmpty(bytes: Uint8Array | undefined): Uint8Array | undefined {
  return bytes && bytes.length > 0 ? bytes : undefined;
}

function toBytes(value: object): Buffer {
  return Buffer.from(canonicalJson(value as JsonValue), 'utf8');
}

/** Protobuf timestamps arrive with `seconds` as a Long or a number depending on the path. */
export function timestampToIso(timestamp: { seconds: unknown; nanos: number }): string {
  const seconds = Number(String(timestamp.seconds));
  return new Date(seconds * 1000 + Math.floor(timestamp.nanos / 1e6)).toISOString();
}
