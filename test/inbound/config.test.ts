import { ConfigError, readConfig } from '../../srv/config';

describe('readConfig', () => {
  it('has defaults for every setting', () => {
    expect(readConfig({})).toEqual({
      inbound: { maxPayloadBytes: 20 * 1024 * 1024, senderTimeZone: 'UTC', payloadHashAlgorithm: 'sha256' },
      pipeline: {
        enabled: true, redisUrl: undefined, redisTopology: { kind: 'standalone' }, queuePrefix: 'lading', leaderLeaseMs: 5_000, sapSendConcurrency: 4,
        partitions: 2, maxBatch: 100, lingerMs: 20, lockDurationMs: 30_000, redriveAfterMs: 15_000,
        confirmConcurrency: 4, relayIntervalMs: 200, relayBatch: 2_000,
      },
      sap: { enabled: true, destinationConfigured: false, simulatorPort: 4005 },
      ledger: { fabricConfigured: false, devnetMspId: 'ShipperMSP' },
      database: { poolMax: 10, poolAcquireTimeoutMs: 1_000 },
    });
  });

  it.each([
    ['IDOC_MAX_BYTES', 'abc'],
    ['IDOC_MAX_BYTES', '-5'],
    ['IDOC_SENDER_TIME_ZONE', 'Europe/Berlin'],
    ['LADING_PIPELINE', 'maybe'],
    ['REDIS_URL', 'http://localhost:6379'],
    ['LEDGER_PARTITIONS', '0'],
    ['LEDGER_BATCH_MAX', '1.5'],
    ['SAPSIM_PORT', 'x'],
    ['LADING_HASH_ALGORITHM', 'md5'],
  ])('stops on %s=%s with one line naming it', (name, value) => {
    expect(() => readConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readConfig({ [name]: value })).toThrow(new RegExp(`^Configuration error: ${name} `));
  });

  it('refuses to embed devnet in production: the pipeline needs a Fabric network there', () => {
    expect(() => readConfig({ NODE_ENV: 'production' })).toThrow(/^Configuration error: FABRIC_PEER_ENDPOINT is required in production/);
    expect(readConfig({ NODE_ENV: 'production', FABRIC_PEER_ENDPOINT: 'peer0.shipper:7051' }).ledger.fabricConfigured).toBe(true);
    expect(readConfig({ NODE_ENV: 'production', LADING_PIPELINE: 'off' }).pipeline.enabled).toBe(false);
  });

  it('hashes payloads with SM3 when asked', () => {
    expect(readConfig({ LADING_HASH_ALGORITHM: 'SM3' }).inbound.payloadHashAlgorithm).toBe('sm3');
  });

  it('reads a configured ledger and SAP', () => {
    const config = readConfig({ FABRIC_PEER_ENDPOINT: 'peer0:7051', destinations: '[{"name":"SAP_ERP","url":"https://s4"}]', LADING_PIPELINE: 'off', SAPSIM_PORT: '0' });
    expect(config.ledger.fabricConfigured).toBe(true);
    expect(config.sap).toEqual({ enabled: true, destinationConfigured: true, simulatorPort: 0 });
    expect(config.pipeline.enabled).toBe(false);
  });
});
