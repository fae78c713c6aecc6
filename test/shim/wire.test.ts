/**
 * devnet/shim/wire.ts writes query results by hand; the shim decodes them with the generated
 * classes. Each case must give exactly the bytes google-protobuf writes, and decode back.
 */
import { ledger, peer } from '@hyperledger/fabric-protos';
import { encodeKVBytes, encodeQueryResponseBytes } from '../../devnet/shim/wire';

function generatedKV(namespace: string, key: string, value: Uint8Array): Uint8Array {
  const kv = new ledger.queryresult.KV();
  kv.setNamespace(namespace);
  kv.setKey(key);
  kv.setValue(value);
  return kv.serializeBinary();
}

function generatedQueryResponse(id: string, results: Uint8Array[], hasMore: boolean, metadata?: Uint8Array): Uint8Array {
  const response = new peer.QueryResponse();
  response.setResultsList(
    results.map((bytes) => {
      const result = new peer.QueryResultBytes();
      result.setResultbytes(bytes);
      return result;
    }),
  );
  response.setHasMore(hasMore);
  response.setId(id);
  if (metadata) response.setMetadata(metadata);
  return response.serializeBinary();
}

const bytesOf = (length: number, seed = 7): Buffer => Buffer.from(Array.from({ length }, (_, i) => (i * 31 + seed) % 256));

describe('KV encoding', () => {
  it.each([
    ['a composite key and a JSON value', 'lading', '\u0000lading.shipment\u0000SYS/0000000001\u0000', Buffer.from('{"shipmentId":"SYS/0000000001"}')],
    ['an empty namespace and an empty value (proto3 leaves both out)', '', 'k', Buffer.alloc(0)],
    ['an empty key', 'ns', '', Buffer.from('v')],
    ['multi-byte UTF-8 in namespace and key', 'näm€', 'ключ/😀', Buffer.from('x')],
    ['a value of 127 bytes (one-byte length)', 'ns', 'k', bytesOf(127)],
    ['a value of 128 bytes (two-byte length)', 'ns', 'k', bytesOf(128)],
    ['a value of 16,384 bytes (three-byte length)', 'ns', 'k', bytesOf(16_384)],
    ['a value of 2 MiB', 'ns', 'k', bytesOf(2 * 1024 * 1024)],
  ])('%s: the generated class writes the same bytes and reads them back', (_, namespace, key, value) => {
    const mine = encodeKVBytes(namespace, key, value);
    expect(Buffer.from(mine).equals(Buffer.from(generatedKV(namespace, key, value)))).toBe(true);
    const decoded = ledger.queryresult.KV.deserializeBinary(mine);
    expect([decoded.getNamespace(), decoded.getKey(), Buffer.from(decoded.getValue_asU8()).equals(value)]).toEqual([namespace, key, true]);
  });
});

describe('QueryResponse encoding', () => {
  const kvs = [encodeKVBytes('lading', 'a', Buffer.from('1')), encodeKVBytes('lading', 'b', bytesOf(300)), new Uint8Array(0)];
  const metadata = (() => {
    const m = new peer.QueryResponseMetadata();
    m.setFetchedRecordsCount(2);
    m.setBookmark('\u0000lading.shipment\u0000next\u0000');
    return m.serializeBinary();
  })();

  it.each([
    ['no results, not more', [], false, undefined],
    ['results and more to come', kvs, true, undefined],
    ['a page with pagination metadata', kvs.slice(0, 2), false, metadata],
    ['one empty result (written as an empty QueryResultBytes)', [new Uint8Array(0)], false, undefined],
    ['200 results of 1,000 bytes', Array.from({ length: 200 }, (_, i) => encodeKVBytes('ns', `key-${i}`, bytesOf(1000, i))), true, metadata],
  ] as Array<[string, Uint8Array[], boolean, Uint8Array | undefined]>)('%s: the generated class writes the same bytes and reads them back', (_, results, hasMore, meta) => {
    const id = '6f1c7e0e-8a55-4b0b-9d0e-0b6f2f1f4a11';
    const mine = encodeQueryResponseBytes(id, results, hasMore, meta);
    expect(Buffer.from(mine).equals(Buffer.from(generatedQueryResponse(id, results, hasMore, meta)))).toBe(true);
    const decoded = peer.QueryResponse.deserializeBinary(mine);
    expect(decoded.getId()).toBe(id);
    expect(decoded.getHasMore()).toBe(hasMore);
    expect(decoded.getResultsList().map((r) => Buffer.from(r.getResultbytes_asU8()).toString('hex'))).toEqual(results.map((r) => Buffer.from(r).toString('hex')));
    expect(Buffer.from(decoded.getMetadata_asU8()).equals(Buffer.from(meta ?? new Uint8Array(0)))).toBe(true);
  });

  it('an empty id is left out, as proto3 does', () => {
    const mine = encodeQueryResponseBytes('', [], false, undefined);
    expect(mine.length).toBe(0);
    expect(generatedQueryResponse('', [], false).length).toBe(0);
  });
});
