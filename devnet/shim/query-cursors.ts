import { ledger, type peer } from '@hyperledger/fabric-protos';
import { toProtoTimestamp } from './timestamp';
import type { KeyModification, StateKV, TxSimulator } from './types';
import { encodeKVBytes, encodeQueryResponseBytes } from './wire';

/** One batch of a query iterator as the shim receives it. */
export interface QueryBatch {
  results: Uint8Array[];
  /** True only when at least one more result exists: the shim reads a next batch without checking its size. */
  hasMore: boolean;
}

/** An open query iterator of one transaction (QUERY_STATE_NEXT reads it, QUERY_STATE_CLOSE drops it). */
export interface QueryCursor {
  nextBatch(): Promise<QueryBatch>;
}

export interface RangeScan {
  simulator: TxSimulator;
  collection: string;
  startKey: string;
  endKey: string;
  namespace: string;
  /** Results per batch between peer and shim (Fabric: 100). */
  batchSize: number;
  /** Results for the whole scan (Fabric: ledger.state.totalQueryLimit, 10000). */
  totalLimit: number;
}

/** The smallest key after `key`: ranges are start-inclusive, so this resumes right after it. */
export function keyAfter(key: string): string {
  return `${key}\u0000`;
}

export function encodeKV(namespace: string, kv: StateKV): Uint8Array {
  return encodeKVBytes(namespace, kv.key, kv.value);
}

export function encodeKeyModification(modification: KeyModification): Uint8Array {
  const result = new ledger.queryresult.KeyModification();
  result.setTxId(modification.txId);
  result.setValue(modification.value);
  result.setTimestamp(toProtoTimestamp(modification.timestamp));
  result.setIsDelete(modification.isDelete);
  return result.serializeBinary();
}

/** A range read lazily from the simulator, one batch per shim request, like Fabric's iterator. */
export class RangeCursor implements QueryCursor {
  private nextStart: string;
  private returned = 0;
  private exhausted = false;

  constructor(private readonly scan: RangeScan) {
    this.nextStart = scan.startKey;
  }

  async nextBatch(): Promise<QueryBatch> {
    const room = this.scan.totalLimit - this.returned;
    if (this.exhausted || room <= 0) return { results: [], hasMore: false };
    const { simulator, collection, endKey, namespace } = this.scan;
    const page = await simulator.getStateByRange(collection, this.nextStart, endKey, Math.min(this.scan.batchSize, room));
    this.returned += page.results.length;
    const last = page.results.at(-1);
    if (last) this.nextStart = keyAfter(last.key);
    this.exhausted = !page.hasMore || !last || this.returned >= this.scan.totalLimit;
    return { results: page.results.map((kv) => encodeKV(namespace, kv)), hasMore: !this.exhausted };
  }
}

/** Results already in memory (history), handed out in batches. */
export class ListCursor implements QueryCursor {
  private offset = 0;

  constructor(
    private readonly results: Uint8Array[],
    private readonly batchSize: number,
  ) {}

  async nextBatch(): Promise<QueryBatch> {
    const batch = this.results.slice(this.offset, this.offset + this.batchSize);
    this.offset += batch.length;
    return { results: batch, hasMore: this.offset < this.results.length };
  }
}

export function encodeQueryResponse(id: string, batch: QueryBatch, metadata?: peer.QueryResponseMetadata): Uint8Array {
  return encodeQueryResponseBytes(id, batch.results, batch.hasMore, metadata?.serializeBinary());
}
