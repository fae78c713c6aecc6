/**
 * devnet's ledger through the real client: Fabric's block format and hash chain, MVCC at commit,
 * duplicate transaction ids, restart with the chain and state intact, and `verify`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { common, peer } from '@hyperledger/fabric-protos';
import type { Contract } from '@hyperledger/fabric-gateway';
import { blockDataHash, blockHeaderHash } from '../../devnet/ledger/blockhash';
import { blockFileName } from '../../devnet/ledger/blockstore';
import { verifyLedger } from '../../devnet/index';
import { connectAs, startTestDevnet, utf8, type Connection, type TestDevnet } from './support';

const contract = (connection: Connection): Contract => connection.gateway.getNetwork('logistics').getContract('lading');
const unique = (name: string): string => `${name}-${Math.random().toString(36).slice(2, 10)}`;

async function readBlocks(connection: Connection, from: bigint, count: number): Promise<common.Block[]> {
  const events = await connection.gateway.getNetwork('logistics').getBlockEvents({ startBlock: from });
  const blocks: common.Block[] = [];
  try {
    for await (const block of events) {
      blocks.push(block);
      if (blocks.length === count) break;
    }
  } finally {
    events.close();
  }
  return blocks;
}

function filterOf(block: common.Block): number[] {
  return [...(block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? [])];
}

function txIdsOf(block: common.Block): string[] {
  return (block.getData()?.getDataList_asU8() ?? []).map((bytes) => {
    const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(bytes).getPayload_asU8());
    return common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array()).getTxId();
  });
}

describe('one devnet', () => {
  let net: TestDevnet;
  let carrier: Connection;

  beforeAll(async () => {
    net = await startTestDevnet();
    carrier = connectAs(net.devnet, 'CarrierMSP');
  });

  afterAll(async () => {
    carrier?.close();
    await net?.stop();
  });

  test('blocks are real common.Blocks chained by header hash, with data hash and TRANSACTIONS_FILTER', async () => {
    const submitted = await contract(carrier).submitAsync('put', { arguments: [unique('b'), 'x'] });
    const { blockNumber } = await submitted.getStatus();
    const blocks = await readBlocks(carrier, 0n, Number(blockNumber) + 1);

    const genesis = blocks[0];
    expect(genesis?.getHeader()?.getNumber()).toBe(0);
    blocks.forEach((block, n) => {
      const header = block.getHeader();
      expect(header?.getNumber()).toBe(n);
      expect(Buffer.from(header?.getDataHash_asU8() ?? [])).toEqual(blockDataHash(block.getData()?.getDataList_asU8() ?? []));
      const previous = blocks[n - 1]?.getHeader();
      if (previous) expect(Buffer.from(header?.getPreviousHash_asU8() ?? [])).toEqual(blockHeaderHash(previous));
    });
    const last = blocks[blocks.length - 1];
    if (!last) throw new Error('no block');
    const index = txIdsOf(last).indexOf(submitted.getTransactionId());
    expect(index).toBeGreaterThanOrEqual(0);
    expect(filterOf(last)[index]).toBe(peer.TxValidationCode.VALID);
  });

  test('two transactions that read the same version conflict at commit: the later one is MVCC_READ_CONFLICT', async () => {
    const key = unique('counter');
    await contract(carrier).submitTransaction('put', key, '0');
    // Both endorsed against the same committed version before either is submitted.
    const first = await contract(carrier).newProposal('bump', { arguments: [key] }).endorse();
    const second = await contract(carrier).newProposal('bump', { arguments: [key] }).endorse();
    const [firstCommit, secondCommit] = await Promise.all([first.submit(), second.submit()]);
    const statuses = await Promise.all([firstCommit.getStatus(), secondCommit.getStatus()]);
    expect(statuses.map((s) => s.code).sort()).toEqual([peer.TxValidationCode.VALID, peer.TxValidationCode.MVCC_READ_CONFLICT]);
    expect(utf8(await contract(carrier).evaluateTransaction('get', key))).toBe('1');
  });

  test('a key added inside a range read after endorsement makes the transaction PHANTOM_READ_CONFLICT', async () => {
    const prefix = unique('ph');
    await contract(carrier).submitTransaction('put', `${prefix}-a`, '1');
    const scan = await contract(carrier).newProposal('range', { arguments: [`${prefix}-a`, `${prefix}-z`] }).endorse();
    await contract(carrier).submitTransaction('put', `${prefix}-m`, 'phantom');
    const status = await (await scan.submit()).getStatus();
    expect(status.code).toBe(peer.TxValidationCode.PHANTOM_READ_CONFLICT);
  });

  test('resubmitting the same signed bytes is recorded as DUPLICATE_TXID; the status stays the original, as in Fabric', async () => {
    const transaction = await contract(carrier).newProposal('put', { arguments: [unique('dup'), 'once'] }).endorse();
    const original = await (await transaction.submit()).getStatus();
    expect(original.successful).toBe(true);

    const resubmitted = carrier.gateway.newTransaction(transaction.getBytes());
    expect(resubmitted.getTransactionId()).toBe(transaction.getTransactionId());
    const again = await (await resubmitted.submit()).getStatus();
    // Fabric's tx-id index answers with the first occurrence.
    expect(again.code).toBe(peer.TxValidationCode.VALID);
    expect(again.blockNumber).toBe(original.blockNumber);

    // The second copy goes into a later block, flagged DUPLICATE_TXID (9): watch the blocks for it.
    const codes: number[] = [];
    const events = await carrier.gateway.getNetwork('logistics').getBlockEvents({ startBlock: original.blockNumber });
    try {
      for await (const block of events) {
        txIdsOf(block).forEach((txId, i) => {
          if (txId === transaction.getTransactionId()) codes.push(filterOf(block)[i] ?? -1);
        });
        if (codes.length === 2) break;
      }
    } finally {
      events.close();
    }
    expect(codes).toEqual([peer.TxValidationCode.VALID, peer.TxValidationCode.DUPLICATE_TXID]);

    // And a proposal whose tx id is on the ledger is refused at endorsement.
    const proposal = contract(carrier).newProposal('put', { arguments: [unique('dup'), 'x'] });
    await proposal.endorse().then((tx) => tx.submit()).then((commit) => commit.getStatus());
    const error = await carrier.gateway.newProposal(proposal.getBytes()).endorse().catch((err: unknown) => err);
    expect(String(error)).toContain('failed to endorse transaction');
    expect((error as { details: Array<{ message: string }> }).details[0]?.message).toContain('duplicate transaction found');
  });
});

async function admin(net: TestDevnet): Promise<Record<string, unknown>> {
  const response = await fetch(`${net.devnet.adminUrl}/status`);
  return (await response.json()) as Record<string, unknown>;
}

test('a restart keeps the chain and the world state, and verify accepts it', async () => {
  const first = await startTestDevnet();
  const key = unique('persist');
  let heightBefore: number;
  try {
    const connection = connectAs(first.devnet, 'ShipperMSP');
    try {
      await contract(connection).submitTransaction('put', key, 'kept');
      await contract(connection).submitTransaction('put', key, 'kept-2');
    } finally {
      connection.close();
    }
    heightBefore = Number((await admin(first)).height);
  } finally {
    await first.stop({ keepDir: true });
  }

  const second = await startTestDevnet({ dir: first.dir });
  try {
    expect(Number((await admin(second)).height)).toBe(heightBefore);
    const connection = connectAs(second.devnet, 'ShipperMSP');
    try {
      expect(utf8(await contract(connection).evaluateTransaction('get', key))).toBe('kept-2');
      const status = await (await contract(connection).submitAsync('put', { arguments: [key, 'after-restart'] })).getStatus();
      expect(Number(status.blockNumber)).toBe(heightBefore);
      const history = JSON.parse(utf8(await contract(connection).evaluateTransaction('history', key))) as Array<{ value: string }>;
      expect(history.map((h) => h.value)).toEqual(['after-restart', 'kept-2', 'kept']);
    } finally {
      connection.close();
    }
  } finally {
    await second.stop({ keepDir: true });
  }
  const result = await verifyLedger(first.dir);
  expect(result).toEqual({ ok: true, height: heightBefore + 1, stateChecked: true });
  await second.stop();
});

test('verify names the first tampered block, also from the command line', async () => {
  const net = await startTestDevnet();
  const connection = connectAs(net.devnet, 'CarrierMSP');
  let tamperedBlock: number;
  try {
    const status = await (await contract(connection).submitAsync('put', { arguments: ['amount', '100'] })).getStatus();
    await contract(connection).submitTransaction('put', 'later', 'x');
    tamperedBlock = Number(status.blockNumber);
  } finally {
    connection.close();
    await net.stop({ keepDir: true });
  }
  const cli = (): ReturnType<typeof spawnSync> =>
    spawnSync(process.execPath, [join(__dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(__dirname, '..', '..', 'devnet', 'main.ts'), 'verify', '--dir', net.dir], { encoding: 'utf8' });
  expect(cli().status).toBe(0);

  // Change the value inside the block's transaction, keeping the file decodable.
  const file = join(net.dir, 'ledger', 'blocks', blockFileName(tamperedBlock));
  const bytes = readFileSync(file);
  const at = bytes.indexOf(Buffer.from('100'));
  expect(at).toBeGreaterThan(0);
  bytes.write('999', at);
  writeFileSync(file, bytes);

  const result = await verifyLedger(net.dir);
  expect(result.ok).toBe(false);
  expect(result.badBlock).toBe(tamperedBlock);
  expect(result.problem).toContain('data_hash');
  const run = cli();
  expect(run.status).toBe(1);
  expect(run.stdout).toContain(`block ${tamperedBlock}`);
  await net.stop();
});

test('verify also catches a chain rewritten with freshly computed hashes', async () => {
  const net = await startTestDevnet();
  const connection = connectAs(net.devnet, 'CarrierMSP');
  let target: number;
  try {
    target = Number((await (await contract(connection).submitAsync('put', { arguments: ['balance', '100'] })).getStatus()).blockNumber);
    await contract(connection).submitTransaction('put', 'after', 'x');
  } finally {
    connection.close();
    await net.stop({ keepDir: true });
  }
  const blocksDir = join(net.dir, 'ledger', 'blocks');
  const path = (n: number): string => join(blocksDir, blockFileName(n));
  const previous = common.Block.deserializeBinary(readFileSync(path(target - 1))).getHeader();
  if (!previous) throw new Error('no header');
  let previousHash = blockHeaderHash(previous);
  for (let n = target; ; n++) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path(n));
    } catch {
      break;
    }
    const block = common.Block.deserializeBinary(bytes);
    const data = block.getData()?.getDataList_asU8() ?? [];
    if (n === target) {
      // Rewrite the value inside the transaction, then make every hash consistent again.
      const changed = data.map((entry) => {
        const copy = Buffer.from(entry);
        const at = copy.indexOf(Buffer.from('100'));
        if (at >= 0) copy.write('999', at);
        return copy;
      });
      block.getData()?.setDataList(changed);
    }
    const header = block.getHeader();
    if (!header) throw new Error('no header');
    header.setDataHash(blockDataHash(block.getData()?.getDataList_asU8() ?? []));
    header.setPreviousHash(previousHash);
    previousHash = blockHeaderHash(header);
    writeFileSync(path(n), block.serializeBinary());
  }
  const result = await verifyLedger(net.dir);
  expect(result).toMatchObject({ ok: false, badBlock: target });
  expect(result.problem).toContain('recorded when it was committed');
  await net.stop();
});
