/**
 * The one-pass transaction assembly (devnet/protocol/wire.ts) writes exactly the bytes
 * google-protobuf writes level by level: checked against that reference for the shapes a
 * prepared transaction takes (one or several endorsements, none, empty fields, fields long
 * enough for multi-byte lengths).
 */
import { randomBytes } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import { assembleTransaction } from '../../devnet/protocol/prepare';
import { bytesField, chunks, messageField, serialized, toBytes } from '../../devnet/protocol/wire';

interface Parts {
  header: common.Header;
  signatureHeaderBytes: Uint8Array;
  payloadWithoutTransient: Uint8Array;
}

/** The assembly as devnet built it before, with google-protobuf message objects at every level. */
function reference(proposal: Parts, responsePayloadBytes: Uint8Array, endorsements: peer.Endorsement[]): Uint8Array {
  const endorsedAction = new peer.ChaincodeEndorsedAction();
  endorsedAction.setProposalResponsePayload(responsePayloadBytes);
  endorsedAction.setEndorsementsList(endorsements);
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(proposal.payloadWithoutTransient);
  actionPayload.setAction(endorsedAction);
  const txAction = new peer.TransactionAction();
  txAction.setHeader(proposal.signatureHeaderBytes);
  txAction.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([txAction]);
  const payload = new common.Payload();
  payload.setHeader(proposal.header);
  payload.setData(transaction.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope.serializeBinary();
}

function endorsement(endorser: Uint8Array, signature: Uint8Array): peer.Endorsement {
  const e = new peer.Endorsement();
  e.setEndorser(endorser);
  e.setSignature(signature);
  return e;
}

function parts(channelHeader: Uint8Array, signatureHeader: Uint8Array, payloadWithoutTransient: Uint8Array): Parts {
  const header = new common.Header();
  header.setChannelHeader(channelHeader);
  header.setSignatureHeader(signatureHeader);
  return { header, signatureHeaderBytes: signatureHeader, payloadWithoutTransient };
}

const cases: Array<[string, Parts, Uint8Array, peer.Endorsement[]]> = [
  ['one endorsement', parts(randomBytes(90), randomBytes(800), randomBytes(300)), randomBytes(500), [endorsement(randomBytes(850), randomBytes(71))]],
  ['three endorsements', parts(randomBytes(90), randomBytes(800), randomBytes(300)), randomBytes(500), [1, 2, 3].map(() => endorsement(randomBytes(850), randomBytes(72)))],
  ['no endorsement', parts(randomBytes(90), randomBytes(800), randomBytes(300)), randomBytes(500), []],
  ['empty proposal payload and response', parts(randomBytes(90), randomBytes(800), new Uint8Array()), new Uint8Array(), [endorsement(randomBytes(850), randomBytes(70))]],
  ['empty endorsement fields and header', parts(new Uint8Array(), new Uint8Array(), randomBytes(10)), randomBytes(10), [endorsement(new Uint8Array(), new Uint8Array())]],
  ['large fields (3-byte lengths)', parts(randomBytes(127), randomBytes(128), randomBytes(300_000)), randomBytes(70_000), [endorsement(randomBytes(16_384), randomBytes(71))]],
];

test.each(cases)('%s: the same envelope bytes as google-protobuf', (_name, proposal, responsePayloadBytes, endorsements) => {
  const built = Buffer.from(assembleTransaction(proposal, responsePayloadBytes, endorsements).serializeBinary());
  const expected = Buffer.from(reference(proposal, responsePayloadBytes, endorsements));
  expect(built.length).toBe(expected.length);
  // Buffer.equals, not toEqual: a deep comparison of 370 kB takes seconds.
  expect(built.equals(expected)).toBe(true);
});

test('wire fields: an empty bytes field is left out, an empty sub-message is written, lengths are varints', () => {
  expect([...toBytes(bytesField(chunks(), 1, new Uint8Array()))]).toEqual([]);
  expect([...toBytes(messageField(chunks(), 2, chunks()))]).toEqual([0x12, 0]);
  expect([...toBytes(bytesField(chunks(), 3, Uint8Array.from([7])))]).toEqual([0x1a, 1, 7]);
  const long = toBytes(messageField(chunks(), 1, serialized(new Uint8Array(300))));
  expect([...long.subarray(0, 3)]).toEqual([0x0a, 0xac, 0x02]);
  expect(long.length).toBe(303);
});
