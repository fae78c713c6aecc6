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
 * A stored value (written by canonicalJson) as the text JSON.stringify(JSON.parse(text)) gives.
 * Canonical JSON is JSON.stringify output, so parsing and stringifying it again changes nothing
 * but the order of index-like keys; only values with such keys are parsed. Undefined for an empty
 * value (no key).
 */
function storedJsonText(bytes: Uint8Array | undefined): string | undefined {
  if (!bytes || bytes.length === 0) return undefined;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return INDEX_LIKE_KEY.test(text) ? JSON.stringify(JSON.parse(text)) : text;
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');
const NULL = Buffer.from('null');

/**
 * JSON.stringify of the array of the stored values parsed, empty values standing for null, built
 * without parsing: the values are concatenated as bytes and decoded once, and only a page that
 * holds an index-like key anywhere goes value by value through storedJsonText. A page of
 * hundreds of heads costs one copy instead of a parse and a stringify per head.
 */
export function storedJsonArray(values: ReadonlyArray<Uint8Array | undefined>): string {
  const parts: Uint8Array[] = [OPEN];
  values.forEach((value, index) => {
    if (index > 0) parts.push(COMMA);
    parts.push(value && value.length > 0 ? value : NULL);
  });
  parts.push(CLOSE);
  const text = Buffer.concat(parts).toString('utf8');
  if (!INDEX_LIKE_KEY.test(text)) return text;
  return `[${values.map((value) => storedJsonText(value) ?? 'null').join(',')}]`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
