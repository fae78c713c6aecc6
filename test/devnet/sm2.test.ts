/**
 * devnet as a GM (Chinese national cryptography) network: SM2 certificates from an org's CA,
 * SM2 signatures over SM3 checked on proposals, envelopes and endorsements, and a bad SM2
 * signature refused with the same error a bad ECDSA one gets. Clients are the real fabric-gateway.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { connect, EndorseError, GatewayError, hash, signers, type Signer } from '@hyperledger/fabric-gateway';
import { ConfigError, optionsFromEnv } from '../../devnet/config';
import { orgPaths } from '../../devnet/index';
import { isSm2Key, SM2_DEFAULT_ID, sm2PrivateScalar, sm2PublicPoint, sm2Sign, sm2Verify } from '../../devnet/identity/sm2';
import { serialNumber, verifySm2CertificateSignature } from '../../devnet/identity/sm2-certificate';
import { connectAs, startTestDevnet, tempDir, utf8, type TestDevnet } from './support';

/** Full SM2 (SM3 over Z ‖ message inside), used with hash.none like an Ed25519 signer. */
function sm2Signer(keyPem: Buffer, tamper: (signature: Buffer, call: number) => Buffer = (signature) => signature): Signer {
  const d = sm2PrivateScalar(createPrivateKey(keyPem));
  let call = 0;
  return (message) => Promise.resolve(tamper(sm2Sign(d, message), call++));
}

/** Flips a bit inside s (the last byte), leaving the DER well formed. */
function flipLastByte(signature: Buffer): Buffer {
  const copy = Buffer.from(signature);
  copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 0x01;
  return copy;
}

function connectSm2(net: TestDevnet, mspId: string, signer: Signer): { contract: ReturnType<ReturnType<ReturnType<typeof connect>['getNetwork']>['getContract']>; close(): void } {
  const { certPath } = orgPaths(net.devnet.dir, mspId);
  const client = new grpc.Client(net.devnet.address, grpc.credentials.createInsecure());
  const gateway = connect({ client, identity: { mspId, credentials: readFileSync(certPath) }, signer, hash: hash.none });
  return {
    contract: gateway.getNetwork('logistics').getContract('lading'),
    close: () => {
      gateway.close();
      client.close();
    },
  };
}

describe('a devnet with ShipperMSP on SM2 and CarrierMSP on ECDSA', () => {
  let net: TestDevnet;
  beforeAll(async () => {
    net = await startTestDevnet({ identityAlgorithm: { fallback: 'ecdsa', orgs: { ShipperMSP: 'sm2' } } });
  });
  afterAll(async () => {
    await net?.stop();
  });

  test('the org CA issues SM2 certificates signed SM2-with-SM3 under the default identifier', () => {
    const paths = orgPaths(net.devnet.dir, 'ShipperMSP');
    const ca = new X509Certificate(readFileSync(paths.caPath));
    const client = new X509Certificate(readFileSync(paths.certPath));
    const peer = new X509Certificate(readFileSync(`${net.devnet.dir}/orgs/ShipperMSP/peer/cert.pem`));
    expect([isSm2Key(ca.publicKey), isSm2Key(client.publicKey), isSm2Key(peer.publicKey)]).toEqual([true, true, true]);
    expect(client.subject).toContain('OU=client');
    expect(client.checkIssued(ca)).toBe(true);
    expect(verifySm2CertificateSignature(client, ca.publicKey)).toBe(true);
    expect(verifySm2CertificateSignature(peer, ca.publicKey)).toBe(true);
    expect(verifySm2CertificateSignature(client, client.publicKey)).toBe(false);
    expect(isSm2Key(new X509Certificate(readFileSync(orgPaths(net.devnet.dir, 'CarrierMSP').certPath)).publicKey)).toBe(false);
  });

  test('an SM2 identity submits through fabric-gateway, the committer accepts its SM2 endorsement (status VALID), and it reads back', async () => {
    const connection = connectSm2(net, 'ShipperMSP', sm2Signer(readFileSync(orgPaths(net.devnet.dir, 'ShipperMSP').keyPath)));
    try {
      const submitted = await connection.contract.submitAsync('put', { arguments: ['sm2-key', 'signed with SM2'] });
      const status = await submitted.getStatus();
      expect(status.successful).toBe(true);
      expect(utf8(await connection.contract.evaluateTransaction('get', 'sm2-key'))).toBe('signed with SM2');
      expect(utf8(await connection.contract.evaluateTransaction('creator'))).toBe('ShipperMSP');
    } finally {
      connection.close();
    }
    // The ECDSA org still works on the same channel.
    const carrier = connectAs(net.devnet, 'CarrierMSP');
    try {
      expect(utf8(await carrier.gateway.getNetwork('logistics').getContract('lading').evaluateTransaction('get', 'sm2-key'))).toBe('signed with SM2');
    } finally {
      carrier.close();
    }
  });

  test('a tampered SM2 signature is refused on evaluate and endorse with the message a bad ECDSA signature gets', async () => {
    const sm2 = connectSm2(net, 'ShipperMSP', sm2Signer(readFileSync(orgPaths(net.devnet.dir, 'ShipperMSP').keyPath), flipLastByte));
    const { certPath, keyPath } = orgPaths(net.devnet.dir, 'CarrierMSP');
    const ecdsaKey = createPrivateKey(readFileSync(keyPath));
    const ecdsaSigner = signers.newPrivateKeySigner(ecdsaKey);
    const client = new grpc.Client(net.devnet.address, grpc.credentials.createInsecure());
    // Tampering r keeps s low, so ECDSA fails on the signature itself, not on the low-S rule.
    const tamperedEcdsa: Signer = async (digest) => {
      const signature = Buffer.from(await ecdsaSigner(digest));
      signature[5] = (signature[5] ?? 0) ^ 0x01;
      return signature;
    };
    const ecdsaGateway = connect({ client, identity: { mspId: 'CarrierMSP', credentials: readFileSync(certPath) }, signer: tamperedEcdsa, hash: hash.sha256 });
    try {
      const sm2Error = (await sm2.contract.evaluateTransaction('get', 'x').catch((err: unknown) => err)) as GatewayError;
      const ecdsaError = (await ecdsaGateway.getNetwork('logistics').getContract('lading').evaluateTransaction('get', 'x').catch((err: unknown) => err)) as GatewayError;
      expect(sm2Error).toBeInstanceOf(GatewayError);
      expect(sm2Error.code).toBe(grpc.status.FAILED_PRECONDITION);
      expect(ecdsaError.code).toBe(sm2Error.code);
      expect(sm2Error.message).toContain('signature of ShipperMSP identity is invalid: the signature is invalid');
      expect(sm2Error.message.replace(/ShipperMSP/g, 'X')).toBe(ecdsaError.message.replace(/CarrierMSP/g, 'X'));

      const endorseError = (await sm2.contract.submitTransaction('put', 'k', 'v').catch((err: unknown) => err)) as EndorseError;
      expect(endorseError).toBeInstanceOf(EndorseError);
      expect(endorseError.details[0]?.message).toContain('signature of ShipperMSP identity is invalid');
    } finally {
      sm2.close();
      ecdsaGateway.close();
      client.close();
    }
  });

  test('an envelope whose SM2 signature does not verify is refused by the orderer', async () => {
    // The first signature (the proposal) is good; the second (the transaction envelope) is not.
    const connection = connectSm2(net, 'ShipperMSP', sm2Signer(readFileSync(orgPaths(net.devnet.dir, 'ShipperMSP').keyPath), (signature, call) => (call === 1 ? flipLastByte(signature) : signature)));
    try {
      const error = (await connection.contract.submitTransaction('put', 'envelope', 'v').catch((err: unknown) => err)) as GatewayError;
      expect(error).toBeInstanceOf(GatewayError);
      expect(error.code).toBe(grpc.status.ABORTED);
      expect(error.message).toContain('status=FORBIDDEN, info=implicit policy evaluation failed - 0 sub-policies were satisfied: signature mismatch');
    } finally {
      connection.close();
    }
  });

  test("an SM2 signature under OpenSSL's empty identifier (node:crypto's only choice) is refused: GM networks use 1234567812345678", async () => {
    const sm2Key = createPrivateKey(readFileSync(orgPaths(net.devnet.dir, 'ShipperMSP').keyPath));
    const connection = connectSm2(net, 'ShipperMSP', (message) => Promise.resolve(sign(null, message, sm2Key)));
    try {
      const error = (await connection.contract.evaluateTransaction('get', 'x').catch((err: unknown) => err)) as GatewayError;
      expect(error.message).toContain('signature of ShipperMSP identity is invalid');
    } finally {
      connection.close();
    }
  });
});

describe('an SM2 network with two peers and an AND policy', () => {
  let net: TestDevnet;
  beforeAll(async () => {
    net = await startTestDevnet({ identityAlgorithm: 'sm2', peers: ['ShipperMSP', 'CarrierMSP'], endorsementPolicy: "AND('ShipperMSP.peer','CarrierMSP.peer')" });
  });
  afterAll(async () => {
    await net?.stop();
  });

  test("both organisations' peers endorse with SM2 and the policy is met at commit", async () => {
    const carrier = new X509Certificate(readFileSync(`${net.devnet.dir}/orgs/CarrierMSP/peer/cert.pem`));
    expect(isSm2Key(carrier.publicKey)).toBe(true);
    const connection = connectSm2(net, 'ShipperMSP', sm2Signer(readFileSync(orgPaths(net.devnet.dir, 'ShipperMSP').keyPath)));
    try {
      const submitted = await connection.contract.submitAsync('put', { arguments: ['two-peers', 'v'] });
      const status = await submitted.getStatus();
      expect(status.successful).toBe(true);
    } finally {
      connection.close();
    }
  });
});

describe("devnet's SM2 against OpenSSL (node:crypto)", () => {
  // OpenSSL can only use the empty identifier from Node; agreeing on it pins the equations, and the
  // identifier then only changes Z.
  function sm2KeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    // Through PEM Node gets an SM2 key; the generated one is an EC key that would sign ECDSA.
    const sm2Private = createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }));
    return { privateKey: sm2Private, publicKey: createPublicKey(createPublicKey(sm2Private).export({ type: 'spki', format: 'pem' })) };
  }

  test.each([1, 2, 3, 4, 5, 6, 7, 8])('round %i: each verifies the other, and the default identifier differs from the empty one', (round) => {
    const { privateKey, publicKey } = sm2KeyPair();
    const message = Buffer.from(`proposal bytes ${round}`);
    const point = sm2PublicPoint(publicKey);
    const ours = sm2Sign(sm2PrivateScalar(privateKey), message, '');
    expect(verify(null, message, publicKey, ours)).toBe(true);
    const openssl = sign(null, message, privateKey);
    expect(sm2Verify(point, message, openssl, '')).toBe('ok');
    expect(sm2Verify(point, message, openssl, SM2_DEFAULT_ID)).toBe('mismatch');
    expect(sm2Verify(point, Buffer.from('other bytes'), openssl, '')).toBe('mismatch');
    expect(sm2Verify(point, message, Buffer.from('not DER'), '')).toBe('malformed');
  });
});

describe('SM2 certificate serial numbers', () => {
  // A zero top byte followed by one under 0x80 is padding DER forbids: OpenSSL then refused the
  // whole certificate ("illegal padding"), about one certificate in 256, so devnet start-ups failed now and then.
  test('are 16-byte positive DER INTEGERs with no padding, whatever the random bytes', () => {
    const seen = new Set<string>();
    for (let n = 0; n < 20_000; n++) {
      const der = serialNumber();
      expect([der[0], der[1], der.length]).toEqual([0x02, 16, 18]);
      const top = der[2] as number;
      expect(top >= 0x40 && top <= 0x7f).toBe(true);
      seen.add(der.toString('hex'));
    }
    expect(seen.size).toBe(20_000);
  });
});

describe('DEVNET_IDENTITY_ALGORITHM', () => {
  test.each([
    ['sm2', 'sm2'],
    ['ECDSA', 'ecdsa'],
    ['ecdsa,ShipperMSP=sm2', { fallback: 'ecdsa', orgs: { ShipperMSP: 'sm2' } }],
    ['ShipperMSP=sm2, CarrierMSP=sm2', { orgs: { ShipperMSP: 'sm2', CarrierMSP: 'sm2' } }],
  ])('%s is read as %j', (raw, expected) => {
    expect(optionsFromEnv({ DEVNET_IDENTITY_ALGORITHM: raw }).identityAlgorithm).toEqual(expected);
  });

  test.each([
    ['rsa', "DEVNET_IDENTITY_ALGORITHM must be ecdsa or sm2, got 'rsa'"],
    ['ShipperMSP=sm9', "DEVNET_IDENTITY_ALGORITHM for ShipperMSP must be ecdsa or sm2, got 'sm9'"],
    ['=sm2', "DEVNET_IDENTITY_ALGORITHM entry '=sm2' must be MSPID=ecdsa or MSPID=sm2"],
  ])('%s stops start-up: %s', (raw, message) => {
    expect(() => optionsFromEnv({ DEVNET_IDENTITY_ALGORITHM: raw })).toThrow(new ConfigError(message));
  });

  test('a devnet directory made with ECDSA identities is not silently reused as SM2', async () => {
    const dir = tempDir();
    const first = await startTestDevnet({ dir, chaincode: false });
    await first.stop({ keepDir: true });
    const error = await startTestDevnet({ dir, chaincode: false, identityAlgorithm: 'sm2' }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^ShipperMSP in .* has ecdsa identities but sm2 was asked for \(DEVNET_IDENTITY_ALGORITHM\)/);
  });
});
