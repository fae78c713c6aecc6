import { X509Certificate, verify } from 'node:crypto';
import { canonicalJson, isJsonObject, sha256Hex, type JsonObject, type JsonValue } from './canonical-json';
import { ConflictError, InvalidInputError } from './errors';
import type { EventRecord, PodSigner, ShipmentEvent } from './model';

/**
 * Proof of delivery (POD): the consignee's signed statement of what it received, carried by an
 * ACT SHIPMENT CMPL event about the transport document (TRD). The signature is checked against
 * the certificate of the identity that submits the transaction, so the ledger records not just
 * "ConsigneeMSP recorded it" but "this certificate signed exactly these quantities". Everything
 * here is a pure function of its inputs (no clock, no randomness): every endorser must agree.
 */

/** Fields of `proofOfDelivery`; any other field would be stored without being signed, so it is refused. */
const POD_FIELDS: readonly string[] = ['receivedAt', 'items', 'remarks', 'signature'];
/** Same rule as eventDateTime: an explicit offset, so every reader agrees on the instant. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** SAP item number (POSNR), e.g. 000010. */
const ITEM_NUMBER = /^\d{1,6}$/;
/** SAP unit of measure (MEINS, up to 3 characters), e.g. PC, KG. */
const UNIT = /^[A-Za-z0-9]{1,3}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_ITEMS = 1000;
const MAX_REMARKS_LENGTH = 1000;
/** A DER ECDSA signature is at most 141 bytes (P-521); anything longer is not one. */
const MAX_SIGNATURE_BYTES = 141;

/** What the consignee signs: canonical JSON of these fields, ECDSA with SHA-256. */
export interface PodSignedPayload extends JsonObject {
  shipmentId: string;
  eventId: string;
  receivedAt: JsonValue;
  items: JsonValue;
}

export interface PodVerification {
  eventId: string;
  valid: boolean;
  signer: { mspId: string; subject: string; fingerprint256: string };
  /** SHA-256 hex of the canonical signed payload: the digest the ECDSA signature covers. */
  signedPayloadHash: string;
  reason?: string;
}

/** An ACT SHIPMENT CMPL event about document TRD is a proof of delivery and must be signed. */
export function isProofOfDeliveryEvent(event: JsonObject): boolean {
  return event.eventType === 'SHIPMENT' && event.eventClassifierCode === 'ACT' && event.eventTypeCode === 'CMPL' && event.documentTypeCode === 'TRD';
}

/**
 * Why `value` is not a well-formed `proofOfDelivery` object, or undefined when it is. Returns
 * the problem instead of throwing so that the later verification can report it as a reason.
 */
export function proofOfDeliveryProblem(value: JsonValue | undefined): string | undefined {
  if (!isJsonObject(value)) return 'field proofOfDelivery must be an object {"receivedAt","items","remarks"?,"signature"}';
  const extra = Object.keys(value).find((key) => !POD_FIELDS.includes(key));
  if (extra !== undefined) return `field proofOfDelivery.${extra} is not part of a proof of delivery (it would not be signed)`;
  const receivedAt = value.receivedAt;
  if (typeof receivedAt !== 'string' || !ISO_DATE_TIME.test(receivedAt) || Number.isNaN(Date.parse(receivedAt))) {
    return 'field proofOfDelivery.receivedAt is required and must be an ISO 8601 date-time with offset, e.g. 2026-11-25T10:15:00Z';
  }
  const itemsProblem = itemsProblemOf(value.items);
  if (itemsProblem !== undefined) return itemsProblem;
  if (value.remarks !== undefined && (typeof value.remarks !== 'string' || value.remarks.length > MAX_REMARKS_LENGTH)) {
    return `field proofOfDelivery.remarks must be a string of at most ${MAX_REMARKS_LENGTH} characters when given`;
  }
  const signature = value.signature;
  if (typeof signature !== 'string' || signature === '' || !BASE64.test(signature) || signature.length > Math.ceil(MAX_SIGNATURE_BYTES / 3) * 4) {
    return 'field proofOfDelivery.signature is required and must be a base64 DER ECDSA-SHA256 signature';
  }
  return undefined;
}

function itemsProblemOf(items: JsonValue | undefined): string | undefined {
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_ITEMS) {
    return `field proofOfDelivery.items is required and must be an array of 1 to ${MAX_ITEMS} items`;
  }
  const seen = new Set<string>();
  for (const [index, item] of items.entries()) {
    const at = `field proofOfDelivery.items[${index}]`;
    if (!isJsonObject(item)) return `${at} must be an object {"itemNumber","quantity","unit"}`;
    if (typeof item.itemNumber !== 'string' || !ITEM_NUMBER.test(item.itemNumber)) return `${at}.itemNumber must be the SAP item number (1 to 6 digits), e.g. 000010`;
    if (seen.has(item.itemNumber)) return `${at}.itemNumber ${item.itemNumber} appears twice`;
    seen.add(item.itemNumber);
    if (typeof item.quantity !== 'number' || !Number.isFinite(item.quantity) || item.quantity < 0) return `${at}.quantity must be a non-negative number`;
    if (typeof item.unit !== 'string' || !UNIT.test(item.unit)) return `${at}.unit must be a unit of measure of 1 to 3 letters or digits, e.g. PC`;
  }
  return undefined;
}

/** The payload the signature covers, built from the event's own fields (so it cannot name another event). */
export function podSignedPayload(event: JsonObject): PodSignedPayload {
  const pod = isJsonObject(event.proofOfDelivery) ? event.proofOfDelivery : {};
  return {
    shipmentId: String(event.shipmentId),
    eventId: String(event.eventId),
    receivedAt: pod.receivedAt ?? null,
    items: pod.items ?? null,
    ...(pod.remarks !== undefined ? { remarks: pod.remarks } : {}),
  };
}

/** Certificate facts kept with a POD; derived from the PEM so that anyone can recompute them. */
export function podSignerOf(mspId: string, certificate: X509Certificate): PodSigner {
  return { mspId, certificate: certificate.toString(), subject: oneLineSubject(certificate), fingerprint256: certificate.fingerprint256 };
}

/** Node prints one attribute per line; one line reads better in JSON and logs. */
function oneLineSubject(certificate: X509Certificate): string {
  return certificate.subject.split('\n').join(', ');
}

/** Parses the creator's id bytes (PEM, as Fabric's X.509 MSP serialises them). */
export function parseCertificate(idBytes: Uint8Array | string): X509Certificate | undefined {
  try {
    return new X509Certificate(typeof idBytes === 'string' ? idBytes : Buffer.from(idBytes));
  } catch {
    return undefined;
  }
}

/**
 * Why the event's signature does not verify against the certificate, or undefined when it does.
 * `whose` names the certificate in the reason.
 */
function signatureProblem(event: JsonObject, certificate: X509Certificate, whose: string): string | undefined {
  const payloadBytes = Buffer.from(canonicalJson(podSignedPayload(event)), 'utf8');
  const signature = String((event.proofOfDelivery as JsonObject).signature);
  const key = certificate.publicKey;
  // ECDSA only: node:crypto would otherwise run the RSA scheme of an RSA certificate.
  if (key.asymmetricKeyType !== 'ec') return `${whose} has a ${String(key.asymmetricKeyType)} key, not an ECDSA key`;
  let ok: boolean;
  try {
    ok = verify('sha256', payloadBytes, { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
  } catch {
    ok = false;
  }
  return ok ? undefined : `the signature does not verify against ${whose}`;
}

/**
 * Checks the POD of an event against the submitting identity's certificate; throws an
 * InvalidInputError naming the event and the reason. Returns what the record keeps.
 */
export function assertSignedBySubmitter(event: ShipmentEvent, mspId: string, creator: X509Certificate | undefined): PodSigner {
  const fail = (reason: string): never => {
    throw new InvalidInputError(`invalid event ${event.eventId}: proof of delivery refused: ${reason}`);
  };
  if (event.proofOfDelivery === undefined) {
    return fail('field proofOfDelivery (the consignee\'s signed receipt) is required on an ACT SHIPMENT CMPL event about document TRD');
  }
  const shapeProblem = proofOfDeliveryProblem(event.proofOfDelivery);
  if (shapeProblem !== undefined) return fail(shapeProblem);
  if (creator === undefined) return fail('the submitting identity has no X.509 certificate to verify the signature against');
  const problem = signatureProblem(event, creator, `the certificate of the submitting identity (${mspId}, ${oneLineSubject(creator)})`);
  if (problem !== undefined) return fail(problem);
  return podSignerOf(mspId, creator);
}

/**
 * Recomputes the verification of a stored POD from the record alone: the stored certificate,
 * the stored event fields, the stored signature. Editing any of them (a quantity, the
 * certificate, its fingerprint, the signer's organisation) makes the answer invalid.
 */
export function verifyStoredProofOfDelivery(record: EventRecord): PodVerification {
  const event = record.event;
  const signer = record.podSigner;
  const answer = (reason?: string): PodVerification => ({
    eventId: event.eventId,
    valid: reason === undefined,
    signer: { mspId: signer?.mspId ?? '', subject: signer?.subject ?? '', fingerprint256: signer?.fingerprint256 ?? '' },
    signedPayloadHash: sha256Hex(canonicalJson(podSignedPayload(event))),
    ...(reason === undefined ? {} : { reason }),
  });
  if (!isProofOfDeliveryEvent(event)) return answer('the event is no longer an ACT SHIPMENT CMPL event about document TRD');
  if (signer === undefined) return answer('no signer is stored with the event');
  const shapeProblem = proofOfDeliveryProblem(event.proofOfDelivery);
  if (shapeProblem !== undefined) return answer(shapeProblem);
  const certificate = parseCertificate(signer.certificate);
  if (certificate === undefined) return answer('the stored certificate is not a valid X.509 certificate');
  if (certificate.fingerprint256 !== signer.fingerprint256) return answer('the stored fingerprint256 is not that of the stored certificate');
  if (oneLineSubject(certificate) !== signer.subject) return answer('the stored subject is not that of the stored certificate');
  if (signer.mspId !== record.recordedBy) return answer(`the signer's organisation ${signer.mspId} is not the recording organisation ${record.recordedBy}`);
  return answer(signatureProblem(event, certificate, "the signer's stored certificate"));
}

/**
 * What "the same event" means for idempotency. ECDSA signatures are randomised, so signing the
 * same receipt twice (a client retrying after an unknown outcome) gives two signatures: the
 * signature is left out of the comparison, and the signer's certificate compared instead
 * (see assertSamePodSigner). Other events compare as they are.
 */
export function contentFingerprint(event: ShipmentEvent): string {
  if (!isJsonObject(event.proofOfDelivery) || !('signature' in event.proofOfDelivery)) return canonicalJson(event);
  const { signature: _signature, ...unsigned } = event.proofOfDelivery;
  return canonicalJson({ ...event, proofOfDelivery: unsigned });
}

/** A replayed POD must come from the certificate that signed the recorded one. */
export function assertSamePodSigner(existing: EventRecord, signer: PodSigner | undefined): void {
  if (existing.podSigner?.fingerprint256 === signer?.fingerprint256) return;
  throw new ConflictError(
    `event ${existing.event.eventId} is already recorded with a proof of delivery signed by another certificate (${existing.podSigner?.subject ?? 'none'})`,
  );
}
