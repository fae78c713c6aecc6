/**
 * Turns a block and its validation codes into the state update: the writes of valid
 * transactions (public and private), the tx-id index, history. Used for live commits and for
 * replaying block files after a crash, so both paths produce the same state.
 */
import { common, peer } from '@hyperledger/fabric-protos';
import { parseEnvelopeBytes, type ParsedEnvelope } from '../protocol/envelope';
import { decodePrivateData, decodeResults, sha256, type CommittedNamespaceRwset } from '../protocol/rwset';
import { blockHeaderHash } from './blockhash';
import { transactionsFilter } from './blockstore';
import type { BlockUpdate, StateDb, StateWrite } from './statedb';

function tryParse(bytes: Uint8Array): ParsedEnvelope | undefined {
  try {
    return parseEnvelopeBytes(bytes);
  } catch {
    return undefined;
  }
}

/** Private writes are applied only when their plaintext (kept in the transient store) matches the hashes in the block. */
function privateWrites(state: StateDb, tx: ParsedEnvelope, rwsets: CommittedNamespaceRwset[], txNum: number): { writes: StateWrite[]; data?: Buffer } {
  if (!rwsets.some((ns) => ns.collections.some((c) => c.hashedWrites.length > 0))) return { writes: [] };
  const data = state.getTransient(tx.txId);
  if (!data) return { writes: [] };
  const expected = new Set(rwsets.flatMap((ns) => ns.collections.flatMap((c) => c.hashedWrites.map((w) => `${ns.namespace}/${c.name}/${w.keyHash.toString('hex')}`))));
  const writes: StateWrite[] = [];
  for (const coll of decodePrivateData(data)) {
    for (const write of coll.writes) {
      if (!expected.has(`${coll.namespace}/${coll.collection}/${sha256(write.key).toString('hex')}`)) continue;
      writes.push({ ns: coll.namespace, coll: coll.collection, key: write.key, value: write.value, isDelete: write.isDelete, txNum, txId: tx.txId, timestamp: tx.timestamp });
    }
  }
  return { writes, data };
}

export function blockUpdate(state: StateDb, block: common.Block, known?: ReadonlyArray<{ tx: ParsedEnvelope | undefined; rwsets: CommittedNamespaceRwset[] }>): BlockUpdate {
  const header = block.getHeader();
  if (!header) throw new Error('block without header');
  const codes = transactionsFilter(block);
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const update: BlockUpdate = { blockNum: header.getNumber(), headerHash: blockHeaderHash(header), txs: [], writes: [], privateData: [] };

  envelopes.forEach((bytes, txNum) => {
    const tx = known?.[txNum]?.tx ?? tryParse(bytes);
    const code = codes[txNum] ?? peer.TxValidationCode.INVALID_OTHER_REASON;
    if (!tx || tx.type !== common.HeaderType.ENDORSER_TRANSACTION) return;
    update.txs.push({ txId: tx.txId, txNum, code });
    if (code !== peer.TxValidationCode.VALID || !tx.action) return;
    const rwsets = known?.[txNum]?.rwsets ?? decodeResults(tx.action.results);
    for (const ns of rwsets) {
      for (const write of ns.writes) {
        update.writes.push({ ns: ns.namespace, coll: '', key: write.key, value: write.value, isDelete: write.isDelete, txNum, txId: tx.txId, timestamp: tx.timestamp });
      }
    }
    const pvt = privateWrites(state, tx, rwsets, txNum);
    update.writes.push(...pvt.writes);
    if (pvt.data) update.privateData.push({ txNum, data: pvt.data });
  });
  return update;
}
