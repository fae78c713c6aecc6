/**
 * The devnet certificate authorities: one self-signed CA per organisation, ECDSA P-256 or (for a
 * GM network) SM2, a client identity and a peer (endorser) identity issued by it. Created on
 * first start under `<dir>/orgs/<MSPID>/` and reused afterwards, so applications can keep their
 * credentials.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { ConfigError } from '../config';
import { isSm2Key } from './sm2';
import { createSm2Certificate, newSm2KeyPair } from './sm2-certificate';

export const DEFAULT_ORGS: readonly string[] = ['ShipperMSP', 'CarrierMSP', 'BrokerMSP', 'ConsigneeMSP', 'FinanceMSP'];

export interface IdentityFiles {
  certPem: string;
  /** PKCS#8 PEM. */
  keyPem: string;
}

/** Key and signature algorithm of an organisation's CA and identities. */
export type IdentityAlgorithm = 'ecdsa' | 'sm2';

export interface OrgMaterial {
  mspId: string;
  algorithm: IdentityAlgorithm;
  caCertPem: string;
  client: IdentityFiles;
  peer: IdentityFiles;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const VALIDITY_YEARS = 10;

function webCrypto(): Crypto {
  return globalThis.crypto;
}

async function newKeyPair(): Promise<CryptoKeyPair> {
  return webCrypto().subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webCrypto().subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

async function importPkcs8(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return webCrypto().subtle.importKey('pkcs8', der, ALGORITHM, true, ['sign']);
}

function validity(): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(Date.now() - 60_000); // tolerate small clock skew
  const notAfter = new Date(notBefore);
  notAfter.setFullYear(notAfter.getFullYear() + VALIDITY_YEARS);
  return { notBefore, notAfter };
}

function domainOf(mspId: string): string {
  return mspId.replace(/MSP$/, '').toLowerCase() + '.lading.devnet';
}

async function createCa(mspId: string): Promise<{ certPem: string; keys: CryptoKeyPair }> {
  const keys = await newKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: `CN=ca.${domainOf(mspId)}, O=${domainOf(mspId)}`,
      keys,
      signingAlgorithm: ALGORITHM,
      ...validity(),
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webCrypto()),
      ],
    },
    webCrypto(),
  );
  return { certPem: cert.toString('pem') + '\n', keys };
}

async function issue(caCertPem: string, caKey: CryptoKey, commonName: string, ou: 'client' | 'peer'): Promise<IdentityFiles> {
  const caCert = new x509.X509Certificate(caCertPem);
  const keys = await newKeyPair();
  const cert = await x509.X509CertificateGenerator.create(
    {
      subject: `CN=${commonName}, OU=${ou}, O=${caCert.subjectName.getField('O')[0] ?? ''}`,
      issuer: caCert.subject,
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm: ALGORITHM,
      ...validity(),
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        await x509.AuthorityKeyIdentifierExtension.create(caCert, false, webCrypto()),
      ],
    },
    webCrypto(),
  );
  return { certPem: cert.toString('pem') + '\n', keyPem: await pkcs8Pem(keys.privateKey) };
}

async function createSm2Ca(mspId: string): Promise<{ certPem: string; keyPem: string }> {
  const keys = newSm2KeyPair();
  const name = `CN=ca.${domainOf(mspId)}, O=${domainOf(mspId)}`;
  const certPem = createSm2Certificate({
    subject: name, issuer: name, publicKey: keys.publicKey, signingKeyPem: keys.privateKeyPem, signingPublicKey: keys.publicKey, isCa: true, ...validity(),
  });
  return { certPem, keyPem: keys.privateKeyPem };
}

function issueSm2(caCertPem: string, caKeyPem: string, commonName: string, ou: 'client' | 'peer'): IdentityFiles {
  const caCert = new x509.X509Certificate(caCertPem);
  const keys = newSm2KeyPair();
  const certPem = createSm2Certificate({
    subject: `CN=${commonName}, OU=${ou}, O=${caCert.subjectName.getField('O')[0] ?? ''}`,
    issuer: caCert.subject,
    publicKey: keys.publicKey,
    signingKeyPem: caKeyPem,
    signingPublicKey: new X509Certificate(caCertPem).publicKey,
    isCa: false,
    ...validity(),
  });
  return { certPem, keyPem: keys.privateKeyPem };
}

function algorithmOfCa(caCertPem: string): IdentityAlgorithm {
  return isSm2Key(new X509Certificate(caCertPem).publicKey) ? 'sm2' : 'ecdsa';
}

async function writeIdentity(dir: string, files: IdentityFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'cert.pem'), files.certPem);
  await writeFile(join(dir, 'key.pem'), files.keyPem, { mode: 0o600 });
}

async function readIdentity(dir: string): Promise<IdentityFiles> {
  return {
    certPem: await readFile(join(dir, 'cert.pem'), 'utf8'),
    keyPem: await readFile(join(dir, 'key.pem'), 'utf8'),
  };
}

/** Creates the org's CA and identities if missing, else loads them. */
async function ensureOrg(orgsDir: string, mspId: string, algorithm: IdentityAlgorithm): Promise<OrgMaterial> {
  const dir = join(orgsDir, mspId);
  const caPath = join(dir, 'ca.pem');
  const caKeyPath = join(dir, 'ca-key.pem');
  if (!existsSync(caPath) && algorithm === 'sm2') {
    const ca = await createSm2Ca(mspId);
    await mkdir(dir, { recursive: true });
    await writeFile(caKeyPath, ca.keyPem, { mode: 0o600 });
    await writeIdentity(dir, issueSm2(ca.certPem, ca.keyPem, `User1@${domainOf(mspId)}`, 'client'));
    await writeIdentity(join(dir, 'peer'), issueSm2(ca.certPem, ca.keyPem, `peer0.${domainOf(mspId)}`, 'peer'));
    await writeFile(caPath, ca.certPem);
  }
  if (!existsSync(caPath)) {
    const ca = await createCa(mspId);
    await mkdir(dir, { recursive: true });
    await writeFile(caKeyPath, await pkcs8Pem(ca.keys.privateKey), { mode: 0o600 });
    // ca.pem last: its presence marks a complete CA.
    const client = await issue(ca.certPem, ca.keys.privateKey, `User1@${domainOf(mspId)}`, 'client');
    await writeIdentity(dir, client);
    const peer = await issue(ca.certPem, ca.keys.privateKey, `peer0.${domainOf(mspId)}`, 'peer');
    await writeIdentity(join(dir, 'peer'), peer);
    await writeFile(caPath, ca.certPem);
  }
  const caCertPem = await readFile(caPath, 'utf8');
  const existing = algorithmOfCa(caCertPem);
  if (existing !== algorithm) {
    throw new ConfigError(
      `${mspId} in ${dir} has ${existing} identities but ${algorithm} was asked for (DEVNET_IDENTITY_ALGORITHM): use a fresh devnet directory or the algorithm it was made with`,
    );
  }
  return {
    mspId,
    algorithm,
    caCertPem,
    client: await readIdentity(dir),
    peer: await readIdentity(join(dir, 'peer')),
  };
}

export async function ensureOrgs(
  dir: string,
  mspIds: readonly string[] = DEFAULT_ORGS,
  algorithmOf: (mspId: string) => IdentityAlgorithm = () => 'ecdsa',
): Promise<OrgMaterial[]> {
  const orgsDir = join(dir, 'orgs');
  const result: OrgMaterial[] = [];
  for (const mspId of mspIds) result.push(await ensureOrg(orgsDir, mspId, algorithmOf(mspId)));
  return result;
}

/** Issues an extra client identity from an org's CA (for embedders and tests). */
export async function issueClientIdentity(dir: string, mspId: string, commonName: string): Promise<IdentityFiles> {
  const orgDir = join(dir, 'orgs', mspId);
  const caCertPem = await readFile(join(orgDir, 'ca.pem'), 'utf8');
  const caKeyPem = await readFile(join(orgDir, 'ca-key.pem'), 'utf8');
  if (algorithmOfCa(caCertPem) === 'sm2') return issueSm2(caCertPem, caKeyPem, commonName, 'client');
  return issue(caCertPem, await importPkcs8(caKeyPem), commonName, 'client');
}
