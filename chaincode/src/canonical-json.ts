import { createHash } from 'node:crypto';

/** A value that JSON.parse can produce. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * JSON with object keys sorted at every level. Every endorsing peer must write the same bytes,
 * and "identical event" must not depend on the order in which SAP or the mapper wrote fields.
 */
export function canonicalJson(value: JsonValue): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: JsonObject = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key] as JsonValue);
    return sorted;
  }
  return value;
}

/**
 * An object key that V8 keeps as an array index ("0", "42"): JSON.parse puts such keys first, in
 * numeric order, so JSON.stringify(JSON.parse(text)) reorders them against the sorted canonical
 * text. Matched conservatively (any run of digits as a whole key); a match only costs a re-parse.
 */
const INDEX_LIKE_KEY = /"[0-9]+":/;

/**
 * A stored value (written by canonicalJson) as the text JSON.stringify(JSON.parse(text)) would
 * give, without building the object when that is the text itself. Canonical JSON is
 * JSON.stringify output, so parsing and stringifying it again changes nothing but the order of
 * index-like keys; values with such keys go the long way. Undefined for an empty value (no key).
 */
export function storedJsonText(bytes: Uint8Array | undefined): string | undefined {
  if (!bytes || bytes.length === 0) return undefined;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return INDEX_LIKE_KEY.test(text) ? JSON.stringify(JSON.parse(text)) : text;
}

/** JSON.stringify of an array whose elements are given as JSON texts, undefined standing for null. */
export function jsonArrayOfTexts(texts: ReadonlyArray<string | undefined>): string {
  return `[${texts.map((text) => text ?? 'null').join(',')}]`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
