/**
 * Append-only block files: one serialized common.Block per file, `<dir>/ledger/blocks/<n>.block`
 * (n zero-padded). One file per block keeps recovery and `verify` simple and lets a broken block
 * be named precisely. Files are written to a temporary name, flushed, then renamed.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import { blockDataHash, blockHeaderHash } from './blockhash';

const CACHE_SIZE = 64;

export function blockFileName(blockNum: number): string {
  return `${String(blockNum).padStart(12, '0')}.block`;
}

/** Builds a block with Fabric's metadata layout; codes go into TRANSACTIONS_FILTER. */
export function buildBlock(blockNum: number, previousHash: Uint8Array, envelopes: readonly Uint8Array[], codes: readonly number[]): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(blockNum);
  header.setPreviousHash(previousHash);
  header.setDataHash(blockDataHash(envelopes));

  const data = new common.BlockData();
  data.setDataList([...envelopes]);

  // SIGNATURES carries OrdererBlockMetadata{last_config} as Fabric 2.x orderers write it.
  const lastConfig = new common.LastConfig();
  lastConfig.setIndex(0);
  const ordererMetadata = new common.OrdererBlockMetadata();
  ordererMetadata.setLastConfig(lastConfig);
  const signatures = new common.Metadata();
  signatures.setValue(ordererMetadata.serializeBinary());

  const metadata = new common.BlockMetadata();
  const entries: Uint8Array[] = [new Uint8Array(), new Uint8Array(), new Uint8Array(), new Uint8Array(), new Uint8Array()];
  entries[common.BlockMetadataIndex.SIGNATURES] = signatures.serializeBinary();
  entries[common.BlockMetadataIndex.TRANSACTIONS_FILTER] = Uint8Array.from(codes);
  metadata.setMetadataList(entries);

  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  return block;
}

export function transactionsFilter(block: common.Block): Uint8Array {
  return block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array();
}

export class BlockStore {
  readonly dir: string;
  #height = 0;
  #lastHash: Buffer = Buffer.alloc(0);
  readonly #cache = new Map<number, common.Block>();

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Opens the store, counting contiguous block files from 0. */
  static async open(ledgerDir: string): Promise<BlockStore> {
    const store = new BlockStore(join(ledgerDir, 'blocks'));
    await mkdir(store.dir, { recursive: true });
    let height = 0;
    while (existsSync(store.path(height))) height++;
    store.#height = height;
    if (height > 0) {
      const last = await store.read(height - 1);
      const header = last.getHeader();
      if (!header) throw new Error(`block ${height - 1} has no header`);
      store.#lastHash = blockHeaderHash(header);
    }
    return store;
  }

  get height(): number {
    return this.#height;
  }

  /** Header hash of the last block: the next block's previous_hash. */
  get lastHash(): Buffer {
    return this.#lastHash;
  }

  path(blockNum: number): string {
    return join(this.dir, blockFileName(blockNum));
  }

  async readBytes(blockNum: number): Promise<Buffer> {
    if (blockNum >= this.#height) throw new Error(`block ${blockNum} does not exist (height ${this.#height})`);
    return readFile(this.path(blockNum));
  }

  async read(blockNum: number): Promise<common.Block> {
    const cached = this.#cache.get(blockNum);
    if (cached) return cached;
    const block = common.Block.deserializeBinary(await readFile(this.path(blockNum)));
    this.#remember(blockNum, block);
    return block;
  }

  #remember(blockNum: number, block: common.Block): void {
    this.#cache.set(blockNum, block);
    if (this.#cache.size > CACHE_SIZE) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
  }

  async append(block: common.Block): Promise<void> {
    const header = block.getHeader();
    if (!header || header.getNumber() !== this.#height) {
      throw new Error(`block number ${header?.getNumber()} does not follow height ${this.#height}`);
    }
    const target = this.path(this.#height);
    const temporary = `${target}.tmp`;
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(block.serializeBinary());
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
    this.#remember(this.#height, block);
    this.#lastHash = blockHeaderHash(header);
    this.#height++;
  }
}
