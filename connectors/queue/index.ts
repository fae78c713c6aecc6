/** BullMQ mechanics for Lading: Redis endpoint, partitioned queues, batch workers, backoff. */
export { resolveRedis, redisAnswers, freePort, RedisUnavailableError, type RedisEndpoint } from './redis';
export { PartitionedQueue, type PartitionedJob, type PartitionedQueueOptions } from './partitioned-queue';
export { BatchWorker, type BatchOutcome, type BatchProcessor, type BatchWorkerOptions } from './batch-worker';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
export { partitionOf, partitionQueueName } from './partitions';
