import { sign as opensslSign, type KeyObject } from 'node:crypto';
import { hash, signers, type Hash, type Signer } from '@hyperledger/fabric-gateway';

/**
 * ECDSA signing through Node's crypto (OpenSSL) instead of fabric-gateway's pure-JavaScript signer:
 * ~30 µs a P-256 signature against ~300 µs warm (540 µs cold), measured here — and Lading signs
 * every proposal it evaluates or endorses and every transaction it submits. fabric-gateway splits
 * hashing from signing; OpenSSL hashes as it signs, so the identity's `hash` is `hash.none` and the
 * signer gets the message itself (SHA-256 inside, as Fabric verifies). Fabric refuses high-S
 * signatures (malleability); fabric-gateway's signer makes low-S ones, OpenSSL either, so a high S
 * is replaced by n − S. Other curves go to fabric-gateway's signer, which refuses them as before.
 */

/** Group orders of the curves Fabric's MSPs use. */
const CURVE_ORDERS: Readonly<Record<string, bigint>> = {
  prime256v1: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  secp384r1: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
};

export interface EcdsaSigning {
  sign: Signer;
  digest: Hash;
}

export function ecdsaSigning(key: KeyObject): EcdsaSigning {
  const order = CURVE_ORDERS[key.asymmetricKeyDetails?.namedCurve ?? ''];
  if (order === undefined) return { sign: signers.newPrivateKeySigner(key), digest: hash.sha256 };
  return {
    sign: (message) => Promise.resolve(lowS(opensslSign('sha256', message, { key, dsaEncoding: 'der' }), order)),
    digest: hash.none,
  };
}

function readLength(der: Uint8Array, at: number): { length: number; next: number } {
  const first = der[at] ?? 0;
  if (first < 0x80) return { length: first, next: at + 1 };
  // Long form with one length byte: a P-384 signature sequence can reach 104 bytes, never 256.
  if (first !== 0x81) throw new Error('ECDSA signature: unexpected DER length');
  return { length: der[at + 1] ?? 0, next: at + 2 };
}

function readInteger(der: Uint8Array, at: number): { value: bigint; next: number } {
  if (der[at] !== 0x02) throw new Error('ECDSA signature: DER INTEGER expected');
  const { length, next } = readLength(der, at + 1);
  return { value: BigInt(`0x${Buffer.from(der.subarray(next, next + length)).toString('hex') || '0'}`), next: next + length };
}

function derInteger(value: bigint): Buffer {
  const hex = value.toString(16);
  let bytes = Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex');
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]); // DER: stays positive
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

function derSequence(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(body.length < 0x80 ? [0x30, body.length] : [0x30, 0x81, body.length]), body]);
}

/** The DER signature with S ≤ n/2, as Fabric requires: unchanged when it already is. */
export function lowS(der: Uint8Array, order: bigint): Uint8Array {
  if (der[0] !== 0x30) throw new Error('ECDSA signature: DER SEQUENCE expected');
  const { next: body } = readLength(der, 1);
  const r = readInteger(der, body);
  const s = readInteger(der, r.next);
  if (s.value <= order >> 1n) return der;
  return derSequence(Buffer.concat([derInteger(r.value), derInteger(order - s.value)]));
}
