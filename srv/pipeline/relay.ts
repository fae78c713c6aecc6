import cds from '@sap/cds';
import type { PartitionedJob } from '../../connectors/queue';

/**
 * Database → queue. Redis is transport, the database is the truth: rows waiting in the database
 * are queued with a deterministic job id, and rows queued but still unsettled after a while are
 * queued again — a no-op while BullMQ still has the job, a re-drive when Redis lost it (restart,
 * FLUSHALL). Sources: the inbound outbox (→ ledger) and the outbound IDocs (→ SAP).
 */

export interface RelaySource<Data> {
  /** Rows never queued, oldest first. */
  waiting(limit: number): Promise<PartitionedJob<Data>[]>;
  /** Rows queued before `before` and still not settled, oldest first. */
  unsettled(before: string, limit: number): Promise<PartitionedJob<Data>[]>;
  /** Records that these rows (by job id) were queued now. */
  markQueued(jobs: PartitionedJob<Data>[]): Promise<void>;
}

export interface RelayTarget<Data> {
  addAll(jobs: PartitionedJob<Data>[]): Promise<void>;
}

export interface RelayOptions {
  /** How often waiting rows are looked for, in ms. Default 200. */
  intervalMs?: number;
  /** After how long an unsettled queued row is queued again, in ms. Default 15,000. */
  redriveAfterMs?: number;
  /** Most rows per pass. Default 2,000. */
  batchSize?: number;
  /** Polls only while this says yes: with several instances, on the one holding the relay's role. Default always. */
  activeWhen?: () => boolean;
}

export class Relay<Data> {
  readonly #options: Required<Omit<RelayOptions, 'activeWhen'>>;
  readonly #activeWhen: () => boolean;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #lastRedrive = 0;

  constructor(readonly name: string, private readonly source: RelaySource<Data>, private readonly target: RelayTarget<Data>, options: RelayOptions = {}) {
    this.#options = { intervalMs: options.intervalMs ?? 200, redriveAfterMs: options.redriveAfterMs ?? 15_000, batchSize: options.batchSize ?? 2_000 };
    this.#activeWhen = options.activeWhen ?? ((): boolean => true);
  }

  start(): void {
    const tick = (): void => {
      this.#running = (this.#activeWhen() ? this.pass() : Promise.resolve(0)).then(
        () => undefined,
        (error: Error) => cds.log('pipeline').error(`${this.name} relay failed:`, error.message),
      ).finally(() => {
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
    let queued = await this.#move(await this.source.waiting(this.#options.batchSize));
    if (Date.now() - this.#lastRedrive >= this.#options.redriveAfterMs / 3) {
      this.#lastRedrive = Date.now();
      const before = new Date(Date.now() - this.#options.redriveAfterMs).toISOString();
      queued += await this.#move(await this.source.unsettled(before, this.#options.batchSize));
    }
    return queued;
  }

  async #move(jobs: PartitionedJob<Data>[]): Promise<number> {
    if (jobs.length === 0) return 0;
    await this.target.addAll(jobs);
    await this.source.markQueued(jobs);
    return jobs.length;
  }
}
