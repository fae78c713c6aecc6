import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { partitionOf, partitionQueueName } from './partitions';

export interface PartitionedQueueOptions {
  connection: ConnectionOptions;
  /** Redis key prefix. Default 'bull'. */
  prefix?: string;
  /** Number of partitions (queues). Default 8. */
  partitions?: number;
  /** Options of every job added. */
  defaultJobOptions?: JobsOptions;
}

export interface PartitionedJob<Data> {
  /** Jobs with the same key land in the same partition, in the order added. */
  key: string;
  name: string;
  data: Data;
  /** Deterministic id: adding a job whose id exists is a no-op. */
  jobId: string;
}

/** One logical queue spread over N BullMQ queues by key (see partitions.ts for why). */
export class PartitionedQueue<Data> {
  readonly partitions: number;
  readonly queues: Queue<Data>[];

  constructor(readonly baseName: string, options: PartitionedQueueOptions) {
    this.partitions = options.partitions ?? 8;
    this.queues = Array.from({ length: this.partitions }, (_, partition) => new Queue<Data>(partitionQueueName(baseName, partition), {
      connection: options.connection,
      prefix: options.prefix,
      defaultJobOptions: options.defaultJobOptions,
    }));
  }

  queueNames(): string[] {
    return this.queues.map((queue) => queue.name);
  }

  async addAll(jobs: PartitionedJob<Data>[]): Promise<void> {
    const byPartition = new Map<number, PartitionedJob<Data>[]>();
    for (const job of jobs) {
      const partition = partitionOf(job.key, this.partitions);
      const list = byPartition.get(partition) ?? [];
      list.push(job);
      byPartition.set(partition, list);
    }
    await Promise.all([...byPartition].map(([partition, list]) => {
      const queue = this.queues[partition] as Queue<Data>;
      // addBulk keeps the order of the list within the partition.
      return (queue as unknown as Queue).addBulk(list.map((job) => ({ name: job.name, data: job.data, opts: { jobId: job.jobId } })));
    }));
  }

  /** Jobs waiting, active and delayed over all partitions. */
  async depth(): Promise<number> {
    const counts = await Promise.all(this.queues.map((queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
    return counts.reduce((sum, count) => sum + Object.values(count).reduce((a, b) => a + b, 0), 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.queues.map((queue) => queue.close()));
  }
}
