/**
 * The channel's MSP configuration: which organisations exist and which CA each trusts.
 * Validates a creator (serialized msp.SerializedIdentity) like Fabric's MSP does: known MSP id,
 * X.509 certificate issued and signed by that org's CA, within its validity period.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import { checkSignature, type SignatureCheck } from './ecdsa';
import { isSm2Key } from './sm2';
import { verifySm2CertificateSignature } from './sm2-certificate';

export interface Identity {
  mspId: string;
  certPem: string;
  publicKey: KeyObject;
  /** Organisational units of the subject (NodeOUs: client, peer, admin, orderer). */
  roles: string[];
}

function subjectOUs(cert: X509Certificate): string[] {
  return cert.subject
    .split('\n')
    .filter((line) => line.startsWith('OU='))
    .map((line) => line.slice(3));
}

export class IdentityError extends Error {
  override readonly name = 'IdentityError';
}

const CACHE_LIMIT = 1000;

export class MspRegistry {
  readonly #cas = new Map<string, X509Certificate>();
  /** Validated creators by their serialized bytes: parsing X.509 on every request is the hot path. */
  readonly #cache = new Map<string, { identity: Identity; validTo: number }>();

  constructor(orgs: ReadonlyArray<{ mspId: string; caCertPem: string }>) {
    for (const org of orgs) this.#cas.set(org.mspId, new X509Certificate(org.caCertPem));
  }

  get mspIds(): string[] {
    return [...this.#cas.keys()];
  }

  /** Throws IdentityError when the creator is not a valid member of a channel organisation. */
  validateCreator(creator: Uint8Array): Identity {
    if (creator.length === 0) throw new IdentityError('creator is empty');
    // latin1 maps each byte to one char: an exact key, read from the bytes in place (no copy, no base64).
    const cacheKey = Buffer.from(creator.buffer, creator.byteOffset, creator.byteLength).toString('latin1');
    const cached = this.#cache.get(cacheKey);
    if (cached && Date.now() <= cached.validTo) return cached.identity;

    let serialized: msp.SerializedIdentity;
    try {
      serialized = msp.SerializedIdentity.deserializeBinary(creator);
    } catch (err) {
      throw new IdentityError(`could not deserialize creator: ${String(err)}`);
    }
    const mspId = serialized.getMspid();
    const ca = this.#cas.get(mspId);
    if (!ca) throw new IdentityError(`MSP ${mspId} is not defined on channel`);
    const certPem = Buffer.from(serialized.getIdBytes_asU8()).toString('utf8');
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(certPem);
    } catch (err) {
      throw new IdentityError(`could not parse certificate of ${mspId} identity: ${String(err)}`);
    }
    // Node's verify would check an SM2 certificate with an empty identifier, not GM/T 0015's default.
    const signedByCa = isSm2Key(ca.publicKey) ? verifySm2CertificateSignature(cert, ca.publicKey) : cert.verify(ca.publicKey);
    if (!cert.checkIssued(ca) || !signedByCa) {
      throw new IdentityError(`the supplied identity is not valid: x509: certificate signed by unknown authority (MSP ${mspId})`);
    }
    const identity: Identity = { mspId, certPem, publicKey: cert.publicKey, roles: subjectOUs(cert) };
    this.#checkValidity(cert);
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(cacheKey, { identity, validTo: Date.parse(cert.validTo) });
    return identity;
  }

  #checkValidity(cert: X509Certificate): void {
    const now = Date.now();
    if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) {
      throw new IdentityError('the supplied identity is not valid: x509: certificate has expired or is not yet valid');
    }
  }

  /** Validates the identity and its signature over data (Fabric's SignedData check). */
  verifySignedData(identityBytes: Uint8Array, data: Uint8Array, signature: Uint8Array): Identity {
    const identity = this.validateCreator(identityBytes);
    const check: SignatureCheck = checkSignature(identity.publicKey, data, signature);
    if (check !== 'ok') throw new IdentityError(signatureMessage(check, identity.mspId));
    return identity;
  }
}

export function signatureMessage(check: Exclude<SignatureCheck, 'ok'>, mspId: string): string {
  switch (check) {
    case 'high-s':
      return `signature of ${mspId} identity is invalid: invalid S, must be smaller than half the order`;
    case 'malformed':
      return `signature of ${mspId} identity is malformed`;
    case 'mismatch':
      return `signature of ${mspId} identity is invalid: the signature is invalid`;
  }
}
