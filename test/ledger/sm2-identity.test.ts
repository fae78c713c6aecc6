/**
 * Lading signing as an SM2 identity (issue #11): through connectors/fabric and the real
 * fabric-gateway onto devnet, whose SM2 checks are its own (devnet/identity/sm2.ts); a wrong
 * algorithm setting stops at connect with one line; and `npm start` with FABRIC_IDENTITY_ALGORITHM=sm2
 * and LADING_HASH_ALGORITHM=sm3 records an IDoc posted over HTTP in transactions signed SM2.
 */
import { createPrivateKey, randomUUID, verify, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connect, EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { common, msp } from '@hyperledger/fabric-protos';
import { connectLedger, devnetConfig, FabricConfigError, loadFabricConfig, loadSigningKey, ProofOfDeliveryInputError, ShipmentLedger } from '../../connectors/fabric';
import { newSm2Hash, newSm2Signer, SM2_DEFAULT_USER_ID } from '../../connectors/fabric/sm2';
import { isSm2Key, sm2PublicPoint, sm2Verify } from '../../devnet/identity/sm2';
import { readIdocXml } from '../../mappings';
import { hashPayload } from '../../srv/observability/payload-hash';
import { ConfigError, readConfig } from '../../srv/config';
import { deliveryIdoc } from '../reconciliation/support';
import { basic, LadingProcess } from '../support/lading-process';
import { waitFor } from '../support/wait';
import { connectAs, Devnet, newEvent, newShipmentId } from './support';

jest.setTimeout(120_000);

const FLIP_LAST_BYTE = (signature: Uint8Array): Uint8Array => {
  const copy = Buffer.from(signature);
  copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 0x01;
  return copy;
};

describe('an SM2 identity through connectors/fabric (ShipperMSP on SM2, CarrierMSP on ECDSA)', () => {
  let devnet: Devnet;
  beforeAll(async () => {
    // devnet reads it when it starts (the host process inherits this environment).
    process.env.DEVNET_IDENTITY_ALGORITHM = 'ecdsa,ShipperMSP=sm2';
    try {
      devnet = await Devnet.start();
    } finally {
      delete process.env.DEVNET_IDENTITY_ALGORITHM;
    }
  }, 120_000);
  afterAll(async () => {
    await devnet?.dispose();
  });

  const paths = (mspId: string): { certPath: string; keyPath: string } => ({
    certPath: join(devnet.dir, 'orgs', mspId, 'cert.pem'),
    keyPath: join(devnet.dir, 'orgs', mspId, 'key.pem'),
  });

  test('devnetConfig reads the algorithm from the certificate, and an event recorded as ShipperMSP commits and reads back', async () => {
    expect(devnetConfig(devnet.address, devnet.dir, 'ShipperMSP').identityAlgorithm).toBe('sm2');
    expect(devnetConfig(devnet.address, devnet.dir, 'CarrierMSP').identityAlgorithm).toBeUndefined();
    const shipper = await connectAs(devnet, 'ShipperMSP');
    try {
      const event = newEvent(newShipmentId());
      const committed = await shipper.ledger.recordEvents([event]);
      expect(committed.transactionId).toMatch(/^[0-9a-f]{64}$/);
      const stored = await shipper.ledger.getEvent(event.eventId);
      expect(stored.event).toMatchObject({ eventId: event.eventId, payloadHash: event.payloadHash });
      expect(stored.recordedBy).toBe('ShipperMSP');
    } finally {
      shipper.close();
    }
  });

  test("Lading's SM2 digest and signature verify under devnet's own SM2 with the default identifier, and not under OpenSSL's empty one", async () => {
    const key = createPrivateKey(await readFile(paths('ShipperMSP').keyPath));
    const certificate = new X509Certificate(await readFile(paths('ShipperMSP').certPath));
    const message = Buffer.from(`a proposal ${randomUUID()}`);
    const signature = await newSm2Signer(key)(newSm2Hash(key)(message));
    expect(SM2_DEFAULT_USER_ID).toBe('1234567812345678');
    expect(sm2Verify(sm2PublicPoint(certificate.publicKey), message, signature)).toBe('ok');
    expect(sm2Verify(sm2PublicPoint(certificate.publicKey), message, signature, '')).toBe('mismatch');
    expect(verify(null, message, certificate.publicKey, signature)).toBe(false);
    await expect(newSm2Signer(key)(new Uint8Array(31))).rejects.toThrow('SM2 signer expects a 32-byte SM3 digest, got 31 bytes');
  });

  test('an SM2 key as a proof-of-delivery signing key is refused with one line (PODs are ECDSA only)', async () => {
    const error = await loadSigningKey(paths('ShipperMSP').keyPath).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ProofOfDeliveryInputError);
    expect((error as Error).message).toBe('signing key: an SM2 key; proofs of delivery are signed ECDSA only (SM2 is for transaction signing, FABRIC_IDENTITY_ALGORITHM)');
  });

  test("a tampered SM2 signature from Lading's signer is refused on evaluate and endorse", async () => {
    const key = createPrivateKey(await readFile(paths('ShipperMSP').keyPath));
    const sign = newSm2Signer(key);
    const client = new grpc.Client(devnet.address, grpc.credentials.createInsecure());
    const gateway = connect({
      client,
      identity: { mspId: 'ShipperMSP', credentials: await readFile(paths('ShipperMSP').certPath) },
      hash: newSm2Hash(key),
      signer: async (digest) => FLIP_LAST_BYTE(await sign(digest)),
    });
    try {
      const contract = gateway.getNetwork('logistics').getContract('lading');
      const evaluateError = (await contract.evaluateTransaction('getShipment', newShipmentId()).catch((err: unknown) => err)) as GatewayError;
      expect(evaluateError).toBeInstanceOf(GatewayError);
      expect(evaluateError.code).toBe(grpc.status.FAILED_PRECONDITION);
      expect(evaluateError.message).toContain('signature of ShipperMSP identity is invalid: the signature is invalid');
      const endorseError = (await contract.submitTransaction('getShipment', newShipmentId()).catch((err: unknown) => err)) as EndorseError;
      expect(endorseError).toBeInstanceOf(EndorseError);
      expect(endorseError.details[0]?.message).toContain('signature of ShipperMSP identity is invalid: the signature is invalid');
    } finally {
      gateway.close();
      client.close();
    }
  });

  test('an SM2 certificate with the ECDSA setting (the default) fails at connect with one line, and so does the reverse', async () => {
    const env = {
      FABRIC_PEER_ENDPOINT: devnet.address, FABRIC_MSP_ID: 'ShipperMSP',
      FABRIC_CERT_PATH: paths('ShipperMSP').certPath, FABRIC_KEY_PATH: paths('ShipperMSP').keyPath,
    };
    const defaulted = await connectLedger(loadFabricConfig(env)).catch((err: unknown) => err);
    expect(defaulted).toBeInstanceOf(FabricConfigError);
    expect((defaulted as FabricConfigError).message).toBe(
      'FABRIC_IDENTITY_ALGORITHM: is ecdsa (the default) but the certificate in FABRIC_CERT_PATH has an SM2 key: set FABRIC_IDENTITY_ALGORITHM=sm2',
    );
    const explicit = await connectLedger(loadFabricConfig({ ...env, FABRIC_IDENTITY_ALGORITHM: 'ecdsa' })).catch((err: unknown) => err);
    expect((explicit as FabricConfigError).variable).toBe('FABRIC_IDENTITY_ALGORITHM');

    const reverse = await connectLedger(devnetConfig(devnet.address, devnet.dir, 'CarrierMSP', { identityAlgorithm: 'sm2' })).catch((err: unknown) => err);
    expect((reverse as Error).message).toBe('FABRIC_IDENTITY_ALGORITHM: is sm2 but the certificate in FABRIC_CERT_PATH has an ECDSA key: set FABRIC_IDENTITY_ALGORITHM=ecdsa');

    expect(() => loadFabricConfig({ ...env, FABRIC_IDENTITY_ALGORITHM: 'rsa' })).toThrow(new FabricConfigError('FABRIC_IDENTITY_ALGORITHM', 'must be ecdsa or sm2, got "rsa"'));
    // Set correctly, the same files connect and record.
    const connection = await connectLedger(loadFabricConfig({ ...env, FABRIC_IDENTITY_ALGORITHM: 'SM2' }));
    try {
      const event = newEvent(newShipmentId());
      await new ShipmentLedger(connection).recordEvents([event]);
      expect((await new ShipmentLedger(connection).getEvent(event.eventId)).event.eventId).toBe(event.eventId);
    } finally {
      connection.close();
    }
  });
});

describe("Lading's configuration for the embedded devnet", () => {
  test.each([
    [{ FABRIC_IDENTITY_ALGORITHM: 'sm2' }, 'sm2'],
    [{ FABRIC_IDENTITY_ALGORITHM: 'sm2', DEVNET_IDENTITY_ALGORITHM: 'ecdsa,ShipperMSP=sm2' }, undefined],
    [{ FABRIC_IDENTITY_ALGORITHM: 'ecdsa' }, undefined],
    [{ FABRIC_IDENTITY_ALGORITHM: 'sm2', FABRIC_PEER_ENDPOINT: 'peer0:7051' }, undefined],
  ])('%j gives the embedded devnet %s', (env, expected) => {
    expect(readConfig(env).ledger.devnetIdentityAlgorithm).toBe(expected);
  });

  test('a wrong FABRIC_IDENTITY_ALGORITHM stops start-up with one line', () => {
    expect(() => readConfig({ FABRIC_IDENTITY_ALGORITHM: 'sm9' })).toThrow(ConfigError);
    expect(() => readConfig({ FABRIC_IDENTITY_ALGORITHM: 'sm9' })).toThrow('FABRIC_IDENTITY_ALGORITHM must be ecdsa or sm2, got "sm9"');
  });
});

describe('npm start with FABRIC_IDENTITY_ALGORITHM=sm2 and LADING_HASH_ALGORITHM=sm3 (devnet embedded)', () => {
  let workDir: string;
  let lading: LadingProcess;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'lading-sm2-'));
    lading = await LadingProcess.start('sm2', {
      FABRIC_IDENTITY_ALGORITHM: 'sm2', LADING_HASH_ALGORITHM: 'sm3',
      LADING_PIPELINE: 'on', LADING_SAP: 'off', REDIS_URL: 'redis://127.0.0.1:6379', QUEUE_PREFIX: `test-sm2-${randomUUID().slice(0, 8)}`,
      DEVNET_PORT: '0', DEVNET_ADMIN_PORT: '0', DEVNET_DIR: join(workDir, '.devnet'), LEDGER_REDRIVE_AFTER_MS: '2000',
      CDS_CONFIG: JSON.stringify({
        requires: { db: { kind: 'sqlite', credentials: { url: join(workDir, 'lading.sqlite') } } },
        log: { levels: { cds: 'warn', odata: 'warn', lading: 'info', pipeline: 'error', serve: 'warn', deploy: 'warn' } },
      }),
    });
  }, 120_000);
  afterAll(async () => {
    await lading?.kill('SIGTERM');
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  const odata = async <T>(path: string): Promise<T[]> => {
    const response = await fetch(`${lading.url}/odata/v4/shipment/${path}`, { headers: { authorization: basic('operator') } });
    return ((await response.json()) as { value: T[] }).value;
  };

  test('an IDoc posted over HTTP lands on the ledger in a transaction signed SM2 by an SM2 certificate, with its SM3 payload hash', async () => {
    const docnum = '0000000092000001';
    const document = deliveryIdoc('0092000001', docnum);
    const posted = await fetch(`${lading.url}/idoc/xml`, { method: 'POST', body: document, headers: { 'content-type': 'application/xml', authorization: basic('erp') } });
    expect(posted.status).toBe(200);
    const idoc = await waitFor('the IDoc posted (53)', async () => {
      const [row] = await odata<{ ID: string; status: string; statusText: string }>(`InboundIdocs?$filter=docnum eq '${docnum}'&$select=ID,status,statusText`);
      return row?.status === '53' ? row : undefined;
    }, 60_000, 250);
    const [, block, txId] = /block (\d+), transaction ([0-9a-f]{64})$/.exec(idoc.statusText) ?? [];
    expect(txId).toBeDefined();

    const devnetDir = join(workDir, '.devnet');
    const address = (/devnet \(Fabric Gateway[^)]*\) at ([^\s,]+)/.exec(lading.output.join('')) ?? [])[1] as string;
    const shipperCertPem = await readFile(join(devnetDir, 'orgs', 'ShipperMSP', 'cert.pem'), 'utf8');
    const shipperCert = new X509Certificate(shipperCertPem);
    expect(isSm2Key(shipperCert.publicKey)).toBe(true);

    // Another organisation reads the block back (devnet is SM2 network-wide: its identity is SM2 too).
    const reader = await connectLedger(devnetConfig(address, devnetDir, 'CarrierMSP'));
    try {
      expect(reader.config.identityAlgorithm).toBe('sm2');
      const blocks = await reader.network.getBlockEvents({ startBlock: BigInt(block ?? '0') });
      let envelope: common.Envelope | undefined;
      try {
        for await (const received of blocks) {
          envelope = received.getData()?.getDataList_asU8()
            .map((bytes) => common.Envelope.deserializeBinary(bytes))
            .find((candidate) => {
              const header = common.Payload.deserializeBinary(candidate.getPayload_asU8()).getHeader();
              return common.ChannelHeader.deserializeBinary(header?.getChannelHeader_asU8() ?? new Uint8Array()).getTxId() === txId;
            });
          break;
        }
      } finally {
        blocks.close();
      }
      expect(envelope).toBeDefined();
      const payloadBytes = envelope?.getPayload_asU8() ?? new Uint8Array();
      const signatureHeader = common.SignatureHeader.deserializeBinary(common.Payload.deserializeBinary(payloadBytes).getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array());
      const creator = msp.SerializedIdentity.deserializeBinary(signatureHeader.getCreator_asU8());
      expect(creator.getMspid()).toBe('ShipperMSP');
      expect(Buffer.from(creator.getIdBytes_asU8()).toString('utf8')).toBe(shipperCertPem);
      expect(sm2Verify(sm2PublicPoint(shipperCert.publicKey), payloadBytes, envelope?.getSignature_asU8() ?? new Uint8Array())).toBe('ok');

      const raw = readIdocXml(document).idocs[0]?.raw ?? '';
      const events = await odata<{ eventId: string }>(`ShipmentEvents?$filter=sourceIdoc_ID eq ${idoc.ID}&$select=eventId`);
      expect(events.length).toBeGreaterThan(0);
      const onLedger = await new ShipmentLedger(reader).getEvents(events.map((event) => event.eventId));
      for (const record of onLedger) expect(record?.event.payloadHash).toBe(hashPayload(raw, 'sm3'));
    } finally {
      reader.close();
    }
  });
});
