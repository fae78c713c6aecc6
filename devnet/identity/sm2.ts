/**
 * SM2 signatures (GB/T 32918.2, GM/T 0003.2) with SM3 digests, the way the GM forks of Fabric
 * check them: e = SM3(Z ‖ M), Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ Gx ‖ Gy ‖ Px ‖ Py) with the GM/T 0009
 * default identifier '1234567812345678', signature DER SEQUENCE { r, s }.
 *
 * Not node:crypto: OpenSSL 3 signs and verifies SM2 with an EMPTY identifier unless the caller
 * sets one (EVP_PKEY_CTX_set1_id), and Node offers no way to; its signatures would not verify on a
 * GM network. The curve arithmetic is @noble/curves'; the SM2 equations are here.
 */
import { createHash, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { Field } from '@noble/curves/abstract/modular';
import { weierstrassN, type WeierstrassPoint } from '@noble/curves/abstract/weierstrass';

/** GM/T 0009-2012 §10: the identifier used when the parties agreed on none. */
export const SM2_DEFAULT_ID = '1234567812345678';

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
export type Sm2Point = WeierstrassPoint<bigint>;

/** DER of the curve OID 1.2.156.10197.1.301 (sm2p256v1), as it appears in SPKI and PKCS#8. */
const SM2_CURVE_OID = Buffer.from('06082a811ccf5501822d', 'hex');

const sm2Keys = new WeakMap<KeyObject, boolean>();

/** True for a key on the SM2 curve (Node reports no asymmetricKeyType for those). */
export function isSm2Key(key: KeyObject): boolean {
  let known = sm2Keys.get(key);
  if (known === undefined) {
    const publicKey = key.type === 'private' ? createPublicKey(key) : key;
    known = publicKey.export({ type: 'spki', format: 'der' }).includes(SM2_CURVE_OID);
    sm2Keys.set(key, known);
  }
  return known;
}

const points = new WeakMap<KeyObject, Sm2Point>();

/** The public point of an SM2 key (its SPKI ends with the uncompressed point 04 ‖ x ‖ y). */
export function sm2PublicPoint(key: KeyObject): Sm2Point {
  let point = points.get(key);
  if (!point) {
    const spki = (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' });
    point = Point.fromBytes(spki.subarray(spki.length - 65));
    point.assertValidity();
    points.set(key, point);
  }
  return point;
}

/** The private scalar d of an SM2 key, read from its PKCS#8 ECPrivateKey (OCTET STRING of 32 bytes after version 1). */
export function sm2PrivateScalar(key: KeyObject): bigint {
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const at = der.indexOf(Buffer.from('0201010420', 'hex'));
  if (at < 0) throw new Error('SM2 private key: no ECPrivateKey in PKCS#8');
  const d = bytesToBigint(der.subarray(at + 5, at + 37));
  if (d <= 0n || d >= CURVE.n - 1n) throw new Error('SM2 private key: scalar out of range');
  return d;
}

function bytesToBigint(bytes: Uint8Array): bigint {
  return BigInt('0x' + (Buffer.from(bytes).toString('hex') || '0'));
}

function bytes32(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
}

/** Z_A: binds the signature to the signer's identifier and public key. */
function zValue(publicPoint: Sm2Point, id: string): Buffer {
  const idBytes = Buffer.from(id, 'utf8');
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(idBytes.length * 8);
  const { x, y } = publicPoint.toAffine();
  return createHash('sm3')
    .update(Buffer.concat([entl, idBytes, bytes32(CURVE.a), bytes32(CURVE.b), bytes32(CURVE.Gx), bytes32(CURVE.Gy), bytes32(x), bytes32(y)]))
    .digest();
}

function digestScalar(publicPoint: Sm2Point, message: Uint8Array, id: string): bigint {
  return bytesToBigint(createHash('sm3').update(zValue(publicPoint, id)).update(message).digest());
}

function derInteger(value: bigint): Buffer {
  const hex = value.toString(16);
  let bytes = Buffer.from(hex.length % 2 === 1 ? '0' + hex : hex, 'hex');
  // A set top bit would read as negative: DER needs a leading zero.
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

function encodeSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** Parses DER SEQUENCE { r INTEGER, s INTEGER }; undefined when it is not exactly that. */
function decodeSignature(der: Uint8Array): { r: bigint; s: bigint } | undefined {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const read = (at: number): { value: bigint; next: number } | undefined => {
    const length = der[at + 1];
    if (der[at] !== 0x02 || length === undefined || length === 0 || length > 33 || at + 2 + length > der.length) return undefined;
    return { value: bytesToBigint(der.subarray(at + 2, at + 2 + length)), next: at + 2 + length };
  };
  const r = read(2);
  const s = r && read(r.next);
  if (!r || !s || s.next !== der.length) return undefined;
  return { r: r.value, s: s.value };
}

/** Signs message as the key d (GB/T 32918.2 §6.1). */
export function sm2Sign(privateScalar: bigint, message: Uint8Array, id: string = SM2_DEFAULT_ID): Buffer {
  const publicPoint = Point.BASE.multiply(privateScalar);
  const e = digestScalar(publicPoint, message, id);
  const inverse = Fn.inv(1n + privateScalar);
  for (;;) {
    const k = bytesToBigint(randomBytes(40)) % (CURVE.n - 1n) + 1n;
    const r = Fn.create(e + Point.BASE.multiply(k).toAffine().x);
    if (r === 0n || r + k === CURVE.n) continue;
    const s = Fn.mul(inverse, Fn.sub(k, Fn.mul(r, privateScalar)));
    if (s !== 0n) return encodeSignature(r, s);
  }
}

export type Sm2Check = 'ok' | 'malformed' | 'mismatch';

/** Verifies an SM2 signature over message (GB/T 32918.2 §7.1). */
export function sm2Verify(publicPoint: Sm2Point, message: Uint8Array, signature: Uint8Array, id: string = SM2_DEFAULT_ID): Sm2Check {
  const rs = decodeSignature(signature);
  if (!rs) return 'malformed';
  const { r, s } = rs;
  if (r < 1n || r >= CURVE.n || s < 1n || s >= CURVE.n) return 'mismatch';
  const t = Fn.add(r, s);
  if (t === 0n) return 'mismatch';
  const sum = Point.BASE.multiplyUnsafe(s).add(publicPoint.multiplyUnsafe(t));
  if (sum.is0()) return 'mismatch';
  return Fn.create(digestScalar(publicPoint, message, id) + sum.toAffine().x) === r ? 'ok' : 'mismatch';
}
