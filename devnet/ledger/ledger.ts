/**
 * The channel ledger: block files plus state database, kept at the same height. Opening it
 * creates the genesis block on first start and replays block files the state has not yet seen
 * (a crash between writing a block and updating state). Commits are serialised by the caller.
 */
import { join } from 'node:path';
import type { common } from '@hyperledger/fabric-protos';
import type { MspRegistry } from '../identity/msp';
import type { EndorsementPolicy } from '../policy/endorsement';
import type { ParsedEnvelope } from '../protocol/envelope';
import { BlockStore, buildBlock } from './blockstore';
import { genesisEnvelope } from './genesis';
import { StateDb, type TxStatus } from './statedb';
import { blockUpdate } from './update';
import { validateBlock, type ValidationContext } from './validator';

export interface LedgerOptions {
  dir: string;
  channelId: string;
  msps: MspRegistry;
  orgs: ReadonlyArray<{ mspId: string; caCertPem: string }>;
  /** Checked at commit (VSCC); undefined keeps the single-peer rule. */
  endorsementPolicy?: EndorsementPolicy;
}

export interface CommittedBlock {
  blockNum: number;
  codes: number[];
}

export class Ledger {
  readonly state: StateDb;
  readonly blocks: BlockStore;
  readonly #msps: MspRegistry;
  readonly #endorsementPolicy: EndorsementPolicy | undefined;
  readonly #waiters = new Set<() => void>();
  /** CommitStatus waits by tx id, answered from the committed block itself instead of a query per waiter per block. */
  readonly #txWaiters = new Map<string, Set<(status: TxStatus) => void>>();

  private constructor(state: StateDb, blocks: BlockStore, msps: MspRegistry, endorsementPolicy: EndorsementPolicy | undefined) {
    this.state = state;
    this.blocks = blocks;
    this.#msps = msps;
    this.#endorsementPolicy = endorsementPolicy;
  }

  static async open(options: LedgerOptions): Promise<Ledger> {
    const ledgerDir = join(options.dir, 'ledger');
    const blocks = await BlockStore.open(ledgerDir);
    const state = new StateDb(join(ledgerDir, 'state.sqlite'));
    const ledger = new Ledger(state, blocks, options.msps, options.endorsementPolicy);
    try {
      if (blocks.height === 0) {
        await ledger.#append(buildBlock(0, new Uint8Array(), [genesisEnvelope(options.channelId, options.orgs, new Date())], [0]));
      }
      await ledger.#recover();
    } catch (err) {
      state.close();
      throw err;
    }
    return ledger;
  }

  async #recover(): Promise<void> {
    const stateHeight = this.state.height();
    if (stateHeight > this.blocks.height) {
      throw new Error(`state database is at height ${stateHeight} but block files end at ${this.blocks.height}: the ledger directory is damaged`);
    }
    for (let n = stateHeight; n < this.blocks.height; n++) {
      this.state.apply(blockUpdate(this.state, await this.blocks.read(n)));
    }
  }

  async #append(block: common.Block, known?: Parameters<typeof blockUpdate>[2]): Promise<void> {
    await this.blocks.append(block);
    const update = blockUpdate(this.state, block, known);
    this.state.apply(update);
    if (this.#txWaiters.size > 0) this.#answerTxWaiters(update.blockNum, update.txs);
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  /**
   * A waiter registered only after the tx-id index had no entry for its tx id, and nothing ran in
   * between, so the first occurrence in this block is the one the index now holds (it keeps the
   * first occurrence; a later DUPLICATE_TXID copy never answers).
   */
  #answerTxWaiters(blockNum: number, txs: ReadonlyArray<{ txId: string; txNum: number; code: number }>): void {
    for (const tx of txs) {
      const waiting = this.#txWaiters.get(tx.txId);
      if (!waiting) continue;
      this.#txWaiters.delete(tx.txId);
      const status: TxStatus = { blockNum, txNum: tx.txNum, code: tx.code };
      for (const answer of waiting) answer(status);
    }
  }

  get height(): number {
    return this.blocks.height;
  }

  /** Validates and commits one block of transactions; returns their validation codes. */
  async commit(envelopes: ReadonlyArray<{ bytes: Uint8Array; parsed: ParsedEnvelope | undefined }>, forceConflict: () => boolean): Promise<CommittedBlock> {
    const ctx: ValidationContext = { state: this.state, msps: this.#msps, forceConflict, endorsementPolicy: this.#endorsementPolicy };
    const validated = validateBlock(ctx, envelopes.map((e) => e.parsed));
    const codes = validated.map((v) => v.code);
    const blockNum = this.blocks.height;
    const block = buildBlock(blockNum, this.blocks.lastHash, envelopes.map((e) => e.bytes), codes);
    await this.#append(block, envelopes.map((e, i) => ({ tx: e.parsed, rwsets: validated[i]?.rwsets ?? [] })));
    return { blockNum, codes };
  }

  txStatus(txId: string): TxStatus | undefined {
    return this.state.txStatus(txId);
  }

  /** Resolves on the next commit, or rejects when the signal aborts. */
  nextCommit(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        return;
      }
      const onAbort = (): void => {
        this.#waiters.delete(wake);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.#waiters.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The block with that number, waiting for it to be committed if needed. */
  async waitForBlock(blockNum: number, signal?: AbortSignal): Promise<common.Block> {
    while (blockNum >= this.blocks.height) await this.nextCommit(signal);
    return this.blocks.read(blockNum);
  }

  /** The commit status of a transaction, waiting until it is committed. */
  waitForTx(txId: string, signal?: AbortSignal): Promise<TxStatus> {
    const committed = this.state.txStatus(txId);
    if (committed) return Promise.resolve(committed);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        return;
      }
      let waiting = this.#txWaiters.get(txId);
      if (!waiting) {
        waiting = new Set();
        this.#txWaiters.set(txId, waiting);
      }
      const set = waiting;
      const onAbort = (): void => {
        set.delete(answer);
        if (set.size === 0 && this.#txWaiters.get(txId) === set) this.#txWaiters.delete(txId);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const answer = (status: TxStatus): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(status);
      };
      set.add(answer);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): void {
    this.state.close();
  }
}
