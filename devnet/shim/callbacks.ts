import { randomUUID } from 'node:crypto';
import { peer } from '@hyperledger/fabric-protos';
import { type ChaincodeMessage, MessageType, responseTo, typeName } from './protocol';
import { encodeKeyModification, encodeKV, encodeQueryResponse, ListCursor, RangeCursor } from './query-cursors';
import type { RunningTransaction } from './transaction';

/** Limits a real peer applies to state queries. */
export interface QueryLimits {
  /** Results per batch between peer and shim (Fabric: 100). */
  batchSize: number;
  /** Results per query in total (Fabric: ledger.state.totalQueryLimit, 10000). */
  totalQueryLimit: number;
}

/** A chaincode request the peer refuses; the message goes back to the chaincode in an ERROR. */
export class RequestRefused extends Error {}

type Handler = (tx: RunningTransaction, request: ChaincodeMessage, limits: QueryLimits) => Promise<Uint8Array>;

const EMPTY = new Uint8Array(0);

const HANDLERS = new Map<number, Handler>([
  [MessageType.GET_STATE, getState],
  [MessageType.PUT_STATE, putState],
  [MessageType.DEL_STATE, delState],
  [MessageType.GET_STATE_BY_RANGE, getStateByRange],
  [MessageType.QUERY_STATE_NEXT, queryStateNext],
  [MessageType.QUERY_STATE_CLOSE, queryStateClose],
  [MessageType.GET_HISTORY_FOR_KEY, getHistoryForKey],
  [MessageType.GET_PRIVATE_DATA_HASH, getPrivateDataHash],
]);

/** Why devnet refuses request types a real peer would serve, so the chaincode author knows. */
const UNSUPPORTED: ReadonlyMap<number, string> = new Map([
  [MessageType.GET_QUERY_RESULT, 'rich queries need CouchDB; devnet keeps state like LevelDB, where Fabric does not support them either'],
  [MessageType.INVOKE_CHAINCODE, 'chaincode-to-chaincode invocation is not supported by devnet'],
  [MessageType.GET_STATE_METADATA, 'state metadata (key-level endorsement) is not supported by devnet'],
  [MessageType.PUT_STATE_METADATA, 'state metadata (key-level endorsement) is not supported by devnet'],
  [MessageType.PURGE_PRIVATE_DATA, 'purging private data is not supported by devnet'],
  [MessageType.GET_STATE_MULTIPLE, 'GET_STATE_MULTIPLE is not supported by devnet'],
  [MessageType.WRITE_BATCH_STATE, 'WRITE_BATCH_STATE is not supported by devnet'],
]);

/** Answers one chaincode request of a running transaction; throws RequestRefused or the simulator's error. */
export async function answerRequest(tx: RunningTransaction, request: ChaincodeMessage, limits: QueryLimits): Promise<ChaincodeMessage> {
  const handler = HANDLERS.get(request.getType());
  if (!handler) {
    throw new RequestRefused(UNSUPPORTED.get(request.getType()) ?? `devnet peer cannot handle message type ${typeName(request.getType())} from chaincode`);
  }
  return responseTo(request, await handler(tx, request, limits));
}

function check(refusal: string | undefined): void {
  if (refusal !== undefined) throw new RequestRefused(refusal);
}

async function getState(tx: RunningTransaction, request: ChaincodeMessage): Promise<Uint8Array> {
  const get = peer.GetState.deserializeBinary(request.getPayload_asU8());
  const key = get.getKey();
  const collection = get.getCollection();
  check(tx.rules.beforeRead(collection));
  // An empty payload tells the shim the key does not exist.
  return (await tx.simulator.getState(collection, key)) ?? EMPTY;
}

async function putState(tx: RunningTransaction, request: ChaincodeMessage): Promise<Uint8Array> {
  const put = peer.PutState.deserializeBinary(request.getPayload_asU8());
  check(tx.rules.beforeWrite(put.getCollection()));
  await tx.simulator.putState(put.getCollection(), put.getKey(), Buffer.from(put.getValue_asU8()));
  return EMPTY;
}

async function delState(tx: RunningTransaction, request: ChaincodeMessage): Promise<Uint8Array> {
  const { key, collection } = peer.DelState.deserializeBinary(request.getPayload_asU8()).toObject();
  check(tx.rules.beforeWrite(collection));
  await tx.simulator.delState(collection, key);
  return EMPTY;
}

async function getStateByRange(tx: RunningTransaction, request: ChaincodeMessage, limits: QueryLimits): Promise<Uint8Array> {
  const range = peer.GetStateByRange.deserializeBinary(request.getPayload_asU8());
  const collection = range.getCollection();
  const metadata = decodeQueryMetadata(range.getMetadata_asU8());
  const id = randomUUID();
  // Like Fabric: pagination applies to public state only; private ranges ignore the metadata.
  if (collection === '' && metadata) {
    check(tx.rules.beforePaginatedQuery());
    return paginatedRange(tx, id, metadata.bookmark !== '' ? metadata.bookmark : range.getStartkey(), range.getEndkey(), metadata.pageSize, limits);
  }
  check(collection === '' ? undefined : tx.rules.beforePrivateRangeQuery(collection));
  const cursor = new RangeCursor({
    simulator: tx.simulator,
    collection,
    startKey: range.getStartkey(),
    endKey: range.getEndkey(),
    namespace: tx.namespace,
    batchSize: limits.batchSize,
    totalLimit: limits.totalQueryLimit,
  });
  const batch = await cursor.nextBatch();
  if (batch.hasMore) tx.cursors.set(id, cursor);
  return encodeQueryResponse(id, batch);
}

interface Pagination {
  pageSize: number;
  bookmark: string;
}

function decodeQueryMetadata(bytes: Uint8Array): Pagination | undefined {
  if (bytes.length === 0) return undefined;
  const metadata = peer.QueryMetadata.deserializeBinary(bytes);
  const pagination = { pageSize: metadata.getPagesize(), bookmark: metadata.getBookmark() };
  return pagination.pageSize === 0 && pagination.bookmark === '' ? undefined : pagination;
}

/**
 * One page in a single response (has_more false) with QueryResponseMetadata. As in Fabric the
 * bookmark is the first key of the next page ('' when the range is done), so reading one key
 * past the page tells both whether there is more and where it starts.
 */
async function paginatedRange(tx: RunningTransaction, id: string, startKey: string, endKey: string, pageSize: number, limits: QueryLimits): Promise<Uint8Array> {
  const limit = pageSize > 0 ? Math.min(pageSize, limits.totalQueryLimit) : limits.totalQueryLimit;
  const page = await tx.simulator.getStateByRange('', startKey, endKey, limit + 1);
  const results = page.results.slice(0, limit);
  const metadata = new peer.QueryResponseMetadata();
  metadata.setFetchedRecordsCount(results.length);
  metadata.setBookmark(page.results.length > limit ? page.results[limit].key : '');
  return encodeQueryResponse(id, { results: results.map((kv) => encodeKV(tx.namespace, kv)), hasMore: false }, metadata);
}

async function queryStateNext(tx: RunningTransaction, request: ChaincodeMessage): Promise<Uint8Array> {
  const id = peer.QueryStateNext.deserializeBinary(request.getPayload_asU8()).getId();
  const cursor = tx.cursors.get(id);
  if (!cursor) throw new RequestRefused('query iterator not found');
  const batch = await cursor.nextBatch();
  if (!batch.hasMore) tx.cursors.delete(id);
  // The shim reads the first result of a next batch unchecked; an empty one would crash it.
  if (batch.results.length === 0) throw new RequestRefused('the range changed while it was being read: no more results');
  return encodeQueryResponse(id, batch);
}

async function queryStateClose(tx: RunningTransaction, request: ChaincodeMessage): Promise<Uint8Array> {
  const id = peer.QueryStateClose.deserializeBinary(request.getPayload_asU8()).getId();
  tx.cursors.delete(id);
  return encodeQueryResponse(id, { results: [], hasMore: false });
}

async function getHistoryForKey(tx: RunningTransaction, request: ChaincodeMessage, limits: QueryLimits): Promise<Uint8Array> {
  const key = peer.GetHistoryForKey.deserializeBinary(request.getPayload_asU8()).getKey();
  // The simulator lists oldest first; Fabric 2.x returns history newest first.
  const modifications = (await tx.simulator.getHistoryForKey(key)).slice().reverse().slice(0, limits.totalQueryLimit);
  const cursor = new ListCursor(modifications.map(encodeKeyModification), limits.batchSize);
  const id = randomUUID();
  const batch = await cursor.nextBatch();
  if (batch.hasMore) tx.cursors.set(id, cursor);
  return encodeQueryResponse(id, batch);
}

async function getPrivateDataHash(tx: RunningTransaction, request: ChaincodeMessage): Promise<Uint8Array> {
  const { key, collection } = peer.GetState.deserializeBinary(request.getPayload_asU8()).toObject();
  check(tx.rules.beforeRead(collection));
  return (await tx.simulator.getPrivateDataHash(collection, key)) ?? EMPTY;
}

