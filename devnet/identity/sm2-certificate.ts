/**
 * X.509 certificates with SM2 keys, signed SM2-with-SM3 (OID 1.2.156.10197.1.501, GM/T 0015) with
 * the default identifier, as a GM Fabric CA issues them. WebCrypto (and so @peculiar/x509's
 * generator) knows no SM2: the TBSCertificate is assembled here in DER, names and extensions come
 * from @peculiar/x509. Also the check of such a certificate's signature, which Node's
 * X509Certificate.verify cannot do (it would use an empty SM2 identifier).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject, type X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { sm2PrivateScalar, sm2PublicPoint, sm2Sign, sm2Verify } from './sm2';

/** AlgorithmIdentifier { 1.2.156.10197.1.501 } (SM2 signature with SM3), no parameters. */
const SM2_WITH_SM3 = Buffer.from('300a06082a811ccf55018375', 'hex');

function tlv(tag: number, content: Uint8Array): Buffer {
  const length = content.length;
  const header =
    length < 0x80 ? [tag, length] : length < 0x100 ? [tag, 0x81, length] : [tag, 0x82, length >> 8, length & 0xff];
  return Buffer.concat([Buffer.from(header), content]);
}

const sequence = (...parts: Uint8Array[]): Buffer => tlv(0x30, Buffer.concat(parts));

function time(date: Date): Buffer {
  // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime after.
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}

/**
 * 127 random bits as a DER INTEGER. The top byte is kept in 0x40–0x7f: positive, and never zero —
 * a leading zero byte before one under 0x80 is padding DER forbids, and OpenSSL refuses the whole
 * certificate ("illegal padding"), as it did for about one certificate in 256.
 */
export function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x40;
  return tlv(0x02, bytes);
}

export interface Sm2KeyPair {
  /** PKCS#8 PEM (id-ecPublicKey on sm2p256v1). */
  privateKeyPem: string;
  publicKey: KeyObject;
}

export function newSm2KeyPair(): Sm2KeyPair {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { privateKeyPem, publicKey: createPublicKey(createPrivateKey(privateKeyPem)) };
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(publicKey: KeyObject): string {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha1').update(spki.subarray(spki.length - 65)).digest('hex');
}

export interface Sm2CertificateRequest {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  /** The issuer's key (PKCS#8 PEM) and public key: the subject's own for a self-signed CA. */
  signingKeyPem: string;
  signingPublicKey: KeyObject;
  isCa: boolean;
  notBefore: Date;
  notAfter: Date;
}

export function createSm2Certificate(request: Sm2CertificateRequest): string {
  const usages = request.isCa
    ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature
    : x509.KeyUsageFlags.digitalSignature;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(request.isCa, undefined, true),
    new x509.KeyUsagesExtension(usages, true),
    request.isCa
      ? new x509.SubjectKeyIdentifierExtension(keyIdentifier(request.publicKey))
      : new x509.AuthorityKeyIdentifierExtension(keyIdentifier(request.signingPublicKey)),
  ];
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // version v3
    serialNumber(),
    SM2_WITH_SM3,
    Buffer.from(new x509.Name(request.issuer).toArrayBuffer()),
    sequence(time(request.notBefore), time(request.notAfter)),
    Buffer.from(new x509.Name(request.subject).toArrayBuffer()),
    request.publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, sequence(...extensions.map((extension) => Buffer.from(extension.rawData)))),
  );
  const signature = sm2Sign(sm2PrivateScalar(createPrivateKey(request.signingKeyPem)), tbs);
  const der = sequence(tbs, SM2_WITH_SM3, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Reads one DER element at offset: where its content starts and where the element ends. */
function element(der: Uint8Array, offset: number): { content: number; end: number } {
  const first = der[offset + 1] ?? 0;
  if (first < 0x80) return { content: offset + 2, end: offset + 2 + first };
  const count = first & 0x7f;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + (der[offset + 2 + i] ?? 0);
  return { content: offset + 2 + count, end: offset + 2 + count + length };
}

/** True when cert is signed SM2-with-SM3 and its signature verifies under issuerKey (default identifier). */
export function verifySm2CertificateSignature(cert: X509Certificate, issuerKey: KeyObject): boolean {
  const der = cert.raw;
  const outer = element(der, 0);
  const tbs = element(der, outer.content);
  const algorithm = element(der, tbs.end);
  if (!Buffer.from(der.subarray(tbs.end, algorithm.end)).equals(SM2_WITH_SM3)) return false;
  const bitString = element(der, algorithm.end);
  if (der[algorithm.end] !== 0x03 || der[bitString.content] !== 0) return false;
  const signature = der.subarray(bitString.content + 1, bitString.end);
  return sm2Verify(sm2PublicPoint(issuerKey), der.subarray(outer.content, tbs.end), signature) === 'ok';
}
