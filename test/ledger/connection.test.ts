/**
 * connectLedger as a real network needs it: TLS with the peer's CA and a host alias (devnet
 * serving TLS), and a clear start-up error when the key does not belong to the certificate.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import {
  ContractRejectedError,
  FabricConfigError,
  LedgerUnavailableError,
  ShipmentLedger,
  connectLedger,
  devnetConfig,
  devnetIdentity,
  type FabricConfig,
} from '../../connectors/fabric';
import { Devnet, newShipmentId } from './support';

jest.setTimeout(120_000);

const PEER_NAME = 'peer0.shipper.lading.test';
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

let tlsDir: string;
let devnet: Devnet;

/** A self-signed TLS server certificate for PEER_NAME only (no IP address in it). */
async function writeServerCertificate(dir: string): Promise<{ certPath: string; keyPath: string }> {
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: `CN=${PEER_NAME}`,
      keys,
      signingAlgorithm: ALGORITHM,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 24 * 3600_000),
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: PEER_NAME }]),
      ],
    },
    crypto,
  );
  const keyDer = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${keyDer.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
  const paths = { certPath: join(dir, 'tls-cert.pem'), keyPath: join(dir, 'tls-key.pem') };
  await writeFile(paths.certPath, certificate.toString('pem'));
  await writeFile(paths.keyPath, keyPem);
  return paths;
}

beforeAll(async () => {
  tlsDir = await mkdtemp(join(tmpdir(), 'lading-tls-'));
  devnet = await Devnet.start({ tls: await writeServerCertificate(tlsDir) });
});

afterAll(async () => {
  await devnet?.dispose();
  await rm(tlsDir, { recursive: true, force: true });
});

/** Runs one query through a fresh connection and returns what it threw. */
async function queryWith(config: FabricConfig): Promise<unknown> {
  const connection = await connectLedger(config);
  try {
    await new ShipmentLedger(connection).getShipment(newShipmentId());
    return undefined;
  } catch (err) {
    return err;
  } finally {
    connection.close();
    connection.close(); // idempotent
  }
}

describe('connectLedger', () => {
  it('talks TLS to a peer whose certificate names it by its host alias', async () => {
    const error = await queryWith(
      devnetConfig(devnet.address, devnet.dir, 'ShipperMSP', { tlsCaCertPath: join(tlsDir, 'tls-cert.pem'), peerHostAlias: PEER_NAME }),
    );
    // The chaincode answered "not found": the whole round trip went through.
    expect(error).toBeInstanceOf(ContractRejectedError);
    expect(error).toMatchObject({ reason: 'not-found' });
  });

  it.each([
    ['without the host alias (the certificate does not name 127.0.0.1)', { tlsCaCertPath: 'tls-cert.pem' }],
    ['in plaintext', {}],
  ])('cannot reach a TLS peer %s, and says so as retryable unavailability', async (_, overrides) => {
    const tls = 'tlsCaCertPath' in overrides ? { tlsCaCertPath: join(tlsDir, overrides.tlsCaCertPath) } : {};
    const error = await queryWith(devnetConfig(devnet.address, devnet.dir, 'ShipperMSP', { ...tls, timeouts: { evaluateMs: 3000 } }));
    expect(error).toBeInstanceOf(LedgerUnavailableError);
    expect(error).toMatchObject({ retry: 'new-transaction' });
  });

  it('refuses a key that does not belong to the certificate, naming FABRIC_KEY_PATH', async () => {
    const carrier = devnetIdentity(devnet.dir, 'CarrierMSP');
    const broker = devnetIdentity(devnet.dir, 'BrokerMSP');
    const config = devnetConfig(devnet.address, devnet.dir, 'CarrierMSP', { keyPath: broker.keyPath, certPath: carrier.certPath });

    const error = await connectLedger(config).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(FabricConfigError);
    expect(error).toMatchObject({ variable: 'FABRIC_KEY_PATH' });
  });
});
