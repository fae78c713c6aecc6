/**
 * The chaincode's proof-of-delivery rules as pure functions, table by table: the shape of
 * `proofOfDelivery`, the check against the submitter's certificate when recording, and the later
 * re-verification of a stored record, where any edit shows as invalid. Events are built and signed
 * by the connector, so the two sides are checked to agree on the signed bytes.
 */
import { X509Certificate } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import type { JsonObject, JsonValue } from '../../chaincode/src/canonical-json';
import type { EventRecord, ShipmentEvent } from '../../chaincode/src/model';
import {
  assertSignedBySubmitter,
  contentFingerprint,
  isProofOfDeliveryEvent,
  proofOfDeliveryProblem,
  verifyStoredProofOfDelivery,
} from '../../chaincode/src/proof-of-delivery';
import { buildProofOfDeliveryEvent, proofOfDeliveryEventId, type LedgerEvent } from '../../connectors/fabric';
import { newIdentity, type Identity } from './support';

interface Signer {
  identity: Identity;
  certificate: X509Certificate;
}

async function newSigner(mspId: string): Promise<Signer> {
  const identity = await newIdentity(mspId);
  const idBytes = msp.SerializedIdentity.deserializeBinary(identity.creator).getIdBytes_asU8();
  return { identity, certificate: new X509Certificate(Buffer.from(idBytes)) };
}

function podEvent(signer: Signer, overrides: { remarks?: string } = {}): ShipmentEvent {
  const event: LedgerEvent = buildProofOfDeliveryEvent(
    {
      shipmentId: 'S4HCLNT100/0080990777',
      deliveryNumber: '0080990777',
      receivedAt: '2026-11-25T14:30:00Z',
      items: [{ itemNumber: '000010', quantity: 10, unit: 'PC' }],
      ...overrides,
    },
    { privateKeyPem: signer.identity.privateKey },
  );
  return JSON.parse(JSON.stringify(event)) as ShipmentEvent;
}

function recordOf(event: ShipmentEvent, signer: Signer): EventRecord {
  const podSigner = assertSignedBySubmitter(event, signer.identity.mspId, signer.certificate);
  return { event, recordedBy: signer.identity.mspId, txId: 'tx1', recordedAt: '2026-11-25T14:31:00.000Z', sequence: 1, podSigner };
}

function withPod(event: ShipmentEvent, change: (pod: JsonObject) => JsonObject): ShipmentEvent {
  return { ...event, proofOfDelivery: change(event.proofOfDelivery as JsonObject) };
}

let consignee: Signer;
let shipper: Signer;

beforeAll(async () => {
  [consignee, shipper] = await Promise.all([newSigner('ConsigneeMSP'), newSigner('ShipperMSP')]);
});

describe('which events are proofs of delivery', () => {
  const base = { eventType: 'SHIPMENT', eventClassifierCode: 'ACT', eventTypeCode: 'CMPL', documentTypeCode: 'TRD' };
  test.each<[string, JsonObject, boolean]>([
    ['ACT SHIPMENT CMPL about TRD', base, true],
    ['a planned completion', { ...base, eventClassifierCode: 'PLN' }, false],
    ['CMPL about another document', { ...base, documentTypeCode: 'SHI' }, false],
    ['CMPL without document', { eventType: 'SHIPMENT', eventClassifierCode: 'ACT', eventTypeCode: 'CMPL' }, false],
    ['another code about TRD', { ...base, eventTypeCode: 'ISSU' }, false],
  ])('%s → %s', (_, event, expected) => {
    expect(isProofOfDeliveryEvent(event)).toBe(expected);
  });
});

describe('shape of proofOfDelivery', () => {
  const valid: JsonObject = { receivedAt: '2026-11-25T14:30:00Z', items: [{ itemNumber: '000010', quantity: 10, unit: 'PC' }], signature: 'MEUCIQ==' };
  test.each<[string, JsonValue | undefined, string | undefined]>([
    ['a complete receipt', valid, undefined],
    ['remarks and a zero quantity', { ...valid, remarks: 'refused', items: [{ itemNumber: '20', quantity: 0, unit: 'KG' }] }, undefined],
    ['nothing', undefined, 'field proofOfDelivery must be an object'],
    ['an array', [], 'field proofOfDelivery must be an object'],
    ['an unsigned extra field', { ...valid, approvedBy: 'me' }, 'field proofOfDelivery.approvedBy is not part'],
    ['a time without offset', { ...valid, receivedAt: '2026-11-25T14:30:00' }, 'field proofOfDelivery.receivedAt'],
    ['no items', { ...valid, items: [] }, 'field proofOfDelivery.items is required'],
    ['a bad item number', { ...valid, items: [{ itemNumber: 'A10', quantity: 1, unit: 'PC' }] }, 'items[0].itemNumber'],
    ['an item twice', { ...valid, items: [{ itemNumber: '10', quantity: 1, unit: 'PC' }, { itemNumber: '10', quantity: 2, unit: 'PC' }] }, 'items[1].itemNumber 10 appears twice'],
    ['a negative quantity', { ...valid, items: [{ itemNumber: '10', quantity: -1, unit: 'PC' }] }, 'items[0].quantity'],
    ['a quantity as text', { ...valid, items: [{ itemNumber: '10', quantity: '1', unit: 'PC' }] }, 'items[0].quantity'],
    ['a long unit', { ...valid, items: [{ itemNumber: '10', quantity: 1, unit: 'PIECE' }] }, 'items[0].unit'],
    ['remarks that are no text', { ...valid, remarks: 5 }, 'field proofOfDelivery.remarks'],
    ['no signature', { ...valid, signature: undefined } as unknown as JsonObject, 'field proofOfDelivery.signature'],
    ['a signature that is no base64', { ...valid, signature: 'not base64!' }, 'field proofOfDelivery.signature'],
  ])('%s', (_, value, problem) => {
    const found = proofOfDeliveryProblem(JSON.parse(JSON.stringify(value ?? null)) ?? undefined);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

describe('recording: the signature must be the submitter\'s', () => {
  test('a POD signed by the submitting identity gives the signer to keep', () => {
    const event = podEvent(consignee);
    const signer = assertSignedBySubmitter(event, 'ConsigneeMSP', consignee.certificate);
    expect(signer).toEqual({
      mspId: 'ConsigneeMSP',
      certificate: consignee.certificate.toString(),
      subject: expect.stringContaining('O=ConsigneeMSP'),
      fingerprint256: consignee.certificate.fingerprint256,
    });
    expect(signer.subject).not.toContain('\n');
  });

  test.each<[string, () => [ShipmentEvent, X509Certificate | undefined], string]>([
    ['signed by another identity', () => [podEvent(shipper), consignee.certificate], 'signature does not verify against the certificate of the submitting identity (ConsigneeMSP, '],
    ['a quantity changed after signing', () => [withPod(podEvent(consignee), (pod) => ({ ...pod, items: [{ itemNumber: '000010', quantity: 11, unit: 'PC' }] })), consignee.certificate], 'signature does not verify'],
    ['remarks added after signing', () => [withPod(podEvent(consignee), (pod) => ({ ...pod, remarks: 'all fine' })), consignee.certificate], 'signature does not verify'],
    ['moved to another event id', () => [{ ...podEvent(consignee), eventId: 'EV-other' }, consignee.certificate], 'signature does not verify'],
    ['without proofOfDelivery', () => [{ ...podEvent(consignee), proofOfDelivery: undefined } as unknown as ShipmentEvent, consignee.certificate], 'field proofOfDelivery (the consignee\'s signed receipt) is required'],
    ['a creator without certificate', () => [podEvent(consignee), undefined], 'no X.509 certificate'],
  ])('refuses a POD %s, naming the event', (_, build, reason) => {
    const [event, creator] = build();
    expect(() => assertSignedBySubmitter(event, 'ConsigneeMSP', creator)).toThrow(`invalid event ${event.eventId}: proof of delivery refused: `);
    expect(() => assertSignedBySubmitter(event, 'ConsigneeMSP', creator)).toThrow(reason);
  });

  test('two signatures of the same receipt are the same content; other changes are not', () => {
    const first = podEvent(consignee);
    const second = podEvent(consignee);
    expect((first.proofOfDelivery as JsonObject).signature).not.toBe((second.proofOfDelivery as JsonObject).signature);
    expect(contentFingerprint(first)).toBe(contentFingerprint(second));
    expect(contentFingerprint(podEvent(consignee, { remarks: 'x' }))).not.toBe(contentFingerprint(first));
  });

  test('the connector derives the event id from shipment and receipt instant only', () => {
    expect(proofOfDeliveryEventId('S4HCLNT100/0080990777', '2026-11-25T14:30:00.000Z')).toBe(podEvent(consignee).eventId);
    expect(proofOfDeliveryEventId('S4HCLNT100/0080990778', '2026-11-25T14:30:00.000Z')).not.toBe(podEvent(consignee).eventId);
  });
});

describe('re-verification of a stored POD', () => {
  test('an untouched record is valid, with the signer and the hash of the signed payload', () => {
    const event = podEvent(consignee, { remarks: 'one carton dented' });
    expect(verifyStoredProofOfDelivery(recordOf(event, consignee))).toEqual({
      eventId: event.eventId,
      valid: true,
      signer: { mspId: 'ConsigneeMSP', subject: expect.stringContaining('CN=user1'), fingerprint256: consignee.certificate.fingerprint256 },
      signedPayloadHash: event.payloadHash,
    });
  });

  test.each<[string, (record: EventRecord) => EventRecord, string]>([
    ['a quantity', (r) => ({ ...r, event: withPod(r.event, (pod) => ({ ...pod, items: [{ itemNumber: '000010', quantity: 9, unit: 'PC' }] })) }), 'signature does not verify'],
    ['the receipt time', (r) => ({ ...r, event: withPod(r.event, (pod) => ({ ...pod, receivedAt: '2026-11-26T14:30:00Z' })) }), 'signature does not verify'],
    ['the shipment', (r) => ({ ...r, event: { ...r.event, shipmentId: 'S4HCLNT100/0080990999' } }), 'signature does not verify'],
    // A signature of the same signer over other values (another receipt of the same shipment).
    ['the signature', (r) => ({ ...r, event: withPod(r.event, (pod) => ({ ...pod, signature: (podEvent(consignee, { remarks: 'x' }).proofOfDelivery as JsonObject).signature as string })) }), 'signature does not verify'],
    ['the certificate', (r) => ({ ...r, podSigner: { ...r.podSigner!, certificate: shipper.certificate.toString() } }), 'fingerprint256 is not that of the stored certificate'],
    ['certificate and fingerprint', (r) => ({ ...r, podSigner: { ...r.podSigner!, certificate: shipper.certificate.toString(), fingerprint256: shipper.certificate.fingerprint256 } }), 'subject is not that'],
    ['the whole signer', (r) => ({ ...r, podSigner: { mspId: 'ConsigneeMSP', certificate: shipper.certificate.toString(), fingerprint256: shipper.certificate.fingerprint256, subject: shipper.certificate.subject.split('\n').join(', ') } }), 'signature does not verify'],
    ['the signer organisation', (r) => ({ ...r, podSigner: { ...r.podSigner!, mspId: 'ShipperMSP' } }), 'organisation ShipperMSP is not the recording organisation ConsigneeMSP'],
    ['the certificate into garbage', (r) => ({ ...r, podSigner: { ...r.podSigner!, certificate: 'not a certificate' } }), 'not a valid X.509 certificate'],
    ['the signer away', (r) => ({ ...r, podSigner: undefined }), 'no signer is stored'],
    ['the event kind', (r) => ({ ...r, event: { ...r.event, eventTypeCode: 'ISSU' } }), 'no longer an ACT SHIPMENT CMPL event'],
  ])('editing %s makes it invalid, with the reason', (_, tamper, reason) => {
    const verification = verifyStoredProofOfDelivery(tamper(recordOf(podEvent(consignee), consignee)));
    expect(verification.valid).toBe(false);
    expect(verification.reason).toContain(reason);
  });
});
