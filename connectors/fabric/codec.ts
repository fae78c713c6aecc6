/**
 * Turns chaincode answers (JSON bytes) into typed values, checking just enough of the shape that
 * a chaincode of another version fails here, loudly, instead of somewhere downstream.
 */
import { LedgerResponseError } from './errors';
import type {
  CustomsValues,
  LedgerEvent,
  LedgerEventRecord,
  ProofOfDeliveryVerification,
  RecordResult,
  RecordedEventSummary,
  ShipmentEventsRecorded,
  ShipmentHead,
  ShipmentHistoryEntry,
  ShipmentPage,
} from './types';

const utf8 = new TextDecoder();

type Guard<T> = (value: unknown) => value is T;

/** Parses `bytes` as JSON and checks it with `guard`; `what` names the answer in the error. */
export function decodeJson<T>(bytes: Uint8Array, guard: Guard<T>, what: string, transactionId?: string): T {
  const text = utf8.decode(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new LedgerResponseError({ operation: 'decode', transactionId, message: `${what}: not JSON: ${text.slice(0, 200)}`, cause });
  }
  if (!guard(value)) {
    throw new LedgerResponseError({ operation: 'decode', transactionId, message: `${what}: unexpected shape: ${text.slice(0, 200)}`, cause: value });
  }
  return value;
}

export function encodeJson(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

export function isRecordResult(value: unknown): value is RecordResult {
  return isObject(value) && isStringArray(value.recorded) && isStringArray(value.unchanged);
}

export function isShipmentHead(value: unknown): value is ShipmentHead {
  return isObject(value) && typeof value.shipmentId === 'string' && isStringArray(value.events);
}

export function isShipmentHistory(value: unknown): value is ShipmentHistoryEntry[] {
  return (
    Array.isArray(value) &&
    value.every(
      (entry) =>
        isObject(entry) &&
        typeof entry.txId === 'string' &&
        typeof entry.timestamp === 'string' &&
        (entry.value === null || isShipmentHead(entry.value)),
    )
  );
}

export function isShipmentPage(value: unknown): value is ShipmentPage {
  return (
    isObject(value) && Array.isArray(value.shipments) && value.shipments.every(isShipmentHead) && typeof value.bookmark === 'string'
  );
}

export function isLedgerEvent(value: unknown): value is LedgerEvent {
  return (
    isObject(value) &&
    typeof value.eventId === 'string' &&
    typeof value.shipmentId === 'string' &&
    typeof value.eventType === 'string' &&
    typeof value.eventClassifierCode === 'string' &&
    typeof value.eventTypeCode === 'string' &&
    typeof value.payloadHash === 'string'
  );
}

export function isLedgerEventRecord(value: unknown): value is LedgerEventRecord {
  return (
    isObject(value) &&
    isLedgerEvent(value.event) &&
    typeof value.recordedBy === 'string' &&
    typeof value.txId === 'string' &&
    typeof value.recordedAt === 'string' &&
    typeof value.sequence === 'number' &&
    (value.customsHash === undefined || typeof value.customsHash === 'string')
  );
}

export function isCustomsValues(value: unknown): value is CustomsValues {
  return (
    isObject(value) &&
    (typeof value.declaredValue === 'number' || typeof value.declaredValue === 'string') &&
    typeof value.currency === 'string' &&
    isStringArray(value.hsCodes)
  );
}

function isRecordedEventSummary(value: unknown): value is RecordedEventSummary {
  return (
    isObject(value) &&
    typeof value.eventId === 'string' &&
    typeof value.shipmentId === 'string' &&
    typeof value.eventType === 'string' &&
    typeof value.eventTypeCode === 'string' &&
    typeof value.recordedBy === 'string'
  );
}

export function isShipmentEventsRecorded(value: unknown): value is ShipmentEventsRecorded {
  return isObject(value) && isStringArray(value.recorded) && Array.isArray(value.events) && value.events.every(isRecordedEventSummary);
}

export function isProofOfDeliveryVerification(value: unknown): value is ProofOfDeliveryVerification {
  return (
    isObject(value) &&
    typeof value.eventId === 'string' &&
    typeof value.valid === 'boolean' &&
    isObject(value.signer) &&
    typeof value.signer.mspId === 'string' &&
    typeof value.signer.subject === 'string' &&
    typeof value.signer.fingerprint256 === 'string' &&
    typeof value.signedPayloadHash === 'string' &&
    (value.reason === undefined || typeof value.reason === 'string')
  );
}
