/**
 * Read-write sets in Fabric's wire form (ledger.rwset): built from a simulation for the
 * endorsement, and read back from a block's transaction at commit for MVCC validation.
 * Private data travels as hashes in the transaction and in plaintext beside it (TxPvtReadWriteSet).
 */
import { createHash } from 'node:crypto';
import { ledger } from '@hyperledger/fabric-protos';

const { kvrwset } = ledger.rwset;

export interface Version {
  blockNum: number;
  txNum: number;
}

export interface KeyRead {
  key: string;
  /** undefined: the key did not exist when read. */
  version: Version | undefined;
}

export interface KeyWrite {
  key: string;
  isDelete: boolean;
  value: Buffer;
}

export interface RangeRead {
  startKey: string;
  endKey: string;
  exhausted: boolean;
  reads: KeyRead[];
}

export interface CollectionResults {
  name: string;
  reads: KeyRead[];
  writes: KeyWrite[];
}

export interface SimulationResults {
  namespace: string;
  reads: KeyRead[];
  rangeQueries: RangeRead[];
  writes: KeyWrite[];
  collections: CollectionResults[];
}

/** A hashed private read/write as recorded in the transaction. */
export interface HashedRead {
  keyHash: Buffer;
  version: Version | undefined;
}
export interface HashedWrite {
  keyHash: Buffer;
  valueHash: Buffer;
  isDelete: boolean;
}

export interface CommittedNamespaceRwset {
  namespace: string;
  reads: KeyRead[];
  rangeQueries: RangeRead[];
  writes: KeyWrite[];
  collections: Array<{ name: string; hashedReads: HashedRead[]; hashedWrites: HashedWrite[] }>;
}

export function sha256(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(data).digest();
}

function toVersion(version: Version | undefined): ledger.rwset.kvrwset.Version | undefined {
  if (!version) return undefined;
  const pb = new kvrwset.Version();
  pb.setBlockNum(version.blockNum);
  pb.setTxNum(version.txNum);
  return pb;
}

function fromVersion(pb: ledger.rwset.kvrwset.Version | undefined): Version | undefined {
  return pb ? { blockNum: pb.getBlockNum(), txNum: pb.getTxNum() } : undefined;
}

function toKvRead(read: KeyRead): ledger.rwset.kvrwset.KVRead {
  const pb = new kvrwset.KVRead();
  pb.setKey(read.key);
  const version = toVersion(read.version);
  if (version) pb.setVersion(version);
  return pb;
}

function toKvWrite(write: KeyWrite): ledger.rwset.kvrwset.KVWrite {
  const pb = new kvrwset.KVWrite();
  pb.setKey(write.key);
  pb.setIsDelete(write.isDelete);
  if (!write.isDelete) pb.setValue(write.value);
  return pb;
}

function byKey<T extends { key: string }>(a: T, b: T): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function kvRwset(reads: KeyRead[], writes: KeyWrite[], ranges: RangeRead[] = []): ledger.rwset.kvrwset.KVRWSet {
  const set = new kvrwset.KVRWSet();
  // Fabric sorts reads and writes by key so that every endorser produces identical bytes.
  set.setReadsList([...reads].sort(byKey).map(toKvRead));
  set.setWritesList([...writes].sort(byKey).map(toKvWrite));
  set.setRangeQueriesInfoList(
    ranges.map((range) => {
      const info = new kvrwset.RangeQueryInfo();
      info.setStartKey(range.startKey);
      info.setEndKey(range.endKey);
      info.setItrExhausted(range.exhausted);
      const raw = new kvrwset.QueryReads();
      raw.setKvReadsList(range.reads.map(toKvRead));
      info.setRawReads(raw);
      return info;
    }),
  );
  return set;
}

function hashedRwset(collection: CollectionResults): ledger.rwset.kvrwset.HashedRWSet {
  const set = new kvrwset.HashedRWSet();
  set.setHashedReadsList(
    [...collection.reads].sort(byKey).map((read) => {
      const pb = new kvrwset.KVReadHash();
      pb.setKeyHash(sha256(read.key));
      const version = toVersion(read.version);
      if (version) pb.setVersion(version);
      return pb;
    }),
  );
  set.setHashedWritesList(
    [...collection.writes].sort(byKey).map((write) => {
      const pb = new kvrwset.KVWriteHash();
      pb.setKeyHash(sha256(write.key));
      pb.setIsDelete(write.isDelete);
      if (!write.isDelete) pb.setValueHash(sha256(write.value));
      return pb;
    }),
  );
  return set;
}

export interface EncodedResults {
  /** TxReadWriteSet bytes for ChaincodeAction.results. */
  results: Uint8Array;
  /** TxPvtReadWriteSet bytes, or undefined when the transaction wrote no private data. */
  privateData: Uint8Array | undefined;
}

export function encodeResults(sim: SimulationResults): EncodedResults {
  const ns = new ledger.rwset.NsReadWriteSet();
  ns.setNamespace(sim.namespace);
  ns.setRwset(kvRwset(sim.reads, sim.writes, sim.rangeQueries).serializeBinary());

  const pvtCollections: ledger.rwset.CollectionPvtReadWriteSet[] = [];
  const hashed = [...sim.collections]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((collection) => {
      const pvtBytes = kvRwset([], collection.writes).serializeBinary();
      const pb = new ledger.rwset.CollectionHashedReadWriteSet();
      pb.setCollectionName(collection.name);
      pb.setHashedRwset(hashedRwset(collection).serializeBinary());
      if (collection.writes.length > 0) {
        pb.setPvtRwsetHash(sha256(pvtBytes));
        const pvt = new ledger.rwset.CollectionPvtReadWriteSet();
        pvt.setCollectionName(collection.name);
        pvt.setRwset(pvtBytes);
        pvtCollections.push(pvt);
      }
      return pb;
    });
  ns.setCollectionHashedRwsetList(hashed);

  const tx = new ledger.rwset.TxReadWriteSet();
  tx.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  tx.setNsRwsetList([ns]);

  let privateData: Uint8Array | undefined;
  if (pvtCollections.length > 0) {
    const pvtNs = new ledger.rwset.NsPvtReadWriteSet();
    pvtNs.setNamespace(sim.namespace);
    pvtNs.setCollectionPvtRwsetList(pvtCollections);
    const pvtTx = new ledger.rwset.TxPvtReadWriteSet();
    pvtTx.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
    pvtTx.setNsPvtRwsetList([pvtNs]);
    privateData = pvtTx.serializeBinary();
  }
  return { results: tx.serializeBinary(), privateData };
}

function fromKvRead(pb: ledger.rwset.kvrwset.KVRead): KeyRead {
  return { key: pb.getKey(), version: fromVersion(pb.getVersion()) };
}

function fromKvWrite(pb: ledger.rwset.kvrwset.KVWrite): KeyWrite {
  return { key: pb.getKey(), isDelete: pb.getIsDelete(), value: Buffer.from(pb.getValue_asU8()) };
}

/** Decodes ChaincodeAction.results of a committed transaction. */
export function decodeResults(results: Uint8Array): CommittedNamespaceRwset[] {
  const tx = ledger.rwset.TxReadWriteSet.deserializeBinary(results);
  return tx.getNsRwsetList().map((ns) => {
    const kv = kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
    return {
      namespace: ns.getNamespace(),
      reads: kv.getReadsList().map(fromKvRead),
      writes: kv.getWritesList().map(fromKvWrite),
      rangeQueries: kv.getRangeQueriesInfoList().map((info) => ({
        startKey: info.getStartKey(),
        endKey: info.getEndKey(),
        exhausted: info.getItrExhausted(),
        reads: (info.getRawReads()?.getKvReadsList() ?? []).map(fromKvRead),
      })),
      collections: ns.getCollectionHashedRwsetList().map((collection) => {
        const hashed = kvrwset.HashedRWSet.deserializeBinary(collection.getHashedRwset_asU8());
        return {
          name: collection.getCollectionName(),
          hashedReads: hashed.getHashedReadsList().map((read) => ({
            keyHash: Buffer.from(read.getKeyHash_asU8()),
            version: fromVersion(read.getVersion()),
          })),
          hashedWrites: hashed.getHashedWritesList().map((write) => ({
            keyHash: Buffer.from(write.getKeyHash_asU8()),
            valueHash: Buffer.from(write.getValueHash_asU8()),
            isDelete: write.getIsDelete(),
          })),
        };
      }),
    };
  });
}

/** Plaintext private writes by namespace and collection from TxPvtReadWriteSet bytes. */
export function decodePrivateData(bytes: Uint8Array): Array<{ namespace: string; collection: string; writes: KeyWrite[] }> {
  const tx = ledger.rwset.TxPvtReadWriteSet.deserializeBinary(bytes);
  return tx.getNsPvtRwsetList().flatMap((ns) =>
    ns.getCollectionPvtRwsetList().map((collection) => ({
      namespace: ns.getNamespace(),
      collection: collection.getCollectionName(),
      writes: kvrwset.KVRWSet.deserializeBinary(collection.getRwset_asU8()).getWritesList().map(fromKvWrite),
    })),
  );
}
