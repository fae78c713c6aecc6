/**
 * The commit path's answers through the real client: CommitStatus calls waiting for a block are
 * answered from that block (the first occurrence of a tx id, as the tx-id index keeps it), a
 * waiting call ended by its deadline leaves the transaction to commit normally, and the block's
 * data hash is SHA-256 over its envelopes exactly as Fabric's protoutil computes it.
 */
import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import type { Contract } from '@hyperledger/fabric-gateway';
import { buildBlock } from '../../devnet/ledger/blockstore';
import { connectAs, startTestDevnet, type Connection, type TestDevnet } from './support';

const contract = (connection: Connection): Contract => connection.gateway.getNetwork('logistics').getContract('lading');
const unique = (name: string): string => `${name}-${Math.random().toString(36).slice(2, 10)}`;

async function blockAt(connection: Connection, blockNum: bigint): Promise<common.Block> {
  const events = await connection.gateway.getNetwork('logistics').getBlockEvents({ startBlock: blockNum });
  try {
    for await (const block of events) return block;
  } finally {
    events.close();
  }
  throw new Error(`no block ${blockNum}`);
}

function codesOf(block: common.Block, txId: string): number[] {
  const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array();
  const codes: number[] = [];
  (block.getData()?.getDataList_asU8() ?? []).forEach((bytes, i) => {
    const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(bytes).getPayload_asU8());
    const header = common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array());
    if (header.getTxId() === txId) codes.push(filter[i] ?? -1);
  });
  return codes;
}

describe('commit status while the block is still open', () => {
  let net: TestDevnet;
  let carrier: Connection;

  beforeAll(async () => {
    // A long block timeout: every CommitStatus below is waiting before its block is cut.
    net = await startTestDevnet({ blockTimeoutMs: 700 });
    carrier = connectAs(net.devnet, 'CarrierMSP');
  });

  afterAll(async () => {
    carrier?.close();
    await net?.stop();
  });

  test('the same signed bytes twice in one block: both waiting calls get the first copy (VALID), the block flags the second DUPLICATE_TXID', async () => {
    const transaction = await contract(carrier).newProposal('put', { arguments: [unique('twice'), 'v'] }).endorse();
    const first = await transaction.submit();
    const second = await carrier.gateway.newTransaction(transaction.getBytes()).submit();

    const [a, b] = await Promise.all([first.getStatus(), second.getStatus()]);
    expect(a.code).toBe(peer.TxValidationCode.VALID);
    expect(b.code).toBe(peer.TxValidationCode.VALID);
    expect(b.blockNumber).toBe(a.blockNumber);
    expect(codesOf(await blockAt(carrier, a.blockNumber), transaction.getTransactionId())).toEqual([peer.TxValidationCode.VALID, peer.TxValidationCode.DUPLICATE_TXID]);
  });

  test('waiting calls for different transactions of one block each get their own code (VALID and MVCC_READ_CONFLICT)', async () => {
    const key = unique('counter');
    await contract(carrier).submitTransaction('put', key, '0');
    // Both endorsed against the same committed version, submitted in order into one block.
    const first = await contract(carrier).newProposal('bump', { arguments: [key] }).endorse();
    const second = await contract(carrier).newProposal('bump', { arguments: [key] }).endorse();
    const firstCommit = await first.submit();
    const secondCommit = await second.submit();
    const [a, b] = await Promise.all([firstCommit.getStatus(), secondCommit.getStatus()]);
    expect([a.code, b.code]).toEqual([peer.TxValidationCode.VALID, peer.TxValidationCode.MVCC_READ_CONFLICT]);
    expect(b.blockNumber).toBe(a.blockNumber);
    const block = await blockAt(carrier, a.blockNumber);
    expect(codesOf(block, first.getTransactionId())).toEqual([peer.TxValidationCode.VALID]);
    expect(codesOf(block, second.getTransactionId())).toEqual([peer.TxValidationCode.MVCC_READ_CONFLICT]);
  });

  test('a waiting call ended by its deadline does not stop the transaction: it commits and a new call answers VALID', async () => {
    const commit = await contract(carrier).newProposal('put', { arguments: [unique('deadline'), 'v'] }).endorse().then((tx) => tx.submit());
    const error = await commit.getStatus({ deadline: Date.now() + 100 }).catch((err: unknown) => err);
    expect(String(error)).toMatch(/DEADLINE_EXCEEDED|Deadline exceeded/i);

    const status = await commit.getStatus();
    expect(status.code).toBe(peer.TxValidationCode.VALID);
    expect(status.transactionId).toBe(commit.getTransactionId());
  });
});

test("a block's data hash is SHA-256 over its envelopes concatenated (Fabric's protoutil.BlockDataHash)", () => {
  const envelopes = [Buffer.from('first envelope'), new Uint8Array([0, 1, 2, 255]), Buffer.alloc(70_000, 7), new Uint8Array()];
  const block = buildBlock(5, Buffer.alloc(32, 1), envelopes, [0, 0, 0, 0]);
  const expected = createHash('sha256').update(Buffer.concat(envelopes)).digest();
  expect(Buffer.from(block.getHeader()?.getDataHash_asU8() ?? [])).toEqual(expected);
  expect(buildBlock(6, Buffer.alloc(32, 1), [], []).getHeader()?.getDataHash_asU8()).toEqual(new Uint8Array(createHash('sha256').digest()));
});
