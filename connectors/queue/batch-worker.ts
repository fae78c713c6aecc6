import { randomUUID } from 'node:crypto';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';

/**
 * Takes jobs off one queue in batches: after the first job it lingers briefly for more, up to a
 * maximum, and hands them to the processor together (one Fabric transaction for many IDocs).
 * BullMQ's open-source Worker processes one job at a time, so this uses BullMQ's manual job
 * processing (getNextJob / moveToCompleted / moveToFailed) with the same locks and stalled-job
 * recovery: a process killed mid-batch leaves its jobs to be picked up again.
 */

export interface BatchWorkerOptions {
  connection: ConnectionOptions;
  /** Redis key prefix. Default 'bull'. */
  prefix?: string;
  /** Most jobs in one batch. Default 100. */
  maxBatch?: number;
  /** How long to wait for more jobs after the first one, in ms. Default 20. */
  lingerMs?: number;
  /** Lock held on each job while its batch runs; renewed at half-time. Default 30,000 ms. */
  lockDurationMs?: number;
  /** How often stalled jobs (their worker died) are moved back to wait. Default 15,000 ms. */
  stalledIntervalMs?: number;
}

export type BatchOutcome<Result> =
  | { kind: 'completed'; result: Result }
  /** Final: no retry. The processor has recorded the dead letter. */
  | { kind: 'failed'; reason: string };

/** Processes a batch; one outcome per job, same order. Throwing hands the jobs back for a later try. */
export type BatchProcessor<Data, Result> = (jobs: Job<Data>[], signal: AbortSignal) => Promise<BatchOutcome<Result>[]>;

export class BatchWorker<Data, Result> {
  readonly #worker: Worker<Data, Result>;
  readonly #options: Required<Omit<BatchWorkerOptions, 'connection' | 'prefix'>>;
  readonly #abort = new AbortController();
  #stopping = false;
  #loop: Promise<void> | undefined;
  #onError: (error: Error) => void = () => undefined;

  constructor(readonly queueName: string, private readonly processor: BatchProcessor<Data, Result>, options: BatchWorkerOptions) {
    this.#options = {
      maxBatch: options.maxBatch ?? 100,
      lingerMs: options.lingerMs ?? 20,
      lockDurationMs: options.lockDurationMs ?? 30_000,
      stalledIntervalMs: options.stalledIntervalMs ?? 15_000,
    };
    this.#worker = new Worker<Data, Result>(queueName, null, {
      connection: options.connection,
      prefix: options.prefix,
      autorun: false,
      drainDelay: 1,
      lockDuration: this.#options.lockDurationMs,
      stalledInterval: this.#options.stalledIntervalMs,
      maxStalledCount: 1_000_000, // a killed worker is an infrastructure fault, never the job's
    });
    this.#worker.on('error', (error) => this.#onError(error));
  }

  /** Errors of the loop itself (Redis gone, lock lost); the loop keeps going. */
  onError(listener: (error: Error) => void): this {
    this.#onError = listener;
    return this;
  }

  start(): void {
    if (this.#loop) return;
    void this.#worker.startStalledCheckTimer().catch((error: Error) => this.#onError(error));
    this.#loop = this.#run();
  }

  /** Finishes the batch in hand (graceful drain), then stops; with `force`, abandons it to other workers. */
  async close(force = false): Promise<void> {
    if (force) this.#abort.abort();
    const closing = this.#worker.close(force);
    this.#stopping = true;
    await this.#loop;
    await closing;
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      const token = randomUUID();
      try {
        const batch = await this.#collect(token);
        if (batch.length > 0) await this.#process(batch, token);
      } catch (error) {
        if (this.#stopping) break;
        this.#onError(error as Error);
        await sleep(1_000);
      }
    }
  }

  async #collect(token: string): Promise<Job<Data>[]> {
    const first = (await this.#worker.getNextJob(token, { block: true })) as Job<Data> | undefined;
    if (!first) return [];
    const batch = [first];
    const deadline = Date.now() + this.#options.lingerMs;
    while (batch.length < this.#options.maxBatch && !this.#stopping) {
      const next = (await this.#worker.getNextJob(token, { block: false })) as Job<Data> | undefined;
      if (next) {
        batch.push(next);
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      await sleep(Math.min(left, 5));
    }
    return batch;
  }

  async #process(batch: Job<Data>[], token: string): Promise<void> {
    const renew = setInterval(() => {
      for (const job of batch) {
        void job.extendLock(token, this.#options.lockDurationMs).catch((error: Error) => this.#onError(error));
      }
    }, this.#options.lockDurationMs / 2);
    let outcomes: BatchOutcome<Result>[];
    try {
      outcomes = await this.processor(batch, this.#abort.signal);
    } catch (error) {
      clearInterval(renew);
      if (this.#abort.signal.aborted) return; // left locked: the stalled check hands them to another worker
      // Unexpected failure: back to the queue with BullMQ's attempts and backoff.
      await Promise.all(batch.map((job) => job.moveToFailed(error as Error, token, false)));
      return;
    }
    clearInterval(renew);
    await Promise.all(batch.map(async (job, index) => {
      const outcome = outcomes[index];
      if (!outcome) throw new Error(`The batch processor returned no outcome for job ${job.id}`);
      if (outcome.kind === 'completed') await job.moveToCompleted(outcome.result, token, false);
      else await job.moveToFailed(new UnrecoverableError(outcome.reason), token, false);
    }));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
