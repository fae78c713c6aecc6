/**
 * The ordering service: cuts submitted transactions into blocks when BLOCK_SIZE transactions are
 * pending or BLOCK_TIMEOUT after the first one arrived, and commits blocks strictly one after
 * another (with the injected commit delay, if any).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Faults } from '../admin/faults';
import type { ParsedEnvelope } from '../protocol/envelope';
import type { Ledger } from './ledger';

export interface OrdererOptions {
  blockSize: number;
  blockTimeoutMs: number;
  log: (message: string) => void;
}

interface Pending {
  bytes: Uint8Array;
  parsed: ParsedEnvelope | undefined;
}

export class Orderer {
  readonly #ledger: Ledger;
  readonly #faults: Faults;
  readonly #options: OrdererOptions;
  #pending: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(ledger: Ledger, faults: Faults, options: OrdererOptions) {
    this.#ledger = ledger;
    this.#faults = faults;
    this.#options = options;
  }

  /** Accepts a transaction for ordering (Fabric's Broadcast). */
  broadcast(bytes: Uint8Array, parsed: ParsedEnvelope | undefined): void {
    if (this.#closed) throw new Error('ordering service is shut down');
    this.#pending.push({ bytes, parsed });
    if (this.#pending.length >= this.#options.blockSize) {
      this.#cut();
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => this.#cut(), this.#options.blockTimeoutMs);
    }
  }

  #cut(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending.splice(0, this.#options.blockSize);
    if (this.#pending.length > 0) this.#timer = setTimeout(() => this.#cut(), this.#options.blockTimeoutMs);
    if (batch.length === 0) return;
    this.#chain = this.#chain.then(() => this.#commit(batch));
  }

  async #commit(batch: Pending[]): Promise<void> {
    try {
      const delay = this.#faults.commitDelayMs;
      if (delay > 0) await sleep(delay);
      await this.#ledger.commit(batch, () => this.#faults.takeMvccConflict());
    } catch (err) {
      // A failed commit loses the batch; clients waiting on CommitStatus keep waiting, as with a real lost transaction.
      this.#options.log(`commit failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
  }

  /** Commits what is pending, then stops accepting transactions. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#pending.length > 0) this.#cut();
    await this.#chain;
  }
}
