/**
 * Just enough of the protobuf wire format to build a nested message in one pass: fields are kept
 * as lists of byte chunks and copied once at the end. google-protobuf serializes every nesting
 * level into a fresh buffer, so a transaction's large fields (arguments, read-write set) would be
 * allocated and copied once per level. Output is canonical proto3, byte for byte what
 * google-protobuf writes: fields in the order given, empty bytes fields left out, a set
 * sub-message always written (even when empty).
 */

/** An encoded message as chunks, not yet joined. */
export interface Chunks {
  parts: Uint8Array[];
  length: number;
}

const WIRE_LENGTH_DELIMITED = 2;

export function chunks(): Chunks {
  return { parts: [], length: 0 };
}

function varint(value: number): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}

function push(out: Chunks, part: Uint8Array): void {
  out.parts.push(part);
  out.length += part.length;
}

function lengthDelimited(out: Chunks, field: number, length: number): void {
  push(out, varint(field * 8 + WIRE_LENGTH_DELIMITED));
  push(out, varint(length));
}

/** A `bytes` field (or an already serialized sub-message); proto3 leaves an empty one out. */
export function bytesField(out: Chunks, field: number, value: Uint8Array): Chunks {
  if (value.length === 0) return out;
  lengthDelimited(out, field, value.length);
  push(out, value);
  return out;
}

/** A sub-message field built as chunks; written even when empty, as for a set message field. */
export function messageField(out: Chunks, field: number, message: Chunks): Chunks {
  lengthDelimited(out, field, message.length);
  for (const part of message.parts) push(out, part);
  return out;
}

/** An already serialized message as chunks (no copy). */
export function serialized(bytes: Uint8Array): Chunks {
  return { parts: [bytes], length: bytes.length };
}

/** Joins the chunks into one buffer: the only copy of the large fields. */
export function toBytes(message: Chunks): Buffer {
  return Buffer.concat(message.parts, message.length);
}
