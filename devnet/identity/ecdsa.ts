/**
 * ECDSA P-256 signatures the way Fabric's BCCSP treats them: SHA-256 digest, DER encoding,
 * and only the low-S form accepted (Fabric rejects high-S to stop signature malleability).
 * Keys on the SM2 curve go to ./sm2 (a GM fork's BCCSP: SM2 over SM3, no low-S rule).
 */
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { isSm2Key, sm2PrivateScalar, sm2PublicPoint, sm2Sign, sm2Verify } from './sm2';

const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const HALF_ORDER = P256_ORDER >> 1n;

interface RS {
  r: bigint;
  s: bigint;
}

function readDerInteger(der: Uint8Array, offset: number): { value: bigint; next: number } {
  if (der[offset] !== 0x02) throw new Error('DER signature: INTEGER expected');
  const length = der[offset + 1];
  if (length === undefined || length === 0 || length > 33) throw new Error('DER signature: bad INTEGER length');
  const bytes = der.subarray(offset + 2, offset + 2 + length);
  if (bytes.length !== length) throw new Error('DER signature: truncated');
  return { value: BigInt('0x' + Buffer.from(bytes).toString('hex')), next: offset + 2 + length };
}

/** Parses a DER ECDSA-Sig-Value; throws on anything that is not exactly one. */
export function parseDerSignature(der: Uint8Array): RS {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) {
    throw new Error('DER signature: not a SEQUENCE of the right length');
  }
  const r = readDerInteger(der, 2);
  const s = readDerInteger(der, r.next);
  if (s.next !== der.length) throw new Error('DER signature: trailing bytes');
  return { r: r.value, s: s.value };
}

function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = '0' + hex;
  let bytes = Buffer.from(hex, 'hex');
  // A set top bit would read as negative: DER needs a leading zero.
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

export function encodeDerSignature({ r, s }: RS): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

export function isLowS(signature: Uint8Array): boolean {
  const { s } = parseDerSignature(signature);
  return s > 0n && s <= HALF_ORDER;
}

/** Signs SHA-256(data) and normalises to low-S, as Fabric's signers do. */
export function signLowS(privateKey: KeyObject, data: Uint8Array): Buffer {
  const der = sign('sha256', data, { key: privateKey, dsaEncoding: 'der' });
  const rs = parseDerSignature(der);
  return rs.s > HALF_ORDER ? encodeDerSignature({ r: rs.r, s: P256_ORDER - rs.s }) : der;
}

/** A signing function for an identity's private key: low-S ECDSA, or SM2 for an SM2 key. */
export function signerOf(privateKey: KeyObject): (data: Uint8Array) => Buffer {
  if (isSm2Key(privateKey)) {
    const scalar = sm2PrivateScalar(privateKey);
    return (data) => sm2Sign(scalar, data);
  }
  return (data) => signLowS(privateKey, data);
}

export type SignatureCheck = 'ok' | 'malformed' | 'high-s' | 'mismatch';

/** Verifies an ECDSA, SM2 (or Ed25519) signature over data; tells why it fails so errors can say so. */
export function checkSignature(publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): SignatureCheck {
  if (isSm2Key(publicKey)) return sm2Verify(sm2PublicPoint(publicKey), data, signature);
  if (publicKey.asymmetricKeyType === 'ed25519') {
    return verify(null, data, publicKey, signature) ? 'ok' : 'mismatch';
  }
  try {
    if (!isLowS(signature)) return 'high-s';
  } catch {
    return 'malformed';
  }
  return verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, signature) ? 'ok' : 'mismatch';
}

export function publicKeyOf(pem: string): KeyObject {
  return createPublicKey(pem);
}
