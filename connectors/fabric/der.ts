/**
 * The DER of an ECDSA / SM2 signature, SEQUENCE { INTEGER r, INTEGER s }, which Fabric's verifiers
 * expect: written for the SM2 signer, written and read for low-S ECDSA.
 */

/** A DER INTEGER of a non-negative value (a leading zero byte keeps it positive). */
function derInteger(value: bigint): Buffer {
  const hex = value.toString(16);
  let bytes = Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex');
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

/** SEQUENCE { r, s }; the body of a P-384 signature can pass 127 bytes (one-byte long form), never 255. */
export function encodeSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from(body.length < 0x80 ? [0x30, body.length] : [0x30, 0x81, body.length]), body]);
}

function readLength(der: Uint8Array, at: number): { length: number; next: number } {
  const first = der[at] ?? 0;
  if (first < 0x80) return { length: first, next: at + 1 };
  if (first !== 0x81) throw new Error('ECDSA signature: unexpected DER length');
  return { length: der[at + 1] ?? 0, next: at + 2 };
}

function readInteger(der: Uint8Array, at: number): { value: bigint; next: number } {
  if (der[at] !== 0x02) throw new Error('ECDSA signature: DER INTEGER expected');
  const { length, next } = readLength(der, at + 1);
  return { value: BigInt(`0x${Buffer.from(der.subarray(next, next + length)).toString('hex') || '0'}`), next: next + length };
}

/** r and s of a DER signature; throws naming what is not there. */
export function decodeSignature(der: Uint8Array): { r: bigint; s: bigint } {
  if (der[0] !== 0x30) throw new Error('ECDSA signature: DER SEQUENCE expected');
  const { next } = readLength(der, 1);
  const r = readInteger(der, next);
  return { r: r.value, s: readInteger(der, r.next).value };
}
