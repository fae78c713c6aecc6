/**
 * devnet: a single-process Hyperledger Fabric network for development and tests. It speaks the
 * Fabric Gateway and Deliver protocols, so the unmodified @hyperledger/fabric-gateway client
 * works against it, and runs the chaincode as a service through the chaincode shim protocol.
 */
import { join } from 'node:path';
import { resolveConfig, type DevnetOptions } from './config';
import { runDevnet, type RunningDevnet } from './network';

export type { ChaincodeSource, DevnetOptions, IdentityAlgorithms } from './config';
export { ConfigError, optionsFromEnv } from './config';
export type { FaultSettings, FaultStatus } from './admin/faults';
export type { AdminStatus } from './admin/http';
export type { PeerEndpoint } from './network';
export type { PeerStatus } from './server/peers';
export { parsePolicy, satisfies, type EndorsementPolicy } from './policy/endorsement';
export { DEFAULT_ORGS, issueClientIdentity, type IdentityAlgorithm, type IdentityFiles } from './identity/ca';
export { verifyLedger, type VerifyResult } from './verify';

/** A running devnet, as startDevnet returns it. */
export type Devnet = RunningDevnet;

/** Starts a devnet. Options win over DEVNET_* variables; port 0 picks a free port. */
export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  return runDevnet(resolveConfig(options));
}

/** Where an organisation's client credentials are: PEM certificate, PKCS#8 key, CA certificate. */
export function orgPaths(dir: string, mspId: string): { certPath: string; keyPath: string; caPath: string } {
  const orgDir = join(dir, 'orgs', mspId);
  return { certPath: join(orgDir, 'cert.pem'), keyPath: join(orgDir, 'key.pem'), caPath: join(orgDir, 'ca.pem') };
}
