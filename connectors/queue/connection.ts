import type { ConnectionOptions } from 'bullmq';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisEndpoint } from './redis';

/**
 * How Lading reaches Redis: one server (REDIS_URL or the local default), a Sentinel group that
 * names the current primary, or a Redis Cluster. BullMQ runs on all three; in a cluster every key
 * of one queue must hash to the same slot, so the queue prefix carries a hash tag (`{lading}`).
 */

export interface HostPort {
  host: string;
  port: number;
}

export type RedisTopology =
  | { kind: 'standalone' }
  | { kind: 'sentinel'; sentinels: HostPort[]; /** The primary's name in Sentinel's configuration. */ name: string; password?: string }
  | { kind: 'cluster'; nodes: HostPort[]; password?: string };

export class RedisTopologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisTopologyError';
  }
}

/** `host:port,host:port` (port defaults to `defaultPort`; IPv6 in brackets: `[::1]:26379`). */
export function parseHostPorts(raw: string, defaultPort: number): HostPort[] {
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) throw new RedisTopologyError('names no host');
  return entries.map((entry) => {
    const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+))(?::(\d+))?$/.exec(entry);
    if (!match) throw new RedisTopologyError(`has "${entry}", which is not host or host:port`);
    const port = match[3] === undefined ? defaultPort : Number(match[3]);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new RedisTopologyError(`has "${entry}", whose port is not 1..65535`);
    return { host: (match[1] ?? match[2]) as string, port };
  });
}

/** The queue prefix as the topology needs it: wrapped in a hash tag in a cluster, unless it has one. */
export function queuePrefixFor(prefix: string, topology: RedisTopology): string {
  if (topology.kind !== 'cluster' || /\{[^}]+\}/.test(prefix)) return prefix;
  return `{${prefix}}`;
}

export interface RedisConnections {
  /** For BullMQ's queues and workers (blocking commands: no retry limit per request). */
  queues: ConnectionOptions;
  /** For Leadership: options of a fresh client, or the shared Cluster client. */
  leadership: RedisOptions | Cluster;
  /** A host and port to probe for health: the server, the first Sentinel or the first cluster node. */
  probe: HostPort;
  /** Closes the shared Cluster client, if any. */
  close(): Promise<void>;
}

export function redisConnections(endpoint: RedisEndpoint, topology: RedisTopology): RedisConnections {
  switch (topology.kind) {
    case 'standalone': {
      const options: RedisOptions = { host: endpoint.host, port: endpoint.port };
      return { queues: { ...options, maxRetriesPerRequest: null }, leadership: options, probe: { host: endpoint.host, port: endpoint.port }, close: async () => undefined };
    }
    case 'sentinel': {
      // failoverDetector: leave the old primary on Sentinel's +switch-master. Without it a client
      // keeps writing to the demoted primary until Sentinel reconfigures it (~10 s later), and
      // those writes (jobs, leases) are lost when it resyncs from the new primary.
      const options: RedisOptions = {
        sentinels: topology.sentinels, name: topology.name, failoverDetector: true, ...(topology.password ? { password: topology.password } : {}),
      };
      // A client instance rather than options, so BullMQ's duplicates are SentinelRedis too.
      const queues = new SentinelRedis({ ...options, maxRetriesPerRequest: null, lazyConnect: true });
      return {
        queues, leadership: options, probe: topology.sentinels[0] as HostPort,
        // quit() would first connect a client that was never used.
        close: async () => void (queues.status === 'wait' ? queues.disconnect() : await queues.quit().catch(() => queues.disconnect())),
      };
    }
    case 'cluster': {
      // One client for all: BullMQ duplicates it for its blocking connections.
      const cluster = new Cluster(topology.nodes, { redisOptions: { maxRetriesPerRequest: null, ...(topology.password ? { password: topology.password } : {}) } });
      return {
        queues: cluster, leadership: cluster, probe: topology.nodes[0] as HostPort,
        close: async () => void (await cluster.quit().catch(() => cluster.disconnect())),
      };
    }
  }
}

/**
 * ioredis leaves the failover detector's Sentinel subscriptions open after quit() (ioredis#1362),
 * which is how BullMQ closes its clients: they would keep the process alive. Closing for good
 * ('end') therefore also disconnects, which closes them.
 */
export class SentinelRedis extends Redis {
  constructor(options: RedisOptions) {
    super(options);
    this.on('end', () => this.disconnect());
  }

  override duplicate(override?: Partial<RedisOptions>): SentinelRedis {
    return new SentinelRedis({ ...this.options, ...override });
  }
}
