import cds from '@sap/cds';
import type { PartitionedQueue } from '../../connectors/queue';
import { Outbox } from '#cds-models/lading';
import type { LedgerSubmitJob } from './ledger-submit';

/**
 * Outbox → queue. Redis is transport, the database is the truth: pending rows are queued with a
 * deterministic job id, and rows queued but still unconfirmed after a while are queued again —
 * a no-op while BullMQ still has the job, a re-drive when Redis lost it (restart, FLUSHALL).
 */

export interface RelayOptions {
  /** How often pending rows are looked for, in ms. Default 200. */
  intervalMs?: number;
  /** After how long an unconfirmed queued row is queued again, in ms. Default 15,000. */
  redriveAfterMs?: number;
  /** Most rows per pass. Default 2,000. */
  batchSize?: number;
}

export function jobIdOf(idocId: string, redriveCount: number | null | undefined): string {
  return redriveCount ? `idoc-${idocId}-r${redriveCount}` : `idoc-${idocId}`;
}

export class OutboxRelay {
  readonly #options: Required<RelayOptions>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #lastRedrive = 0;
  #onError: (error: Error) => void = (error) => cds.log('pipeline').error('outbox relay failed', error);

  constructor(private readonly queue: PartitionedQueue<LedgerSubmitJob>, options: RelayOptions = {}) {
    this.#options = { intervalMs: options.intervalMs ?? 200, redriveAfterMs: options.redriveAfterMs ?? 15_000, batchSize: options.batchSize ?? 2_000 };
  }

  start(): void {
    const tick = (): void => {
      this.#running = this.pass().then(() => undefined, (error: Error) => this.#onError(error)).finally(() => {
        if (this.#timer) this.#timer = setTimeout(tick, this.#options.intervalMs);
      });
    };
    this.#timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    const timer = this.#timer;
    this.#timer = undefined;
    if (timer) clearTimeout(timer);
    await this.#running;
  }

  /** One relay pass; returns how many rows were (re)queued. */
  async pass(): Promise<number> {
    let queued = await this.relayPending();
    if (Date.now() - this.#lastRedrive >= this.#options.redriveAfterMs / 3) {
      this.#lastRedrive = Date.now();
      queued += await this.redriveUnconfirmed(this.#options.redriveAfterMs);
    }
    return queued;
  }

  async relayPending(): Promise<number> {
    const rows = await SELECT.from(Outbox).columns('ID', 'idoc_ID', 'shipmentId', 'redriveCount')
      .where({ state: 'pending' }).orderBy('createdAt', 'ID').limit(this.#options.batchSize);
    if (rows.length === 0) return 0;
    await this.#enqueue(rows);
    await UPDATE.entity(Outbox).set({ state: 'queued', queuedAt: new Date().toISOString() })
      .where({ ID: { in: rows.map((row) => row.ID as string) }, state: 'pending' });
    return rows.length;
  }

  /** Queues again every row queued longer ago than `olderThanMs` and still not confirmed. */
  async redriveUnconfirmed(olderThanMs: number): Promise<number> {
    const before = new Date(Date.now() - olderThanMs).toISOString();
    const rows = await SELECT.from(Outbox).columns('ID', 'idoc_ID', 'shipmentId', 'redriveCount')
      .where({ state: 'queued', queuedAt: { '<': before } }).orderBy('createdAt', 'ID').limit(this.#options.batchSize);
    if (rows.length === 0) return 0;
    await this.#enqueue(rows);
    await UPDATE.entity(Outbox).set({ queuedAt: new Date().toISOString() }).where({ ID: { in: rows.map((row) => row.ID as string) }, state: 'queued' });
    return rows.length;
  }

  async #enqueue(rows: { idoc_ID?: string | null; shipmentId?: string | null; redriveCount?: number | null }[]): Promise<void> {
    await this.queue.addAll(rows.map((row) => ({
      key: row.shipmentId ?? '',
      name: 'record',
      data: { idocId: row.idoc_ID as string, shipmentId: row.shipmentId ?? '' },
      jobId: jobIdOf(row.idoc_ID as string, row.redriveCount),
    })));
  }
}
