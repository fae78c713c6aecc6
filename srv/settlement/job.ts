import cds from '@sap/cds';
import { ConfigError } from '../config';
import type { PodLedger } from './pod-reader';
import { settleDue } from './settle';

/**
 * Settles due invoices every SETTLEMENT_INTERVAL_MS (default 30000; 0 turns the job off): an
 * invoice is settled soon after it arrives, and again after a POD, a customs decision or a ledger
 * confirmation of its deliveries. One run at a time; FinanceService's `settle` runs it on demand.
 */

const log = cds.log('settlement');

export const DEFAULT_SETTLEMENT_INTERVAL_MS = 30_000;

/** SETTLEMENT_INTERVAL_MS as a whole number of milliseconds ≥ 0; anything else stops start-up with one line. */
export function settlementIntervalMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env.SETTLEMENT_INTERVAL_MS?.trim();
  if (raw === undefined || raw === '') return DEFAULT_SETTLEMENT_INTERVAL_MS;
  if (!/^\d+$/.test(raw)) throw new ConfigError('SETTLEMENT_INTERVAL_MS', `must be a whole number of milliseconds (0 = off), got "${raw}"`);
  return Number(raw);
}

export class SettlementJob {
  readonly #intervalMs: number;
  readonly #ledger: () => PodLedger | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** Start of the previous run: later runs look only at events stored since then; the first looks at all. */
  #since: string | undefined;

  constructor(intervalMs: number, ledger: () => PodLedger | undefined) {
    this.#intervalMs = intervalMs;
    this.#ledger = ledger;
  }

  start(): this {
    if (this.#intervalMs > 0 && !this.#timer) {
      this.#timer = setInterval(() => void this.runOnce(), this.#intervalMs);
      this.#timer.unref();
    }
    return this;
  }

  /** One run; a run already in progress is awaited instead of starting a second. */
  runOnce(): Promise<void> {
    if (this.#running) return this.#running;
    // A little before now: an event stored by a transaction still open at this instant gets the next run.
    const started = new Date(Date.now() - 60_000).toISOString();
    this.#running = settleDue(this.#ledger(), this.#since)
      .then(() => { this.#since = started; })
      .catch((error: Error) => log.error('settlement run failed:', error.message))
      .finally(() => { this.#running = undefined; });
    return this.#running;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
