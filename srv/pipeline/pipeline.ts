import cds from '@sap/cds';
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { ShipmentLedger } from '../../connectors/fabric';
import type { BackoffOptions } from '../../connectors/queue';
import { BatchWorker, DEFAULT_BACKOFF, PartitionedQueue } from '../../connectors/queue';
import type { LedgerSubmitJob, LedgerSubmitResult } from './ledger-submit';
import { timedBatchProcessor, timedProcessor } from '../observability/metrics';
import { ledgerSubmitProcessor } from './ledger-submit';
import { outboxSource } from './outbox-source';
import type { RelayOptions } from './relay';
import { Relay } from './relay';
import type { CommittedBatch } from './settlement';
import { settleCommitted } from './settlement';

/**
 * ERP → ledger: outbox → relay → ledger-submit (partitioned, batched) → confirm (settles the
 * database by commit status). Every step is idempotent, so any of them may run twice.
 */

export interface PipelineOptions {
  connection: ConnectionOptions;
  /** Redis key prefix of every queue. Default 'lading'. */
  prefix?: string;
  ledger: ShipmentLedger;
  /** The organisation Lading records as (for the events' recordedBy). */
  mspId: string;
  /** Ledger-submit partitions: shipments in different partitions proceed in parallel. Default 2 (as LEDGER_PARTITIONS). */
  partitions?: number;
  /** Most IDocs in one ledger transaction. Default 100. */
  maxBatch?: number;
  /** How long a batch waits for more IDocs after the first, in ms. Default 20. */
  lingerMs?: number;
  backoff?: BackoffOptions;
  relay?: RelayOptions;
  /** How long a killed worker's jobs stay locked before another worker takes them. Default 30,000 ms. */
  lockDurationMs?: number;
  /** Committed batches settled in the database at once. Default 4. */
  confirmConcurrency?: number;
}

export const LEDGER_SUBMIT_QUEUE = 'ledger-submit';
export const LEDGER_CONFIRM_QUEUE = 'ledger-confirm';

const log = cds.log('pipeline');

export class LedgerPipeline {
  readonly submitQueue: PartitionedQueue<LedgerSubmitJob>;
  readonly confirmQueue: Queue<CommittedBatch>;
  readonly relay: Relay<LedgerSubmitJob>;
  readonly #submitWorkers: BatchWorker<LedgerSubmitJob, LedgerSubmitResult>[];
  readonly #confirmWorker: Worker<CommittedBatch>;

  constructor(options: PipelineOptions) {
    const prefix = options.prefix ?? 'lading';
    const { connection } = options;
    const retried = { attempts: 10, backoff: { type: 'exponential', delay: 500 } };
    this.submitQueue = new PartitionedQueue<LedgerSubmitJob>(LEDGER_SUBMIT_QUEUE, {
      connection, prefix, partitions: options.partitions ?? 2,
      defaultJobOptions: { ...retried, removeOnComplete: { age: 3_600, count: 50_000 }, removeOnFail: false },
    });
    this.confirmQueue = new Queue<CommittedBatch>(LEDGER_CONFIRM_QUEUE, {
      connection, prefix, defaultJobOptions: { ...retried, removeOnComplete: { age: 3_600, count: 50_000 }, removeOnFail: false },
    });
    const processor = timedBatchProcessor(ledgerSubmitProcessor({
      ledger: options.ledger, mspId: options.mspId, confirmQueue: this.confirmQueue, backoff: options.backoff ?? DEFAULT_BACKOFF,
    }));
    this.#submitWorkers = this.submitQueue.queueNames().map((name) => new BatchWorker<LedgerSubmitJob, LedgerSubmitResult>(name, processor, {
      connection, prefix, maxBatch: options.maxBatch ?? 100, lingerMs: options.lingerMs ?? 20,
      lockDurationMs: options.lockDurationMs ?? 30_000, stalledIntervalMs: Math.max(1_000, (options.lockDurationMs ?? 30_000) / 2),
    }).onError((error) => log.error(`ledger-submit worker ${name}:`, error.message)));
    this.#confirmWorker = new Worker<CommittedBatch>(LEDGER_CONFIRM_QUEUE, timedProcessor(async (job: Job<CommittedBatch>) => settleCommitted(job.data)), {
      connection, prefix, concurrency: options.confirmConcurrency ?? 4, autorun: false,
    });
    this.#confirmWorker.on('error', (error) => log.error('ledger-confirm worker:', error.message));
    this.relay = new Relay('ledger', outboxSource, this.submitQueue, options.relay);
  }

  start(): this {
    for (const worker of this.#submitWorkers) worker.start();
    void this.#confirmWorker.run().catch((error: Error) => log.error('ledger-confirm worker stopped:', error.message));
    this.relay.start();
    return this;
  }

  /** Graceful: stops relaying, lets batches in hand finish, then closes queues (reverse order of opening). */
  async stop(force = false): Promise<void> {
    await this.relay.stop();
    await Promise.all(this.#submitWorkers.map((worker) => worker.close(force)));
    await this.#confirmWorker.close(force);
    await this.confirmQueue.close();
    await this.submitQueue.close();
  }
}
