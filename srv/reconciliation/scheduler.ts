import cds from '@sap/cds';
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { createRun, executeRun, type ReconcileDeps, type ReconciliationMode, type RunProgress, type RunSummary } from './run';

/**
 * Reconciliation on the job queue: a BullMQ job scheduler starts an incremental run on the cron
 * pattern (upsertJobScheduler keeps one schedule however many Lading instances start it), and
 * on-demand runs (OData action, CLI) are jobs on the same queue. One worker per instance with
 * concurrency 1; progress goes to the job (job.updateProgress) and to the run row.
 */

export interface ReconcileJob {
  /** The run to execute; absent for the scheduler's jobs, which create their run. */
  runId?: string;
  mode: ReconciliationMode;
  trigger: string;
}

export interface ReconcilerOptions {
  connection: ConnectionOptions;
  /** Redis key prefix. Default 'lading'. */
  prefix?: string;
  deps: ReconcileDeps;
  /** Cron pattern of the scheduled incremental run; undefined: no schedule (on demand only). */
  cron?: string;
}

export const RECONCILE_QUEUE = 'reconcile';
export const RECONCILE_SCHEDULER_ID = 'reconcile-incremental';

const log = cds.log('reconciliation');

export class Reconciler {
  readonly queue: Queue<ReconcileJob, RunSummary | undefined>;
  readonly #worker: Worker<ReconcileJob, RunSummary | undefined>;
  readonly #options: ReconcilerOptions;

  constructor(options: ReconcilerOptions) {
    this.#options = options;
    const { connection } = options;
    const prefix = options.prefix ?? 'lading';
    this.queue = new Queue<ReconcileJob, RunSummary | undefined>(RECONCILE_QUEUE, {
      connection, prefix, defaultJobOptions: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
    });
    this.#worker = new Worker<ReconcileJob, RunSummary | undefined>(RECONCILE_QUEUE, (job) => this.#process(job), {
      connection, prefix, concurrency: 1, autorun: false,
      // A full run of a large ledger holds the job for minutes: renew the lock, do not stall it.
      lockDuration: 120_000,
    });
    this.#worker.on('error', (error) => log.error('reconcile worker:', error.message));
  }

  async start(): Promise<this> {
    if (this.#options.cron) {
      await this.queue.upsertJobScheduler(RECONCILE_SCHEDULER_ID, { pattern: this.#options.cron }, {
        name: 'reconcile', data: { mode: 'incremental', trigger: 'scheduler' },
      });
    } else {
      await this.queue.removeJobScheduler(RECONCILE_SCHEDULER_ID);
    }
    void this.#worker.run().catch((error: Error) => log.error('reconcile worker stopped:', error.message));
    return this;
  }

  /** Queues a created run; the job id is the run's, so asking twice queues once. */
  async enqueue(runId: string, mode: ReconciliationMode, trigger: string): Promise<void> {
    await this.queue.add('reconcile', { runId, mode, trigger }, { jobId: `run-${runId}` });
  }

  /** A run is waiting or in work on any instance (Redis is shared): the OData action refuses a second one. */
  async busy(): Promise<boolean> {
    const counts = await this.queue.getJobCounts('active', 'waiting', 'prioritized', 'paused');
    return Object.values(counts).some((count) => count > 0);
  }

  async #process(job: Job<ReconcileJob, RunSummary | undefined>): Promise<RunSummary | undefined> {
    // A scheduled run while another instance works on a run would record the same findings at once: skip this tick.
    if (!job.data.runId && (await this.queue.getJobCounts('active')).active > 1) {
      log.info('scheduled reconciliation skipped: another run is in work');
      return undefined;
    }
    const runId = job.data.runId ?? (await createRun(job.data.mode, job.data.trigger));
    return executeRun(runId, this.#options.deps, (progress: RunProgress) => job.updateProgress({ runId, ...progress }));
  }

  async stop(): Promise<void> {
    await this.#worker.close();
    await this.queue.close();
  }
}
