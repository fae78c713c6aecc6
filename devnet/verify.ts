/**
 * `devnet verify`: walks the block files from 0 and checks each block's number, previous_hash
 * (header hash of the block before) and data_hash, compares header hashes with those recorded at
 * commit (so a chain rewritten with fresh hashes is caught too), then replays the public writes of
 * valid transactions and compares the result with the world state database.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { common, peer } from '@hyperledger/fabric-protos';
import { parseEnvelopeBytes } from './protocol/envelope';
import { decodeResults, type Version } from './protocol/rwset';
import { blockDataHash, blockHeaderHash } from './ledger/blockhash';
import { blockFileName, transactionsFilter } from './ledger/blockstore';
import { StateDb } from './ledger/statedb';

export interface VerifyResult {
  ok: boolean;
  /** Blocks checked. */
  height: number;
  /** The first block that failed, when a block failed. */
  badBlock?: number;
  problem?: string;
  /** Whether the world state was compared with a replay. */
  stateChecked: boolean;
}

interface ReplayedValue {
  value: Buffer;
  version: Version;
}

type Replay = Map<string, ReplayedValue>;

function checkBlock(bytes: Buffer, blockNum: number, previousHash: Buffer): { block: common.Block; problem?: string } {
  let block: common.Block;
  try {
    block = common.Block.deserializeBinary(bytes);
  } catch (err) {
    return { block: new common.Block(), problem: `cannot be decoded: ${err instanceof Error ? err.message : String(err)}` };
  }
  const header = block.getHeader();
  if (!header) return { block, problem: 'has no header' };
  if (header.getNumber() !== blockNum) return { block, problem: `header number is ${header.getNumber()}` };
  if (!Buffer.from(header.getPreviousHash_asU8()).equals(previousHash)) return { block, problem: 'previous_hash does not match the header hash of the block before' };
  const data = block.getData()?.getDataList_asU8() ?? [];
  if (!blockDataHash(data).equals(Buffer.from(header.getDataHash_asU8()))) return { block, problem: 'data_hash does not match its transactions' };
  if (transactionsFilter(block).length !== data.length) return { block, problem: 'TRANSACTIONS_FILTER length differs from the number of transactions' };
  return { block };
}

function replay(block: common.Block, state: Replay): void {
  const blockNum = block.getHeader()?.getNumber() ?? 0;
  const codes = transactionsFilter(block);
  (block.getData()?.getDataList_asU8() ?? []).forEach((bytes, txNum) => {
    if (codes[txNum] !== peer.TxValidationCode.VALID) return;
    const tx = parseEnvelopeBytes(bytes);
    if (!tx.action) return;
    for (const ns of decodeResults(tx.action.results)) {
      for (const write of ns.writes) {
        const id = `${ns.namespace}\u0000${write.key}`;
        if (write.isDelete) state.delete(id);
        else state.set(id, { value: write.value, version: { blockNum, txNum } });
      }
    }
  });
}

interface StateProblem {
  problem: string;
  badBlock?: number;
}

/** A rewritten chain with recomputed hashes still differs from the hashes recorded at commit. */
function compareHeaderHashes(db: StateDb, headerHashes: Buffer[]): StateProblem | undefined {
  const recorded = db.recordedHeaderHashes();
  for (const [blockNum, hash] of headerHashes.entries()) {
    const expected = recorded.get(blockNum);
    if (expected && !expected.equals(hash)) return { badBlock: blockNum, problem: `block ${blockNum} header hash differs from the one recorded when it was committed` };
  }
  return undefined;
}

function compareState(dbPath: string, replayed: Replay, headerHashes: Buffer[]): StateProblem | undefined {
  const db = new StateDb(dbPath);
  try {
    const hashProblem = compareHeaderHashes(db, headerHashes);
    if (hashProblem) return hashProblem;
    const problem = compareValues(db, replayed);
    return problem ? { problem } : undefined;
  } finally {
    db.close();
  }
}

function compareValues(db: StateDb, replayed: Replay): string | undefined {
  const rows = db.allPublic();
  for (const row of rows) {
    const expected = replayed.get(`${row.ns}\u0000${row.key}`);
    if (!expected) return `world state has key '${row.key}' (${row.ns}) that the blocks never wrote`;
    if (!expected.value.equals(row.value) || expected.version.blockNum !== row.version.blockNum || expected.version.txNum !== row.version.txNum) {
      return `world state value of key '${row.key}' (${row.ns}) differs from the replay of the blocks`;
    }
  }
  if (rows.length !== replayed.size) return `world state has ${rows.length} keys but the blocks leave ${replayed.size}`;
  return undefined;
}

export async function verifyLedger(dir: string): Promise<VerifyResult> {
  const blocksDir = join(dir, 'ledger', 'blocks');
  if (!existsSync(blocksDir)) return { ok: false, height: 0, problem: `no ledger under ${dir}`, stateChecked: false };
  const fileCount = readdirSync(blocksDir).filter((name) => name.endsWith('.block')).length;
  let previousHash: Buffer = Buffer.alloc(0);
  const replayed: Replay = new Map();
  const headerHashes: Buffer[] = [];
  let height = 0;
  for (; existsSync(join(blocksDir, blockFileName(height))); height++) {
    const { block, problem } = checkBlock(readFileSync(join(blocksDir, blockFileName(height))), height, previousHash);
    if (problem) return { ok: false, height, badBlock: height, problem: `block ${height} ${problem}`, stateChecked: false };
    try {
      replay(block, replayed);
    } catch (err) {
      return { ok: false, height, badBlock: height, problem: `block ${height} has a malformed transaction: ${String(err)}`, stateChecked: false };
    }
    const header = block.getHeader();
    if (header) previousHash = blockHeaderHash(header);
    headerHashes.push(previousHash);
  }
  if (fileCount !== height) return { ok: false, height, badBlock: height, problem: `block ${height} is missing but later block files exist`, stateChecked: false };
  const dbPath = join(dir, 'ledger', 'state.sqlite');
  if (!existsSync(dbPath)) return { ok: true, height, stateChecked: false };
  const stateProblem = compareState(dbPath, replayed, headerHashes);
  if (!stateProblem) return { ok: true, height, stateChecked: true };
  return { ok: false, height, ...(stateProblem.badBlock !== undefined ? { badBlock: stateProblem.badBlock } : {}), problem: stateProblem.problem, stateChecked: true };
}
