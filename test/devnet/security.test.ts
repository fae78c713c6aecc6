/**
 * What devnet refuses, as a Fabric peer would: high-S signatures, malformed headers and tx ids,
 * block streams for strangers; and gRPC over TLS when configured.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import * as grpc from '@grpc/grpc-js';
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { common, gateway as gatewayProtos, msp, peer } from '@hyperledger/fabric-protos';
import { connect, EndorseError, GatewayError, hash, signers, type Signer } from '@hyperledger/fabric-gateway';
import { encodeDerSignature, parseDerSignature } from '../../devnet/identity/ecdsa';
import { ensureOrgs } from '../../devnet/identity/ca';
import { computeTxId, ProposalValidationError, validateHeader } from '../../devnet/protocol/proposal';
import { orgPaths } from '../../devnet/index';
import { connectAs, connectWith, startTestDevnet, tempDir, utf8, type TestDevnet } from './support';

const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/** Signs the digest, then flips s to the high half: valid ECDSA that Fabric rejects. */
function highSSigner(keyPem: Buffer): Signer {
  const key = createPrivateKey(keyPem);
  return async (digest) => {
    const der = sign(null, digest, { key, dsaEncoding: 'der' });
    const { r, s } = parseDerSignature(der);
    return encodeDerSignature({ r, s: s > P256_ORDER / 2n ? s : P256_ORDER - s });
  };
}

describe('against one devnet', () => {
  let net: TestDevnet;
  beforeAll(async () => {
    net = await startTestDevnet();
  });
  afterAll(async () => {
    await net?.stop();
  });

  test('a high-S signature is refused on evaluate and endorse', async () => {
    const { certPath, keyPath } = orgPaths(net.devnet.dir, 'ShipperMSP');
    const client = new grpc.Client(net.devnet.address, grpc.credentials.createInsecure());
    const gateway = connect({ client, identity: { mspId: 'ShipperMSP', credentials: readFileSync(certPath) }, signer: highSSigner(readFileSync(keyPath)), hash: hash.sha256 });
    try {
      const contract = gateway.getNetwork('logistics').getContract('lading');
      const evaluateError = (await contract.evaluateTransaction('creator').catch((err: unknown) => err)) as GatewayError;
      expect(evaluateError.code).toBe(grpcStatus.FAILED_PRECONDITION);
      expect(evaluateError.message).toContain('invalid S');
      const endorseError = (await contract.submitTransaction('put', 'k', 'v').catch((err: unknown) => err)) as EndorseError;
      expect(endorseError).toBeInstanceOf(EndorseError);
      expect(endorseError.details[0]?.message).toContain('invalid S');
    } finally {
      gateway.close();
      client.close();
    }
  });

  test('a stranger cannot read blocks: Deliver answers FORBIDDEN and the client fails', async () => {
    const foreignDir = tempDir();
    try {
      const [foreign] = await ensureOrgs(foreignDir, ['CarrierMSP']);
      if (!foreign) throw new Error('no foreign org');
      const stranger = connectWith(net.devnet.address, 'CarrierMSP', foreign.client.certPem, foreign.client.keyPem);
      try {
        const events = await stranger.gateway.getNetwork('logistics').getBlockEvents({ startBlock: 0n });
        await expect(events[Symbol.asyncIterator]().next()).rejects.toThrow();
        events.close();
      } finally {
        stranger.close();
      }
    } finally {
      rmSync(foreignDir, { recursive: true, force: true });
    }
  });
});

/** Rewrites the endorsed action inside prepared-transaction bytes (what an attacker could try). */
function rewriteEndorsedAction(prepared: Uint8Array, change: (action: peer.ChaincodeEndorsedAction) => void): Uint8Array {
  const preparedTx = gatewayProtos.PreparedTransaction.deserializeBinary(prepared);
  const envelope = preparedTx.getEnvelope();
  if (!envelope) throw new Error('no envelope');
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const txAction = transaction.getActionsList()[0];
  if (!txAction) throw new Error('no action');
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(txAction.getPayload_asU8());
  const endorsed = actionPayload.getAction();
  if (!endorsed) throw new Error('no endorsed action');
  change(endorsed);
  actionPayload.setAction(endorsed);
  txAction.setPayload(actionPayload.serializeBinary());
  payload.setData(transaction.serializeBinary());
  envelope.setPayload(payload.serializeBinary());
  envelope.setSignature(new Uint8Array());
  preparedTx.setEnvelope(envelope);
  return preparedTx.serializeBinary();
}

describe('forged endorsements are invalid at commit', () => {
  let net: TestDevnet;
  beforeAll(async () => {
    net = await startTestDevnet();
  });
  afterAll(async () => {
    await net?.stop();
  });

  test('a result changed after endorsement, or a client endorsing its own transaction, is ENDORSEMENT_POLICY_FAILURE', async () => {
    const shipper = connectAs(net.devnet, 'ShipperMSP');
    try {
      const contract = shipper.gateway.getNetwork('logistics').getContract('lading');
      const endorsed = await contract.newProposal('put', { arguments: ['forged', 'honest'] }).endorse();

      const changed = rewriteEndorsedAction(endorsed.getBytes(), (action) => {
        const prp = peer.ProposalResponsePayload.deserializeBinary(action.getProposalResponsePayload_asU8());
        const ccAction = peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
        ccAction.getResponse()?.setMessage('changed after endorsement');
        prp.setExtension$(ccAction.serializeBinary());
        action.setProposalResponsePayload(prp.serializeBinary());
      });
      const changedStatus = await shipper.gateway.newTransaction(changed).submit().then((c) => c.getStatus());
      expect(changedStatus.code).toBe(peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);

      const { certPath, keyPath } = orgPaths(net.devnet.dir, 'ShipperMSP');
      const self = new msp.SerializedIdentity();
      self.setMspid('ShipperMSP');
      self.setIdBytes(readFileSync(certPath));
      const selfBytes = self.serializeBinary();
      const clientKey = createPrivateKey(readFileSync(keyPath));
      const another = await contract.newProposal('put', { arguments: ['forged-self', 'honest'] }).endorse();
      const selfEndorsed = rewriteEndorsedAction(another.getBytes(), (action) => {
        const endorsement = new peer.Endorsement();
        endorsement.setEndorser(selfBytes);
        endorsement.setSignature(sign('sha256', Buffer.concat([action.getProposalResponsePayload_asU8(), selfBytes]), { key: clientKey, dsaEncoding: 'der' }));
        action.setEndorsementsList([endorsement]);
      });
      const selfStatus = await shipper.gateway.newTransaction(selfEndorsed).submit().then((c) => c.getStatus());
      expect(selfStatus.code).toBe(peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
      expect(utf8(await contract.evaluateTransaction('get', 'forged'))).toBe('');
      expect(utf8(await contract.evaluateTransaction('get', 'forged-self'))).toBe('');
    } finally {
      shipper.close();
    }
  });
});

describe('header checks (msgvalidation)', () => {
  const nonce = Buffer.alloc(24, 7);
  const creator = Buffer.from('creator');
  function headers(change: (ch: common.ChannelHeader, sh: common.SignatureHeader) => void): [common.ChannelHeader, common.SignatureHeader] {
    const ch = new common.ChannelHeader();
    ch.setType(common.HeaderType.ENDORSER_TRANSACTION);
    ch.setTxId(computeTxId(nonce, creator));
    const sh = new common.SignatureHeader();
    sh.setNonce(nonce);
    sh.setCreator(creator);
    change(ch, sh);
    return [ch, sh];
  }

  test.each([
    ['a well-formed header', () => undefined, undefined],
    ['a tx id that is not SHA-256(nonce ‖ creator)', (ch: common.ChannelHeader) => ch.setTxId('0'.repeat(64)), 'incorrectly formed transaction ID'],
    ['a non-zero epoch', (ch: common.ChannelHeader) => ch.setEpoch(1), 'invalid Epoch'],
    ['a CONFIG header type', (ch: common.ChannelHeader) => ch.setType(common.HeaderType.CONFIG), 'invalid header type'],
    ['an empty nonce', (_: common.ChannelHeader, sh: common.SignatureHeader) => sh.setNonce(new Uint8Array()), 'invalid nonce'],
    ['an empty creator', (_: common.ChannelHeader, sh: common.SignatureHeader) => sh.setCreator(new Uint8Array()), 'invalid creator'],
  ])('%s', (_name, change, message) => {
    const [ch, sh] = headers(change);
    if (message === undefined) expect(() => validateHeader(ch, sh)).not.toThrow();
    else expect(() => validateHeader(ch, sh)).toThrow(new RegExp(message));
    if (message !== undefined) expect(() => validateHeader(ch, sh)).toThrow(ProposalValidationError);
  });
});

test('with DEVNET_TLS_CERT/KEY the gateway speaks TLS', async () => {
  const dir = tempDir();
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = await crypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=localhost',
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }])],
  });
  const certPath = join(dir, 'tls-cert.pem');
  const keyPath = join(dir, 'tls-key.pem');
  writeFileSync(certPath, cert.toString('pem'));
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  writeFileSync(keyPath, `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)?.join('\n')}\n-----END PRIVATE KEY-----\n`);

  const net = await startTestDevnet({ dir: join(dir, 'net'), tls: { certPath, keyPath } });
  const paths = orgPaths(net.devnet.dir, 'FinanceMSP');
  const client = new grpc.Client(net.devnet.address, grpc.credentials.createSsl(readFileSync(certPath)));
  const gateway = connect({ client, identity: { mspId: 'FinanceMSP', credentials: readFileSync(paths.certPath) }, signer: signers.newPrivateKeySigner(createPrivateKey(readFileSync(paths.keyPath))), hash: hash.sha256 });
  try {
    expect(utf8(await gateway.getNetwork('logistics').getContract('lading').evaluateTransaction('creator'))).toBe('FinanceMSP');
    const plain = connectWith(net.devnet.address, 'FinanceMSP', readFileSync(paths.certPath), readFileSync(paths.keyPath));
    const error = (await plain.gateway.getNetwork('logistics').getContract('lading').evaluateTransaction('creator').catch((err: unknown) => err)) as GatewayError;
    expect(error.code).toBe(grpcStatus.UNAVAILABLE);
    plain.close();
  } finally {
    gateway.close();
    client.close();
    await net.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
