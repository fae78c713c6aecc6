import { isJsonObject, type JsonObject, type JsonValue } from './canonical-json';
import { InvalidInputError } from './errors';
import {
  DOCUMENT_TYPE_CODES,
  EVENT_CLASSIFIER_CODES,
  EVENT_TYPE_CODES,
  EVENT_TYPES,
  type ShipmentEvent,
} from './model';
import { isProofOfDeliveryEvent } from './proof-of-delivery';

/** A transaction stays well inside Fabric's message limits and the endorsement timeout. */
export const MAX_EVENTS_PER_BATCH = 500;
const MAX_ID_LENGTH = 128;
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** ISO 8601 date-time with an explicit offset, so every reader agrees on the instant. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** Sender partner and delivery number, e.g. S4HCLNT100/0080990777. */
const SHIPMENT_ID = /^[^/\s]+\/[^/\s]+$/;
/** Ids become composite-key attributes: no control characters (U+0000 separates attributes). */
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Parses the `eventsJson` argument into validated events; errors name the event and field. */
export function parseEvents(eventsJson: string): ShipmentEvent[] {
  const parsed = parseJson(eventsJson, 'eventsJson');
  if (!Array.isArray(parsed)) throw new InvalidInputError('invalid eventsJson: must be a JSON array of events');
  if (parsed.length === 0) throw new InvalidInputError('invalid eventsJson: must contain at least one event');
  if (parsed.length > MAX_EVENTS_PER_BATCH) {
    throw new InvalidInputError(`invalid eventsJson: ${parsed.length} events, at most ${MAX_EVENTS_PER_BATCH} per transaction`);
  }
  return parsed.map((value, index) => validateEvent(value, index));
}

export function parseJson(text: string, what: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (err) {
    throw new InvalidInputError(`invalid ${what}: not JSON (${(err as Error).message})`);
  }
}

function validateEvent(value: JsonValue, index: number): ShipmentEvent {
  if (!isJsonObject(value)) throw new InvalidInputError(`invalid event at index ${index}: must be a JSON object`);
  const eventId = typeof value.eventId === 'string' ? value.eventId : undefined;
  const fail = (field: string, rule: string): never => {
    const who = eventId ? `event ${eventId}` : `event at index ${index}`;
    throw new InvalidInputError(`invalid ${who}: field ${field} ${rule}`);
  };

  requireId(value, 'eventId', fail);
  requireId(value, 'shipmentId', fail);
  if (!SHIPMENT_ID.test(value.shipmentId as string)) fail('shipmentId', 'must be "<sender partner>/<delivery number>", e.g. S4HCLNT100/0080990777');
  const eventType = requireOneOf(value, 'eventType', EVENT_TYPES, fail);
  requireOneOf(value, 'eventClassifierCode', EVENT_CLASSIFIER_CODES, fail);
  requireOneOf(value, 'eventTypeCode', EVENT_TYPE_CODES[eventType], fail, `for eventType ${eventType}`);
  const dateTime = value.eventDateTime;
  if (typeof dateTime !== 'string' || !ISO_DATE_TIME.test(dateTime) || Number.isNaN(Date.parse(dateTime))) {
    fail('eventDateTime', 'is required and must be an ISO 8601 date-time with offset, e.g. 2026-11-25T10:15:00Z');
  }
  if (typeof value.payloadHash !== 'string' || !SHA256_HEX.test(value.payloadHash)) {
    fail('payloadHash', 'is required and must be the SHA-256 of the source IDoc payload as 64 lowercase hex digits');
  }
  validateOptionalFields(value, fail);
  return value as ShipmentEvent;
}

function validateOptionalFields(value: JsonObject, fail: (field: string, rule: string) => never): void {
  if (value.documentTypeCode !== undefined) requireOneOf(value, 'documentTypeCode', DOCUMENT_TYPE_CODES, fail);
  // A signed receipt on any other event would look like a POD without being checked as one.
  if (value.proofOfDelivery !== undefined && !isProofOfDeliveryEvent(value)) {
    fail('proofOfDelivery', 'is only allowed on an ACT SHIPMENT CMPL event about document TRD (proof of delivery)');
  }
  if (value.location !== undefined && !isJsonObject(value.location) && typeof value.location !== 'string') {
    fail('location', 'must be an object (DCSA location) or a string when given');
  }
  if (value.source !== undefined) {
    const source = value.source;
    if (!isJsonObject(source)) return fail('source', 'must be an object {"idocType","docnum"} when given');
    if (typeof source.idocType !== 'string' || source.idocType.trim() === '') fail('source.idocType', 'must be a non-empty string');
    // A file-port or test IDoc may lack a DOCNUM; when there is one it is SAP's 16-character number.
    if (source.docnum !== undefined && (typeof source.docnum !== 'string' || !/^\d{1,16}$/.test(source.docnum))) {
      fail('source.docnum', 'must be the IDoc number (1 to 16 digits) when given');
    }
  }
}

function requireId(value: JsonObject, field: 'eventId' | 'shipmentId', fail: (field: string, rule: string) => never): void {
  const id = value[field];
  if (typeof id !== 'string' || id.trim() === '') fail(field, 'is required and must be a non-empty string');
  const text = id as string;
  if (text.length > MAX_ID_LENGTH) fail(field, `must be at most ${MAX_ID_LENGTH} characters`);
  if (CONTROL_CHARS.test(text) || text.includes('\u{10ffff}')) fail(field, 'must not contain control characters');
  // Event ids become property names in the shipment head's recordedBy map.
  if (text === '__proto__') fail(field, 'must not be "__proto__"');
}

function requireOneOf<T extends string>(
  value: JsonObject,
  field: string,
  allowed: readonly T[],
  fail: (field: string, rule: string) => never,
  context = '',
): T {
  const actual = value[field];
  if (typeof actual !== 'string' || !(allowed as readonly string[]).includes(actual)) {
    const shown = actual === undefined ? 'is required and' : `is ${JSON.stringify(actual)} but`;
    return fail(field, `${shown} must be one of ${allowed.join(', ')}${context ? ` ${context}` : ''}`);
  }
  return actual as T;
}

/** Validates an id argument of a query function. */
export function requireIdArgument(value: string, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidInputError(`invalid argument: ${name} is required`);
  if (value.length > MAX_ID_LENGTH || CONTROL_CHARS.test(value)) throw new InvalidInputError(`invalid argument: ${name} is malformed`);
  return value;
}

