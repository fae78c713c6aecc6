import { freePort, redisAnswers, resolveRedis, RedisUnavailableError } from '../../connectors/queue';

describe('resolveRedis', () => {
  it('uses REDIS_URL as given', async () => {
    const endpoint = await resolveRedis('redis://10.0.0.9:6380/2', 1);
    expect(endpoint).toMatchObject({ host: '10.0.0.9', port: 6380, embedded: false });
    expect(endpoint.stop).toBeUndefined();
  });

  it('uses the local Redis when it answers', async () => {
    const endpoint = await resolveRedis(undefined, 6379);
    expect(endpoint).toMatchObject({ host: '127.0.0.1', port: 6379, embedded: false });
  });

  it('starts a private redis-server when nothing answers, and stops it', async () => {
    const silentPort = await freePort();
    const endpoint = await resolveRedis(undefined, silentPort);
    try {
      expect(endpoint.embedded).toBe(true);
      expect(endpoint.port).not.toBe(silentPort);
      expect(await redisAnswers('127.0.0.1', endpoint.port)).toBe(true);
    } finally {
      await endpoint.stop?.();
    }
    expect(await redisAnswers('127.0.0.1', endpoint.port)).toBe(false);
  });

  it('names what to install when there is neither a Redis nor redis-server', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const silentPort = await freePort();
      await expect(resolveRedis(undefined, silentPort)).rejects.toThrow(RedisUnavailableError);
      await expect(resolveRedis(undefined, silentPort)).rejects.toThrow(/apt-get install redis-server.*REDIS_URL/);
    } finally {
      process.env.PATH = path;
    }
  });
});
