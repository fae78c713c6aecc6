import { createHash } from 'node:crypto';

/**
 * Ordering without BullMQ Pro groups: every shipment maps to one partition, and each partition is
 * its own queue consumed by one batch loop at a time, so a shipment's events reach the ledger in
 * the order they were accepted while different shipments proceed in parallel.
 */
export function partitionOf(key: string, partitions: number): number {
  const digest = createHash('sha1').update(key).digest();
  return digest.readUInt32BE(0) % partitions;
}

export function partitionQueueName(base: string, partition: number): string {
  return `${base}-p${partition}`;
}
