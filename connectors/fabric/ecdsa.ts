import { sign as opensslSign, type KeyObject } from 'node:crypto';
import { hash, signers, type Hash, type Signer } from '@hyperledger/fabric-gateway';
import { decodeSignature, encodeSignature } from './der';

/**
 * ECDSA signing through Node's crypto (OpenSSL) instead of fabric-gateway's pure-JavaScript signer:
 * 33–44 µs a P-256 signature, low-S included, against 311–332 µs warm and ~500 µs in a first round
 * (`npx tsx bench/experiments/signing.ts 500`) — and Lading signs
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

/** The DER signature with S ≤ n/2, as Fabric requires: unchanged when it already is. */
export function lowS(der: Uint8Array, order: bigint): Uint8Array {
  const { r, s } = decodeSignature(der);
  return s <= order >> 1n ? der : encodeSignature(r, order - s);
}
