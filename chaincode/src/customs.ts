import { canonicalJson, isJsonObject, sha256Hex, type JsonObject } from './canonical-json';
import { InvalidInputError } from './errors';
import { parseJson } from './validation';

/** Transient-map key under which the client sends customs values (never on the public ledger). */
export const CUSTOMS_TRANSIENT_KEY = 'customs';

/**
 * Customs values of one event as the private collection stores them. The stored bytes are
 * the canonical JSON, so the public `customsHash` equals Fabric's own private-data hash of the
 * value: any channel member can check it with GetPrivateDataHash without seeing the values.
 */
export interface CustomsValues {
  bytes: Buffer;
  hash: string;
}

const CURRENCY = /^[A-Z]{3}$/;
const AMOUNT = /^\d{1,15}(\.\d{1,6})?$/;
const HS_CODE = /^\d{6}(\d{2}){0,2}$/;

/** Reads the transient `customs` entry: a JSON object eventId → customs values. */
export function parseCustomsTransient(transient: Map<string, Uint8Array>): Map<string, CustomsValues> {
  const raw = transient.get(CUSTOMS_TRANSIENT_KEY);
  const byEvent = new Map<string, CustomsValues>();
  if (raw === undefined || raw.length === 0) return byEvent;
  const parsed = parseJson(Buffer.from(raw).toString('utf8'), `transient ${CUSTOMS_TRANSIENT_KEY}`);
  if (!isJsonObject(parsed)) throw new InvalidInputError(`invalid transient ${CUSTOMS_TRANSIENT_KEY}: must be a JSON object eventId → customs values`);
  for (const [eventId, values] of Object.entries(parsed)) {
    validateCustomsValues(eventId, values);
    const text = canonicalJson(values as JsonObject);
    byEvent.set(eventId, { bytes: Buffer.from(text, 'utf8'), hash: sha256Hex(text) });
  }
  return byEvent;
}

function validateCustomsValues(eventId: string, values: unknown): void {
  const fail = (field: string, rule: string): never => {
    throw new InvalidInputError(`invalid customs values of event ${eventId}: field ${field} ${rule}`);
  };
  if (!isJsonObject(values)) return fail('(all)', 'must be an object');
  if (!isAmount(values.declaredValue)) fail('declaredValue', 'is required and must be a non-negative decimal (number or string)');
  if (typeof values.currency !== 'string' || !CURRENCY.test(values.currency)) fail('currency', 'is required and must be an ISO 4217 code, e.g. EUR');
  if (values.duty !== undefined && !isAmount(values.duty)) fail('duty', 'must be a non-negative decimal (number or string) when given');
  const hsCodes = values.hsCodes;
  if (!Array.isArray(hsCodes) || hsCodes.length === 0) return fail('hsCodes', 'is required and must be a non-empty array');
  for (const code of hsCodes) {
    if (typeof code !== 'string' || !HS_CODE.test(code)) fail('hsCodes', `has ${JSON.stringify(code)} but each must be 6, 8 or 10 digits`);
  }
}

function isAmount(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0;
  return typeof value === 'string' && AMOUNT.test(value);
}
