import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FabricConfigError, loadFabricConfig } from '../../connectors/fabric';
import { applyBtpBindings } from '../../srv/btp';
import { boundServices, fabricBindingFrom, parseVcapServices, redisUrlFromBinding, VcapError, type ServiceBinding } from '../../srv/btp/vcap';
import { ConfigError, readConfig } from '../../srv/config';

const privateKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
// loadFabricConfig reads the certificate file but does not parse it; the connection does.
const certificatePem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function redisBinding(credentials: Record<string, unknown>, name = 'lading-redis'): ServiceBinding {
  return { name, label: 'redis-cache', tags: ['cache'], credentials };
}

function fabricCredentials(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    peerEndpoint: 'peer0.shipper.example.com:7051',
    mspId: 'ShipperMSP',
    certificate: certificatePem,
    privateKey: privateKeyPem,
    tlsRootCert: certificatePem,
    hostAlias: 'peer0.shipper',
    channel: 'logistics-eu',
    chaincode: 'lading-v2',
    ...overrides,
  };
}

function vcap(services: Record<string, unknown[]>): string {
  return JSON.stringify(services);
}

const redisService = { name: 'lading-redis', label: 'redis-cache', tags: ['cache'], credentials: { hostname: 'redis.internal', port: 1234, password: 'p@ss/word', tls: true } };
const fabricService = { name: 'lading-fabric', label: 'user-provided', tags: [], credentials: fabricCredentials() };

describe('parseVcapServices', () => {
  it('reads every bound instance with its offering as label when none is given', () => {
    const bindings = parseVcapServices(vcap({ 'redis-cache': [redisService], 'user-provided': [{ name: 'lading-fabric', credentials: { a: 'b' } }] }));
    expect(bindings).toEqual([
      { name: 'lading-redis', label: 'redis-cache', tags: ['cache'], credentials: redisService.credentials },
      { name: 'lading-fabric', label: 'user-provided', tags: [], credentials: { a: 'b' } },
    ]);
  });

  it.each([undefined, '', '   '])('finds no bindings in %p', (raw) => {
    expect(parseVcapServices(raw)).toEqual([]);
  });

  it.each([
    ['{not json', 'VCAP_SERVICES: is not valid JSON'],
    ['[]', 'VCAP_SERVICES: must be a JSON object of service offerings'],
    ['{"redis-cache": {}}', 'VCAP_SERVICES: "redis-cache" must be an array of bound instances'],
    ['{"redis-cache": [{"label": "redis-cache"}]}', 'VCAP_SERVICES: an instance of "redis-cache" has no name'],
  ])('refuses %s', (raw, message) => {
    expect(() => parseVcapServices(raw)).toThrow(new VcapError(message.replace('VCAP_SERVICES: ', '')));
  });
});

describe('redisUrlFromBinding', () => {
  it.each([
    [{ hostname: 'redis.internal', port: 1234, password: 'secret', tls: true }, 'rediss://:secret@redis.internal:1234'],
    [{ hostname: 'redis.internal', port: '6380', password: 'p@ss/word', tls: 'true' }, 'rediss://:p%40ss%2Fword@redis.internal:6380'],
    [{ hostname: 'redis.internal', port: 6379, tls: false }, 'redis://redis.internal:6379'],
    [{ host: '10.0.0.5', password: 'x' }, 'redis://:x@10.0.0.5:6379'],
    [{ hostname: 'fd00::5', port: 6379 }, 'redis://[fd00::5]:6379'],
  ])('turns %j into %s', (credentials, url) => {
    expect(redisUrlFromBinding(redisBinding(credentials))).toBe(url);
    // what srv/config.ts accepts and ioredis connects to
    expect(() => new URL(url)).not.toThrow();
  });

  it('keeps the password through URL decoding', () => {
    const url = new URL(redisUrlFromBinding(redisBinding({ hostname: 'h', port: 1, password: 'a:b@c/d%e' })));
    expect(decodeURIComponent(url.password)).toBe('a:b@c/d%e');
  });

  it.each([
    [{ port: 6379 }, 'VCAP_SERVICES: lading-redis has no credentials.hostname'],
    [{ hostname: 'h', port: 70000 }, 'VCAP_SERVICES: lading-redis has no valid credentials.port, got "70000"'],
    [{ hostname: 'h', port: 'six' }, 'VCAP_SERVICES: lading-redis has no valid credentials.port, got "six"'],
    [{ hostname: 'h', port: 6379, cluster_mode: true }, 'VCAP_SERVICES: lading-redis is a Redis cluster: set REDIS_CLUSTER_NODES and REDIS_PASSWORD instead of binding it'],
    [{ hostname: ['h'] }, 'VCAP_SERVICES: lading-redis credentials.hostname must be a string'],
  ])('refuses %j', (credentials, message) => {
    expect(() => redisUrlFromBinding(redisBinding(credentials))).toThrow(message);
  });
});

describe('fabricBindingFrom', () => {
  const binding = (credentials: Record<string, unknown>): ServiceBinding => ({ name: 'lading-fabric', label: 'user-provided', tags: [], credentials });

  it('takes PEMs inline and everything else as given', () => {
    expect(fabricBindingFrom(binding(fabricCredentials()))).toEqual({
      peerEndpoint: 'peer0.shipper.example.com:7051',
      mspId: 'ShipperMSP',
      certificate: { pem: certificatePem.trim() },
      privateKey: { pem: privateKeyPem.trim() },
      tlsRootCert: { pem: certificatePem.trim() },
      hostAlias: 'peer0.shipper',
      channel: 'logistics-eu',
      chaincode: 'lading-v2',
    });
  });

  it('takes a value that is not a PEM as a file path, and leaves optional parts out', () => {
    const credentials = { peerEndpoint: 'peer:7051', mspId: 'ShipperMSP', certificate: '/etc/fabric/cert.pem', privateKey: '/etc/fabric/key.pem' };
    expect(fabricBindingFrom(binding(credentials))).toEqual({
      peerEndpoint: 'peer:7051', mspId: 'ShipperMSP', certificate: { path: '/etc/fabric/cert.pem' }, privateKey: { path: '/etc/fabric/key.pem' },
    });
  });

  it('turns literal \\n in a PEM (JSON typed on one line) into line breaks', () => {
    const oneLine = certificatePem.trim().replace(/\n/g, '\\n');
    expect(fabricBindingFrom(binding(fabricCredentials({ certificate: oneLine }))).certificate).toEqual({ pem: certificatePem.trim() });
  });

  it.each(['peerEndpoint', 'mspId', 'certificate', 'privateKey'])('refuses credentials without %s', (key) => {
    expect(() => fabricBindingFrom(binding(fabricCredentials({ [key]: undefined })))).toThrow(`VCAP_SERVICES: lading-fabric has no credentials.${key}`);
  });
});

describe('boundServices', () => {
  it('finds Redis by its offering and Fabric by its instance name', () => {
    const bound = boundServices(parseVcapServices(vcap({ 'redis-cache': [redisService], 'user-provided': [fabricService, { name: 'other', credentials: {} }] })));
    expect(bound.redisUrl).toBe('rediss://:p%40ss%2Fword@redis.internal:1234');
    expect(bound.fabric?.peerEndpoint).toBe('peer0.shipper.example.com:7051');
  });

  it('finds nothing where neither is bound (the destination service is read by the SAP Cloud SDK)', () => {
    expect(boundServices(parseVcapServices(vcap({ destination: [{ name: 'lading-destination', credentials: { uri: 'https://x' } }] })))).toEqual({});
  });

  it('refuses two Redis instances', () => {
    expect(() => boundServices(parseVcapServices(vcap({ 'redis-cache': [redisService, { ...redisService, name: 'second' }] }))))
      .toThrow('VCAP_SERVICES: 2 redis-cache instances are bound (lading-redis, second): bind one');
  });
});

describe('applyBtpBindings', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lading-vcap-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sets REDIS_URL and FABRIC_* that loadFabricConfig accepts, PEMs in owner-only files', () => {
    const env: Record<string, string | undefined> = { VCAP_SERVICES: vcap({ 'redis-cache': [redisService], 'user-provided': [fabricService] }) };
    const pemDir = join(dir, 'pems');
    expect(applyBtpBindings(env, pemDir).sort()).toEqual([
      'FABRIC_CERT_PATH', 'FABRIC_CHAINCODE', 'FABRIC_CHANNEL', 'FABRIC_KEY_PATH', 'FABRIC_MSP_ID', 'FABRIC_PEER_ENDPOINT', 'FABRIC_PEER_HOST_ALIAS', 'FABRIC_TLS_CA_CERT', 'REDIS_URL',
    ]);
    expect(env.REDIS_URL).toBe('rediss://:p%40ss%2Fword@redis.internal:1234');
    const config = loadFabricConfig(env);
    expect(config).toMatchObject({
      peerEndpoint: 'peer0.shipper.example.com:7051', mspId: 'ShipperMSP', peerHostAlias: 'peer0.shipper', channel: 'logistics-eu', chaincode: 'lading-v2',
      certPath: join(pemDir, 'cert.pem'), keyPath: join(pemDir, 'key.pem'), tlsCaCertPath: join(pemDir, 'tls-ca.pem'),
    });
    expect(readFileSync(config.keyPath, 'utf8')).toBe(privateKeyPem);
    expect(statSync(config.keyPath).mode & 0o777).toBe(0o600);
    expect(statSync(pemDir).mode & 0o777).toBe(0o700);
  });

  it('leaves variables that are set alone: REDIS_URL first, a Sentinel or Cluster setting, FABRIC_PEER_ENDPOINT', () => {
    const services = vcap({ 'redis-cache': [redisService], 'user-provided': [fabricService] });
    for (const chosen of [{ REDIS_URL: 'redis://own:6379' }, { REDIS_SENTINELS: 's1:26379' }, { REDIS_CLUSTER_NODES: 'n1:6379' }]) {
      const env: Record<string, string | undefined> = { VCAP_SERVICES: services, FABRIC_PEER_ENDPOINT: 'own-peer:7051', ...chosen };
      expect(applyBtpBindings(env, join(dir, 'pems'))).toEqual([]);
      expect(env).toEqual({ VCAP_SERVICES: services, FABRIC_PEER_ENDPOINT: 'own-peer:7051', ...chosen });
    }
  });

  it('passes an SM2 identity on (identityAlgorithm), and a wrong one stops with the variable named', () => {
    for (const [identityAlgorithm, outcome] of [['sm2', 'sm2'], ['rsa', 'error']] as const) {
      const service = { ...fabricService, credentials: fabricCredentials({ identityAlgorithm }) };
      const env: Record<string, string | undefined> = { VCAP_SERVICES: vcap({ 'user-provided': [service] }) };
      expect(applyBtpBindings(env, join(dir, `pems-${identityAlgorithm}`))).toContain('FABRIC_IDENTITY_ALGORITHM');
      expect(env.FABRIC_IDENTITY_ALGORITHM).toBe(identityAlgorithm);
      if (outcome === 'sm2') expect(loadFabricConfig(env).identityAlgorithm).toBe('sm2');
      else expect(() => loadFabricConfig(env)).toThrow(/FABRIC_IDENTITY_ALGORITHM/);
    }
  });

  it('does nothing without VCAP_SERVICES', () => {
    const env = { REDIS_URL: undefined };
    expect(applyBtpBindings(env, join(dir, 'pems'))).toEqual([]);
    expect(env).toEqual({ REDIS_URL: undefined });
  });

  it('hands file paths through: a missing file is named by loadFabricConfig', () => {
    const credentials = { peerEndpoint: 'peer:7051', mspId: 'ShipperMSP', certificate: join(dir, 'missing-cert.pem'), privateKey: join(dir, 'key.pem') };
    writeFileSync(join(dir, 'key.pem'), privateKeyPem);
    const env: Record<string, string | undefined> = { VCAP_SERVICES: vcap({ 'user-provided': [{ name: 'lading-fabric', credentials }] }) };
    applyBtpBindings(env, join(dir, 'pems'));
    expect(env.FABRIC_CERT_PATH).toBe(join(dir, 'missing-cert.pem'));
    expect(() => loadFabricConfig(env)).toThrow(FabricConfigError);
    expect(() => loadFabricConfig(env)).toThrow(`FABRIC_CERT_PATH: cannot read file "${join(dir, 'missing-cert.pem')}" (ENOENT)`);
  });
});

describe('readConfig on SAP BTP', () => {
  it('takes Redis and the Fabric connection from the bindings', () => {
    const env: Record<string, string | undefined> = { VCAP_SERVICES: vcap({ 'redis-cache': [redisService], 'user-provided': [fabricService] }) };
    const config = readConfig(env);
    expect(config.pipeline.redisUrl).toBe('rediss://:p%40ss%2Fword@redis.internal:1234');
    expect(config.ledger.fabricConfigured).toBe(true);
    rmSync(join(tmpdir(), `lading-fabric-${process.pid}`), { recursive: true, force: true });
  });

  it('keeps REDIS_URL when it is set', () => {
    const env = { REDIS_URL: 'redis://127.0.0.1:6379', VCAP_SERVICES: vcap({ 'redis-cache': [redisService] }) };
    expect(readConfig(env).pipeline.redisUrl).toBe('redis://127.0.0.1:6379');
  });

  it('stops with one line naming VCAP_SERVICES when a binding is malformed', () => {
    const env = { VCAP_SERVICES: vcap({ 'redis-cache': [{ name: 'lading-redis', credentials: { port: 6379 } }] }) };
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow('Configuration error: VCAP_SERVICES lading-redis has no credentials.hostname');
  });
});
