/**
 * A Fabric connection handed over as one object (on SAP BTP: the credentials of a user-provided
 * service) turned into the FABRIC_* variables that loadFabricConfig reads, so that a binding and
 * plain variables go through the same validation.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A PEM given inline or as the path of a file the process can read. */
export type PemSource = { pem: string } | { path: string };

export interface FabricBinding {
  /** `host:port` of the gateway peer. */
  peerEndpoint: string;
  mspId: string;
  /** X.509 certificate of the identity Lading signs as. */
  certificate: PemSource;
  /** Its PKCS#8 private key. */
  privateKey: PemSource;
  /** CA of the peer's TLS certificate; absent = plaintext (devnet only). */
  tlsRootCert?: PemSource;
  hostAlias?: string;
  channel?: string;
  chaincode?: string;
  /** `ecdsa` or `sm2` (FABRIC_IDENTITY_ALGORITHM): the key type of the identity, checked at connect. */
  identityAlgorithm?: string;
}

/**
 * The FABRIC_* variables for a binding. Inline PEMs are written to `pemDir` (created, owner-only),
 * because the connector reads its identity from files.
 */
export function fabricEnvironmentFromBinding(binding: FabricBinding, pemDir: string): Record<string, string> {
  const fileOf = (source: PemSource, name: string): string => {
    if ('path' in source) return source.path;
    mkdirSync(pemDir, { recursive: true, mode: 0o700 });
    const file = join(pemDir, name);
    writeFileSync(file, source.pem.endsWith('\n') ? source.pem : `${source.pem}\n`, { mode: 0o600 });
    chmodSync(file, 0o600); // an older file of the same name keeps its mode otherwise
    return file;
  };
  const variables: Record<string, string> = {
    FABRIC_PEER_ENDPOINT: binding.peerEndpoint,
    FABRIC_MSP_ID: binding.mspId,
    FABRIC_CERT_PATH: fileOf(binding.certificate, 'cert.pem'),
    FABRIC_KEY_PATH: fileOf(binding.privateKey, 'key.pem'),
  };
  if (binding.tlsRootCert) variables.FABRIC_TLS_CA_CERT = fileOf(binding.tlsRootCert, 'tls-ca.pem');
  if (binding.hostAlias) variables.FABRIC_PEER_HOST_ALIAS = binding.hostAlias;
  if (binding.channel) variables.FABRIC_CHANNEL = binding.channel;
  if (binding.chaincode) variables.FABRIC_CHAINCODE = binding.chaincode;
  if (binding.identityAlgorithm) variables.FABRIC_IDENTITY_ALGORITHM = binding.identityAlgorithm;
  return variables;
}
