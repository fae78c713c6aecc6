/**
 * SM2 signing identities (GB/T 32918.2) for networks under Chinese national cryptography rules,
 * split along fabric-gateway's contract: the `Hash` turns the message into the digest
 * e = SM3(Z ‖ message) and the `Signer` signs e. Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ Gx ‖ Gy ‖ Px ‖ Py)
 * binds the signature to the identity, with the GM/T 0009 default identifier '1234567812345678'.
 *
 * Not node:crypto: OpenSSL 3 (Node 20) signs SM2 with an EMPTY identifier and Node cannot set one
 * (no EVP_PKEY_CTX_set1_id), so its signatures fail on GM Fabric networks; nor can it sign a digest
 * already computed. The curve arithmetic is @noble/curves' (constant-time base-point multiply).
 */
import { createHash, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import type { Hash, Signer } from '@hyperledger/fabric-gateway';
import { Field } from '@noble/curves/abstract/modular';
import { weierstrassN, type WeierstrassPoint } from '@noble/curves/abstract/weierstrass';
import { encodeSignature } from './der';

/** GM/T 0009-2012: the user identifier when the parties agreed on none; what GM Fabric forks use. */
export const SM2_DEFAULT_USER_ID = '1234567812345678';

/** sm2p256v1 (GB/T 32918.5). */
const CURVE = {
  p: BigInt('0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffff'),
  n: BigInt('0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123'),
  h: 1n,
  a: BigInt('0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc'),
  b: BigInt('0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93'),
  Gx: BigInt('0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7'),
  Gy: BigInt('0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0'),
} as const;

const Point = weierstrassN<bigint>(CURVE);
const Fn = Field(CURVE.n);

/** DER of OID 1.2.156.10197.1.301 (sm2p256v1): how an SM2 key names its curve in SPKI and PKCS#8. */
const SM2_CURVE_OID = Buffer.from('06082a811ccf5501822d', 'hex');

/** The signature algorithm a key is for, read from its curve; `other` covers RSA, Ed25519, …. */
export type KeyAlgorithm = 'ecdsa' | 'sm2' | 'other';

export function keyAlgorithm(key: KeyObject): KeyAlgorithm {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  if (publicKey.export({ type: 'spki', format: 'der' }).includes(SM2_CURVE_OID)) return 'sm2';
  return publicKey.asymmetricKeyType === 'ec' ? 'ecdsa' : 'other';
}

function toBigint(bytes: Uint8Array): bigint {
  return BigInt('0x' + (Buffer.from(bytes).toString('hex') || '0'));
}

function to32Bytes(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
}

/** The private scalar, from the PKCS#8 ECPrivateKey: version 1 (02 01 01) then OCTET STRING of 32 bytes. */
function privateScalar(key: KeyObject): bigint {
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const at = der.indexOf(Buffer.from('0201010420', 'hex'));
  const d = at < 0 ? 0n : toBigint(der.subarray(at + 5, at + 37));
  if (d <= 0n || d >= CURVE.n - 1n) throw new Error('not an SM2 private key (no ECPrivateKey scalar in range)');
  return d;
}

/**
 * The `hash` of an SM2 identity: SM3(Z ‖ message). It depends on the public key, so there is one
 * per identity rather than a shared function like hash.sha256.
 */
export function newSm2Hash(key: KeyObject, userId: string = SM2_DEFAULT_USER_ID): Hash {
  const { x, y } = Point.BASE.multiply(privateScalar(key)).toAffine();
  const id = Buffer.from(userId, 'utf8');
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(id.length * 8);
  const z = createHash('sm3')
    .update(Buffer.concat([entl, id, ...[CURVE.a, CURVE.b, CURVE.Gx, CURVE.Gy, x, y].map(to32Bytes)]))
    .digest();
  return (message) => createHash('sm3').update(z).update(message).digest();
}

/**
 * The `signer` of an SM2 identity: signs the digest from newSm2Hash (GB/T 32918.2 §6.1, steps
 * A3–A7) and returns DER SEQUENCE { r, s }, the encoding GM verifiers expect.
 */
export function newSm2Signer(key: KeyObject): Signer {
  const d = privateScalar(key);
  const inverseOnePlusD = Fn.inv(1n + d);
  return (digest) => {
    if (digest.length !== 32) return Promise.reject(new Error(`SM2 signer expects a 32-byte SM3 digest, got ${digest.length} bytes`));
    const e = toBigint(digest);
    for (;;) {
      // 320 random bits reduced mod n-1: the bias is below 2^-64.
      const k = (toBigint(randomBytes(40)) % (CURVE.n - 1n)) + 1n;
      const r = Fn.create(e + Point.BASE.multiply(k).toAffine().x);
      if (r === 0n || r + k === CURVE.n) continue;
      const s = Fn.mul(inverseOnePlusD, Fn.sub(k, Fn.mul(r, d)));
      if (s === 0n) continue;
      return Promise.resolve(encodeSignature(r, s));
    }
  };
}
