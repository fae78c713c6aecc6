import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TIMEOUTS, FabricConfigError, devnetConfig, devnetIdentity, loadFabricConfig } from '../../connectors/fabric';

const PKCS8 = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n';
const SEC1 = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY-----\n';

describe('Fabric connector configuration', () => {
  let dir: string;
  let base: Record<string, string>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lading-config-'));
    writeFileSync(join(dir, 'cert.pem'), '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
    writeFileSync(join(dir, 'key.pem'), PKCS8);
    writeFileSync(join(dir, 'sec1.pem'), SEC1);
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
    base = {
      FABRIC_PEER_ENDPOINT: 'peer0.shipper.example.com:7051',
      FABRIC_MSP_ID: 'ShipperMSP',
      FABRIC_CERT_PATH: join(dir, 'cert.pem'),
      FABRIC_KEY_PATH: join(dir, 'key.pem'),
    };
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('applies documented defaults to a minimal environment', () => {
    const config = loadFabricConfig(base);
    expect(config).toEqual({
      peerEndpoint: 'peer0.shipper.example.com:7051',
      peerHostAlias: undefined,
      tlsCaCertPath: undefined,
      mspId: 'ShipperMSP',
      certPath: join(dir, 'cert.pem'),
      keyPath: join(dir, 'key.pem'),
      channel: 'logistics',
      chaincode: 'lading',
      timeouts: { ...DEFAULT_TIMEOUTS },
    });
  });

  it('reads every optional variable', () => {
    const config = loadFabricConfig({
      ...base,
      FABRIC_PEER_HOST_ALIAS: 'peer0.shipper',
      FABRIC_TLS_CA_CERT: join(dir, 'ca.pem'),
      FABRIC_CHANNEL: 'other',
      FABRIC_CHAINCODE: 'cc',
      FABRIC_EVALUATE_TIMEOUT_MS: '1',
      FABRIC_ENDORSE_TIMEOUT_MS: '2',
      FABRIC_SUBMIT_TIMEOUT_MS: '3',
      FABRIC_COMMIT_STATUS_TIMEOUT_MS: '4',
    });
    expect(config).toMatchObject({
      peerHostAlias: 'peer0.shipper',
      tlsCaCertPath: join(dir, 'ca.pem'),
      channel: 'other',
      chaincode: 'cc',
      timeouts: { evaluateMs: 1, endorseMs: 2, submitMs: 3, commitStatusMs: 4 },
    });
  });

  it.each([
    ['FABRIC_PEER_ENDPOINT', undefined, /required/],
    ['FABRIC_PEER_ENDPOINT', 'peer0:99999', /host:port/],
    ['FABRIC_PEER_ENDPOINT', 'grpcs://peer0:7051', /host:port/],
    ['FABRIC_MSP_ID', undefined, /required/],
    ['FABRIC_MSP_ID', 'Shipper MSP', /MSP ID/],
    ['FABRIC_CERT_PATH', '/nonexistent/cert.pem', /cannot read/],
    ['FABRIC_KEY_PATH', undefined, /required/],
    ['FABRIC_TLS_CA_CERT', '/nonexistent/ca.pem', /cannot read/],
    ['FABRIC_COMMIT_STATUS_TIMEOUT_MS', '0', /positive whole number/],
    ['FABRIC_EVALUATE_TIMEOUT_MS', '1.5', /positive whole number/],
    ['FABRIC_SUBMIT_TIMEOUT_MS', 'soon', /positive whole number/],
  ])('rejects %s=%s with one error naming the variable', (variable, value, problem) => {
    const env: Record<string, string | undefined> = { ...base, [variable]: value };
    let error: unknown;
    try {
      loadFabricConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FabricConfigError);
    expect(error).toMatchObject({ variable });
    expect((error as Error).message).toMatch(new RegExp(`^${variable}: `));
    expect((error as Error).message).toMatch(problem);
  });

  it('rejects a key that is not PKCS#8', () => {
    expect(() => loadFabricConfig({ ...base, FABRIC_KEY_PATH: join(dir, 'sec1.pem') })).toThrow(/^FABRIC_KEY_PATH: .*PKCS#8/);
  });

  it('finds a devnet org identity under <dir>/orgs/<MSPID>/ and builds a plaintext config for it', () => {
    const orgDir = join(dir, 'orgs', 'BrokerMSP');
    mkdirSync(orgDir, { recursive: true });
    writeFileSync(join(orgDir, 'cert.pem'), 'cert');
    writeFileSync(join(orgDir, 'key.pem'), PKCS8);

    expect(devnetIdentity(dir, 'BrokerMSP')).toEqual({
      mspId: 'BrokerMSP',
      certPath: join(orgDir, 'cert.pem'),
      keyPath: join(orgDir, 'key.pem'),
    });
    const config = devnetConfig('127.0.0.1:40001', dir, 'BrokerMSP', { timeouts: { commitStatusMs: 1000 } });
    expect(config).toMatchObject({ peerEndpoint: '127.0.0.1:40001', channel: 'logistics', chaincode: 'lading' });
    expect(config.tlsCaCertPath).toBeUndefined();
    expect(config.timeouts).toEqual({ ...DEFAULT_TIMEOUTS, commitStatusMs: 1000 });
    expect(() => devnetIdentity(dir, 'CarrierMSP')).toThrow(FabricConfigError);
  });
});
