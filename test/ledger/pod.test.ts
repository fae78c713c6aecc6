/**
 * Proof-of-delivery e-signing through the connector, against devnet and the real chaincode: the
 * consignee signs with its own identity's key, the chaincode checks the signature against the
 * submitter's certificate, and anyone re-verifies it later from what is stored.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ContractRejectedError,
  buildProofOfDeliveryEvent,
  canonicalJson,
  loadSigningKey,
  proofOfDeliveryPayload,
  type LedgerEvent,
  type ProofOfDeliveryInput,
} from '../../connectors/fabric';
import { Devnet, connectAs, newEvent, newShipmentId, type OrgClient, type OrgMsp, failureOf } from './support';

jest.setTimeout(120_000);

let devnet: Devnet;
let consignee: OrgClient;
let carrier: OrgClient;
let finance: OrgClient;

beforeAll(async () => {
  devnet = await Devnet.start();
  [consignee, carrier, finance] = await Promise.all([connectAs(devnet, 'ConsigneeMSP'), connectAs(devnet, 'CarrierMSP'), connectAs(devnet, 'FinanceMSP')]);
});

afterAll(async () => {
  for (const client of [consignee, carrier, finance]) client?.close();
  await devnet?.dispose();
});

function identityFile(mspId: OrgMsp, file: 'cert.pem' | 'key.pem'): string {
  return join(devnet.dir, 'orgs', mspId, file);
}

function signingKeyOf(mspId: OrgMsp): Promise<{ privateKeyPem: string }> {
  return readFile(identityFile(mspId, 'key.pem'), 'utf8').then((privateKeyPem) => ({ privateKeyPem }));
}

function newPod(overrides: Partial<ProofOfDeliveryInput> = {}): ProofOfDeliveryInput {
  return {
    shipmentId: newShipmentId(),
    deliveryNumber: '0080990777',
    receivedAt: '2026-11-25T14:30:00+01:00',
    items: [
      { itemNumber: '000010', quantity: 10, unit: 'PC' },
      { itemNumber: '000020', quantity: 2.5, unit: 'KG' },
    ],
    remarks: 'one carton dented',
    ...overrides,
  };
}

describe('proof of delivery e-signing', () => {
  it('records a POD signed by the consignee, verifiable by any organisation as signed by ConsigneeMSP', async () => {
    const pod = newPod();
    const signed = await consignee.ledger.signProofOfDelivery(pod, await signingKeyOf('ConsigneeMSP'));

    expect(signed.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(signed.transactionId).toMatch(/^[0-9a-f]{64}$/);
    expect(signed.blockNumber).toBeGreaterThan(0n);

    const record = await finance.ledger.getEvent(signed.eventId);
    const certificate = new X509Certificate(await readFile(identityFile('ConsigneeMSP', 'cert.pem')));
    expect(record.recordedBy).toBe('ConsigneeMSP');
    expect(record.event).toMatchObject({ eventTypeCode: 'CMPL', documentTypeCode: 'TRD', eventClassifierCode: 'ACT', documentID: '0080990777' });
    expect(record.event.proofOfDelivery).toMatchObject({ receivedAt: '2026-11-25T13:30:00.000Z', items: pod.items, remarks: pod.remarks });
    expect(record.podSigner).toMatchObject({ mspId: 'ConsigneeMSP', fingerprint256: certificate.fingerprint256 });
    expect(new X509Certificate(record.podSigner!.certificate).fingerprint256).toBe(certificate.fingerprint256);

    const verification = await finance.ledger.verifyProofOfDelivery(signed.eventId);
    const payload = proofOfDeliveryPayload(record.event, record.event.proofOfDelivery!);
    const payloadHash = createHash('sha256').update(canonicalJson(payload)).digest('hex');
    expect(verification).toEqual({
      eventId: signed.eventId,
      valid: true,
      signer: { mspId: 'ConsigneeMSP', subject: record.podSigner!.subject, fingerprint256: certificate.fingerprint256 },
      signedPayloadHash: payloadHash,
    });
    expect(record.event.payloadHash).toBe(payloadHash);
    expect((await finance.ledger.getShipment(pod.shipmentId)).status).toMatchObject({ eventId: signed.eventId, eventTypeCode: 'CMPL' });
  });

  it('recognises a re-signed POD of the same receipt as the same event (ECDSA signatures differ each time)', async () => {
    const pod = newPod();
    const key = { privateKeyPem: await loadSigningKey(identityFile('ConsigneeMSP', 'key.pem')) };
    const first = await consignee.ledger.signProofOfDelivery(pod, key);
    // Same instant written with another offset: same event id.
    const again = await consignee.ledger.signProofOfDelivery({ ...pod, receivedAt: '2026-11-25T13:30:00Z' }, key);

    expect(again.eventId).toBe(first.eventId);
    expect(again.transactionId).not.toBe(first.transactionId);
    const head = await consignee.ledger.getShipment(pod.shipmentId);
    expect(head.events).toEqual([first.eventId]);
    expect((await consignee.ledger.getEvent(first.eventId)).txId).toBe(first.transactionId);
  });

  it('refuses a POD signed with another organisation\'s key, although the consignee submits it', async () => {
    const pod = newPod();
    const error = await failureOf(async () => consignee.ledger.signProofOfDelivery(pod, await signingKeyOf('ShipperMSP')));

    expect(error).toBeInstanceOf(ContractRejectedError);
    expect(error).toMatchObject({ reason: 'invalid', retry: 'never', shipmentIds: [pod.shipmentId] });
    const message = (error as ContractRejectedError).chaincodeMessage;
    const eventId = (error as ContractRejectedError).eventIds[0]!;
    expect(message).toContain(`invalid event ${eventId}`);
    expect(message).toContain('signature does not verify against the certificate of the submitting identity (ConsigneeMSP');
    expect(await failureOf(() => finance.ledger.getShipment(pod.shipmentId))).toMatchObject({ reason: 'not-found' });
  });

  it('refuses a POD whose signed values were changed after signing', async () => {
    const event = buildProofOfDeliveryEvent(newPod(), await signingKeyOf('ConsigneeMSP'));
    const pod = event.proofOfDelivery!;
    const altered: LedgerEvent = { ...event, proofOfDelivery: { ...pod, items: [{ ...pod.items[0]!, quantity: 100 }, ...pod.items.slice(1)] } };

    const error = await failureOf(() => consignee.ledger.recordEvents([altered]));

    expect(error).toMatchObject({ reason: 'invalid', eventIds: [event.eventId] });
    expect((error as ContractRejectedError).chaincodeMessage).toContain('signature does not verify');
  });

  it('refuses a CMPL event about TRD without a proofOfDelivery signature, naming the event', async () => {
    const shipmentId = newShipmentId();
    const unsigned = newEvent(shipmentId, { eventTypeCode: 'CMPL', documentTypeCode: 'TRD' });
    const event = buildProofOfDeliveryEvent(newPod({ shipmentId }), await signingKeyOf('ConsigneeMSP'));
    const { signature: _signature, ...withoutSignature } = event.proofOfDelivery!;

    const missing = await failureOf(() => consignee.ledger.recordEvents([unsigned]));
    const noSignature = await failureOf(() => consignee.ledger.recordEvents([{ ...event, proofOfDelivery: withoutSignature as typeof event.proofOfDelivery }]));

    expect(missing).toMatchObject({ reason: 'invalid', eventIds: [unsigned.eventId] });
    expect((missing as ContractRejectedError).chaincodeMessage).toContain(`invalid event ${unsigned.eventId}: proof of delivery refused: field proofOfDelivery`);
    expect(noSignature).toMatchObject({ reason: 'invalid' });
    expect((noSignature as ContractRejectedError).chaincodeMessage).toContain(`invalid event ${event.eventId}: proof of delivery refused: field proofOfDelivery.signature`);
  });

  it('does not let CarrierMSP record a POD, even one signed with its own key', async () => {
    const pod = newPod();
    const error = await failureOf(async () => carrier.ledger.signProofOfDelivery(pod, await signingKeyOf('CarrierMSP')));

    expect(error).toBeInstanceOf(ContractRejectedError);
    expect(error).toMatchObject({ reason: 'forbidden', retry: 'never' });
    expect((error as ContractRejectedError).chaincodeMessage).toContain('organisation CarrierMSP is not authorised to record event');
  });

  it('answers not-found when verifying an unknown event or an event that is no POD', async () => {
    const other = newEvent(newShipmentId(), { eventType: 'TRANSPORT', eventTypeCode: 'ARRI', documentTypeCode: undefined });
    await carrier.ledger.recordEvents([other]);

    const unknown = await failureOf(() => finance.ledger.verifyProofOfDelivery('EV-no-such-pod'));
    const notPod = await failureOf(() => finance.ledger.verifyProofOfDelivery(other.eventId));

    expect(unknown).toBeInstanceOf(ContractRejectedError);
    expect(unknown).toMatchObject({ reason: 'not-found', retry: 'never', operation: 'evaluate', eventIds: ['EV-no-such-pod'] });
    expect(notPod).toMatchObject({ reason: 'not-found', eventIds: [other.eventId] });
    expect((notPod as ContractRejectedError).chaincodeMessage).toBe(`proof of delivery of event ${other.eventId} not found`);
  });
});
