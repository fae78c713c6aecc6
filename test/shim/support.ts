/**
 * Real parts for the devnet/shim tests: a TxSimulator over Maps (the runtime's other side) and
 * SignedProposals from a self-signed ECDSA identity per organisation, built as a Fabric Gateway
 * client builds them.
 */
import { createHash, KeyObject, randomBytes, sign } from 'node:crypto';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import * as x509 from '@peculiar/x509';
import type { KeyModification, RangePage, StateKV, TxSimulator } from '../../devnet/shim';
import { toProtoTimestamp } from '../../devnet/shim/timestamp';

export const PUBLIC = '';

// ---------------------------------------------------------------------------------------------
// A ledger over Maps: committed state per collection, history per public key, and one simulator
// per transaction that buffers writes until commit (reads never see them, as in Fabric).

export class MapLedger {
  readonly state = new Map<string, Map<string, Buffer>>();
  readonly history = new Map<string, KeyModification[]>();

  collection(name: string): Map<string, Buffer> {
    let collection = this.state.get(name);
    if (!collection) this.state.set(name, (collection = new Map()));
    return collection;
  }

  simulator(txId: string): MapSimulator {
    return new MapSimulator(this, txId);
  }
}

type Write = { collection: string; key: string; value: Buffer | undefined };

export class MapSimulator implements TxSimulator {
  readonly writes: Write[] = [];

  constructor(
    private readonly ledger: MapLedger,
    private readonly txId: string,
  ) {}

  async getState(collection: string, key: string): Promise<Buffer | undefined> {
    return this.ledger.collection(collection).get(key);
  }

  async putState(collection: string, key: string, value: Buffer): Promise<void> {
    this.writes.push({ collection, key, value });
  }

  async delState(collection: string, key: string): Promise<void> {
    this.writes.push({ collection, key, value: undefined });
  }

  async getStateByRange(collection: string, startKey: string, endKey: string, limit: number): Promise<RangePage> {
    // Fabric orders keys by their UTF-8 bytes.
    const inRange = [...this.ledger.collection(collection).keys()]
      .filter((key) => compareKeys(key, startKey) >= 0 && (endKey === '' || compareKeys(key, endKey) < 0))
      .sort(compareKeys);
    const results: StateKV[] = inRange.slice(0, limit).map((key) => ({ key, value: this.ledger.collection(collection).get(key)! }));
    return { results, hasMore: inRange.length > limit };
  }

  async getHistoryForKey(key: string): Promise<KeyModification[]> {
    return this.ledger.history.get(key) ?? [];
  }

  async getPrivateDataHash(collection: string, key: string): Promise<Buffer | undefined> {
    const value = this.ledger.collection(collection).get(key);
    return value && createHash('sha256').update(value).digest();
  }

  commit(): void {
    for (const { collection, key, value } of this.writes) {
      if (value === undefined) this.ledger.collection(collection).delete(key);
      else this.ledger.collection(collection).set(key, value);
      if (collection === PUBLIC) {
        const versions = this.ledger.history.get(key) ?? [];
        versions.push({ txId: this.txId, value: value ?? Buffer.alloc(0), timestamp: new Date(), isDelete: value === undefined });
        this.ledger.history.set(key, versions);
      }
    }
  }
}

/** Order of the P-256 group: Fabric accepts only signatures with s in the lower half. */
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/** ECDSA over SHA-256 as Fabric clients sign: DER-encoded, s normalised to the lower half. */
function signLowS(data: Uint8Array, privateKey: KeyObject): Buffer {
  const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  const r = BigInt(`0x${raw.subarray(0, 32).toString('hex')}`);
  let s = BigInt(`0x${raw.subarray(32).toString('hex')}`);
  if (s > P256_N / 2n) s = P256_N - s;
  const integer = (value: bigint): Buffer => {
    let bytes = Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
    while (bytes.length > 1 && bytes[0] === 0 && bytes[1]! < 0x80) bytes = bytes.subarray(1);
    if (bytes[0]! >= 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
  };
  const body = Buffer.concat([integer(r), integer(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// Client identities and SignedProposals, built as a Fabric Gateway client builds them.

export interface Identity {
  mspId: string;
  creator: Uint8Array;
  privateKey: KeyObject;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

export async function newIdentity(mspId: string): Promise<Identity> {
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString('hex'),
    name: `CN=user1, OU=client, O=${mspId}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: ALGORITHM,
    keys,
  });
  const serialized = new msp.SerializedIdentity();
  serialized.setMspid(mspId);
  serialized.setIdBytes(Buffer.from(certificate.toString('pem')));
  return { mspId, creator: serialized.serializeBinary(), privateKey: KeyObject.from(keys.privateKey) };
}

export interface Proposal {
  txId: string;
  signedProposal: Buffer;
}

export function newProposal(identity: Identity, target: { channel: string; chaincode: string }, args: string[], transient: Record<string, string> = {}): Proposal {
  const nonce = randomBytes(24);
  const txId = createHash('sha256').update(nonce).update(identity.creator).digest('hex');

  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(target.chaincode);
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setTxId(txId);
  channelHeader.setChannelId(target.channel);
  channelHeader.setEpoch(0);
  channelHeader.setTimestamp(toProtoTimestamp(new Date()));
  channelHeader.setExtension$(extension.serializeBinary());
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(identity.creator);
  signatureHeader.setNonce(nonce);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const input = new peer.ChaincodeInput();
  input.setArgsList(args.map((arg) => Buffer.from(arg)));
  const spec = new peer.ChaincodeSpec();
  spec.setType(peer.ChaincodeSpec.Type.NODE);
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());
  for (const [key, value] of Object.entries(transient)) payload.getTransientmapMap().set(key, Buffer.from(value));

  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const proposalBytes = proposal.serializeBinary();
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(proposalBytes);
  signed.setSignature(signLowS(proposalBytes, identity.privateKey));
  return { txId, signedProposal: Buffer.from(signed.serializeBinary()) };
}

