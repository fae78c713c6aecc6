import { Cluster } from 'ioredis';
import { parseHostPorts, queuePrefixFor, redisConnections, RedisTopologyError, SentinelRedis } from '../../connectors/queue/connection';
import { ConfigError, readConfig } from '../../srv/config';

/**
 * Redis Sentinel and Cluster settings as Lading reads them, and the connection options it hands
 * to BullMQ and to leader election: parsing and options only. Connecting to a real Sentinel group
 * and a real Cluster (started by the test from redis-server: queues, partitions, leader election,
 * failover, CROSSSLOT without the hash tag) is test/scale/redis-real-topology.test.ts.
 */

describe('parseHostPorts', () => {
  it.each([
    ['redis-a:26379,redis-b:26380', [{ host: 'redis-a', port: 26379 }, { host: 'redis-b', port: 26380 }]],
    [' 10.0.0.5 , 10.0.0.6:7000 ', [{ host: '10.0.0.5', port: 6379 }, { host: '10.0.0.6', port: 7000 }]],
    ['[::1]:7001,[fd00::2]', [{ host: '::1', port: 7001 }, { host: 'fd00::2', port: 6379 }]],
  ])('reads %s', (raw, expected) => {
    expect(parseHostPorts(raw, 6379)).toEqual(expected);
  });

  it.each([
    ['', /names no host/],
    [' , ', /names no host/],
    ['redis-a:0', /port is not 1\.\.65535/],
    ['redis-a:70000', /port is not 1\.\.65535/],
    ['redis-a:port', /not host or host:port/],
    ['redis://a:6379', /not host or host:port/],
  ])('refuses "%s"', (raw, message) => {
    expect(() => parseHostPorts(raw, 6379)).toThrow(RedisTopologyError);
    expect(() => parseHostPorts(raw, 6379)).toThrow(message);
  });
});

describe('readConfig: Redis topology', () => {
  it('is one server by default, with the plain prefix', () => {
    const { pipeline } = readConfig({ REDIS_URL: 'redis://cache:6380' });
    expect(pipeline.redisTopology).toEqual({ kind: 'standalone' });
    expect(pipeline.queuePrefix).toBe('lading');
  });

  it('reads a Sentinel group with its primary name (default mymaster) and password', () => {
    expect(readConfig({ REDIS_SENTINELS: 's1,s2:26380' }).pipeline.redisTopology).toEqual({
      kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26380 }], name: 'mymaster',
    });
    const { pipeline } = readConfig({ REDIS_SENTINELS: 's1', REDIS_SENTINEL_NAME: 'lading-primary', REDIS_PASSWORD: 'secret', QUEUE_PREFIX: 'prod' });
    expect(pipeline.redisTopology).toEqual({ kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }], name: 'lading-primary', password: 'secret' });
    // Sentinel serves one primary: no hash tag needed.
    expect(pipeline.queuePrefix).toBe('prod');
  });

  it('reads Cluster nodes and wraps the queue prefix in a hash tag', () => {
    const { pipeline } = readConfig({ REDIS_CLUSTER_NODES: 'n1:7000,n2:7001,n3', QUEUE_PREFIX: 'prod' });
    expect(pipeline.redisTopology).toEqual({ kind: 'cluster', nodes: [{ host: 'n1', port: 7000 }, { host: 'n2', port: 7001 }, { host: 'n3', port: 6379 }] });
    expect(pipeline.queuePrefix).toBe('{prod}');
    expect(readConfig({ REDIS_CLUSTER_NODES: 'n1' }).pipeline.queuePrefix).toBe('{lading}');
    // A prefix that already has a hash tag is kept as it is.
    expect(readConfig({ REDIS_CLUSTER_NODES: 'n1', QUEUE_PREFIX: 'eu:{lading}' }).pipeline.queuePrefix).toBe('eu:{lading}');
  });

  it.each([
    [{ REDIS_SENTINELS: 's1', REDIS_CLUSTER_NODES: 'n1' }, /^Configuration error: REDIS_SENTINELS and REDIS_CLUSTER_NODES are both set/],
    [{ REDIS_SENTINELS: 's1', REDIS_URL: 'redis://x:6379' }, /^Configuration error: REDIS_SENTINELS and REDIS_URL are both set/],
    [{ REDIS_CLUSTER_NODES: 'n1', REDIS_URL: 'redis://x:6379' }, /^Configuration error: REDIS_CLUSTER_NODES and REDIS_URL are both set/],
    [{ REDIS_SENTINELS: 's1:99999' }, /^Configuration error: REDIS_SENTINELS has "s1:99999"/],
    [{ REDIS_CLUSTER_NODES: 'redis://n1' }, /^Configuration error: REDIS_CLUSTER_NODES has "redis:\/\/n1"/],
    [{ LADING_LEADER_LEASE_MS: '100' }, /^Configuration error: LADING_LEADER_LEASE_MS must be at least 500/],
    [{ LADING_LEADER_LEASE_MS: 'soon' }, /^Configuration error: LADING_LEADER_LEASE_MS must be a positive whole number/],
    [{ SAP_SEND_CONCURRENCY: '0' }, /^Configuration error: SAP_SEND_CONCURRENCY must be a positive whole number/],
  ])('stops on %p with one line naming the variable', (env, message) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(message);
  });

  it('reads the lease of singleton roles and the SAP send concurrency', () => {
    const { pipeline } = readConfig({ LADING_LEADER_LEASE_MS: '3000', SAP_SEND_CONCURRENCY: '16' });
    expect(pipeline.leaderLeaseMs).toBe(3_000);
    expect(pipeline.sapSendConcurrency).toBe(16);
  });
});

describe('redisConnections', () => {
  const endpoint = { host: '127.0.0.1', port: 6379, url: 'redis://127.0.0.1:6379', embedded: false };

  it('gives BullMQ unlimited retries per request and leader election a plain client, for one server', async () => {
    const connections = redisConnections(endpoint, { kind: 'standalone' });
    expect(connections.queues).toEqual({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null });
    expect(connections.leadership).toEqual({ host: '127.0.0.1', port: 6379 });
    expect(connections.probe).toEqual({ host: '127.0.0.1', port: 6379 });
    await connections.close();
  });

  it('passes Sentinel hosts, primary name and password to ioredis', async () => {
    const sentinels = [{ host: 's1', port: 26379 }, { host: 's2', port: 26380 }];
    const connections = redisConnections(endpoint, { kind: 'sentinel', sentinels, name: 'mymaster', password: 'secret' });
    // One shared client (not connected until used), whose duplicates BullMQ makes for its workers.
    expect(connections.queues).toBeInstanceOf(SentinelRedis);
    expect((connections.queues as SentinelRedis).status).toBe('wait');
    expect((connections.queues as SentinelRedis).options).toMatchObject({ sentinels, name: 'mymaster', failoverDetector: true, password: 'secret', maxRetriesPerRequest: null });
    const duplicate = (connections.queues as SentinelRedis).duplicate();
    expect(duplicate).toBeInstanceOf(SentinelRedis);
    duplicate.disconnect();
    expect(connections.leadership).toEqual({ sentinels, name: 'mymaster', failoverDetector: true, password: 'secret' });
    expect(connections.probe).toEqual({ host: 's1', port: 26379 });
    await connections.close();
  });

  it('shares one ioredis Cluster client for queues and leader election', async () => {
    // Nothing listens on these ports: the client is built, never used, and closed.
    const nodes = [{ host: '127.0.0.1', port: 1 }, { host: '127.0.0.1', port: 2 }];
    const connections = redisConnections(endpoint, { kind: 'cluster', nodes, password: 'secret' });
    try {
      expect(connections.queues).toBeInstanceOf(Cluster);
      expect(connections.leadership).toBe(connections.queues);
      const cluster = connections.queues as Cluster;
      expect(cluster.options.redisOptions).toMatchObject({ maxRetriesPerRequest: null, password: 'secret' });
      expect((cluster as unknown as { startupNodes: unknown }).startupNodes).toEqual(nodes);
      expect(connections.probe).toEqual(nodes[0]);
    } finally {
      await connections.close();
    }
  });

  it('leaves the prefix alone outside a cluster', () => {
    expect(queuePrefixFor('lading', { kind: 'standalone' })).toBe('lading');
    expect(queuePrefixFor('lading', { kind: 'cluster', nodes: [{ host: 'n', port: 1 }] })).toBe('{lading}');
  });
});
