/**
 * Builds and signs proof-of-delivery (POD) events. The consignee signs with the private key of
 * the identity that submits the transaction; the chaincode verifies the signature against that
 * identity's certificate and keeps the certificate with the event (chaincode/README.md, "Proof of
 * delivery"). The byte layout here must stay the chaincode's: canonical JSON, ECDSA with SHA-256.
 */
import { createHash, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { LedgerEvent, ProofOfDelivery, ProofOfDeliveryInput, ProofOfDeliverySigner } from './types';
import { keyAlgorithm } from './sm2';

/** The input cannot become a POD event (the chaincode would refuse it, or it cannot be signed). */
export class ProofOfDeliveryInputError extends Error {
  override readonly name = 'ProofOfDeliveryInputError';
}

/** What the signature covers; `remarks` only when given. */
export interface PodSignedPayload {
  shipmentId: string;
  eventId: string;
  receivedAt: string;
  items: ProofOfDelivery['items'];
  remarks?: string;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * JSON with object keys sorted at every level and no whitespace: the same bytes the chaincode's
 * canonical-json.ts produces, so both sides hash and verify exactly the same payload.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value as Json));
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) {
      const item = value[key];
      if (item !== undefined) sorted[key] = sortKeys(item);
    }
    return sorted;
  }
  return value;
}

/**
 * Name-based event id of a POD (version-8 style UUID over SHA-256, as the mappings' eventIdOf):
 * the same shipment and receipt instant always give the same id, so a retried POD is recognised
 * by the chaincode as the same event.
 */
export function proofOfDeliveryEventId(shipmentId: string, receivedAt: string): string {
  const hex = createHash('sha256').update([shipmentId, 'POD', receivedAt].join('\u001f')).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  const id = hex.join('');
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`;
}

/** The payload a POD event's signature covers, taken from the event itself. */
export function proofOfDeliveryPayload(event: Pick<LedgerEvent, 'shipmentId' | 'eventId'>, pod: Omit<ProofOfDelivery, 'signature'>): PodSignedPayload {
  return {
    shipmentId: event.shipmentId,
    eventId: event.eventId,
    receivedAt: pod.receivedAt,
    items: pod.items,
    ...(pod.remarks !== undefined ? { remarks: pod.remarks } : {}),
  };
}

/**
 * The signed ACT SHIPMENT CMPL event about document TRD. `payloadHash` is the SHA-256 hex of the
 * canonical signed payload (the POD has no IDoc behind it; the signed receipt is its source).
 */
export function buildProofOfDeliveryEvent(input: ProofOfDeliveryInput, signer: ProofOfDeliverySigner): LedgerEvent {
  const receivedAt = utcInstant(input.receivedAt, 'receivedAt');
  const eventId = proofOfDeliveryEventId(input.shipmentId, receivedAt);
  const unsigned: Omit<ProofOfDelivery, 'signature'> = {
    receivedAt,
    items: input.items.map(({ itemNumber, quantity, unit }) => ({ itemNumber, quantity, unit })),
    ...(input.remarks !== undefined ? { remarks: input.remarks } : {}),
  };
  const payload = Buffer.from(canonicalJson(proofOfDeliveryPayload({ shipmentId: input.shipmentId, eventId }, unsigned)), 'utf8');
  const signature = sign('sha256', payload, { key: ecPrivateKey(signer.privateKeyPem), dsaEncoding: 'der' }).toString('base64');
  return {
    eventId,
    shipmentId: input.shipmentId,
    eventType: 'SHIPMENT',
    eventClassifierCode: 'ACT',
    eventTypeCode: 'CMPL',
    documentTypeCode: 'TRD',
    documentID: input.deliveryNumber,
    eventDateTime: input.eventDateTime ?? receivedAt,
    payloadHash: createHash('sha256').update(payload).digest('hex'),
    proofOfDelivery: { ...unsigned, signature },
  };
}

/** Reads a PEM private key (e.g. the identity's `FABRIC_KEY_PATH`) for signing PODs. */
export async function loadSigningKey(path: string): Promise<KeyObject> {
  return ecPrivateKey(await readFile(path, 'utf8'));
}

function ecPrivateKey(key: string | KeyObject): KeyObject {
  let keyObject: KeyObject;
  try {
    keyObject = typeof key === 'string' ? createPrivateKey(key) : key;
  } catch (cause) {
    throw new ProofOfDeliveryInputError('signing key: not a PEM private key', { cause });
  }
  if (keyObject.type === 'private' && keyAlgorithm(keyObject) === 'sm2') {
    throw new ProofOfDeliveryInputError('signing key: an SM2 key; proofs of delivery are signed ECDSA only (SM2 is for transaction signing, FABRIC_IDENTITY_ALGORITHM)');
  }
  if (keyObject.type !== 'private' || keyObject.asymmetricKeyType !== 'ec') {
    throw new ProofOfDeliveryInputError(`signing key: expected an ECDSA private key, got a ${keyObject.type} ${String(keyObject.asymmetricKeyType)} key`);
  }
  return keyObject;
}

/** ISO 8601 with offset → UTC `toISOString`, so one instant always gives one event id. */
function utcInstant(text: string, field: string): string {
  const withOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
  const time = Date.parse(text);
  if (!withOffset.test(text) || Number.isNaN(time)) {
    throw new ProofOfDeliveryInputError(`${field}: expected an ISO 8601 date-time with offset, e.g. 2026-11-25T10:15:00Z, got ${JSON.stringify(text)}`);
  }
  return new Date(time).toISOString();
}
