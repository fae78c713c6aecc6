/**
 * The Fabric connector's configuration: one typed object, read from the environment once,
 * validated at start-up. A bad value stops the process with one error that names the variable.
 *
 * | Variable                          | Meaning                                                        | Default     |
 * |-----------------------------------|----------------------------------------------------------------|-------------|
 * | FABRIC_PEER_ENDPOINT              | Gateway peer, `host:port`                                      | (required)  |
 * | FABRIC_PEER_HOST_ALIAS            | TLS server name to expect when it differs from the host        | (none)      |
 * | FABRIC_TLS_CA_CERT                | PEM file of the CA that signed the peer's TLS certificate;     | (none)      |
 * |                                   | absent = plaintext gRPC (devnet only)                          |             |
 * | FABRIC_MSP_ID                     | MSP ID of the identity Lading signs as, e.g. `ShipperMSP`      | (required)  |
 * | FABRIC_CERT_PATH                  | PEM file of that identity's X.509 certificate                  | (required)  |
 * | FABRIC_KEY_PATH                   | PEM file of its private key (PKCS#8)                           | (required)  |
 * | FABRIC_IDENTITY_ALGORITHM         | `ecdsa` (P-256) or `sm2` (SM2 with SM3, GM networks); must     | `ecdsa`     |
 * |                                   | match the certificate's key                                    |             |
 * | FABRIC_CHANNEL                    | Channel name                                                   | `logistics` |
 * | FABRIC_CHAINCODE                  | Chaincode name                                                 | `lading`    |
 * | FABRIC_EVALUATE_TIMEOUT_MS        | Deadline of a query (evaluate)                                 | 5000        |
 * | FABRIC_ENDORSE_TIMEOUT_MS         | Deadline of an endorsement                                     | 15000       |
 * | FABRIC_SUBMIT_TIMEOUT_MS          | Deadline of handing the endorsed transaction to ordering       | 5000        |
 * | FABRIC_COMMIT_STATUS_TIMEOUT_MS   | How long to wait for the commit status of a submitted tx       | 60000       |
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyAlgorithm } from './sm2';

/** Deadlines in milliseconds for each kind of gateway call. */
export interface FabricTimeouts {
  /** Query (evaluate). Default 5000. */
  evaluateMs: number;
  /** Endorsement (chaincode run on the endorsing peers). Default 15000. */
  endorseMs: number;
  /** Hand-over of the endorsed transaction to ordering. Default 5000. */
  submitMs: number;
  /** Wait for the transaction's commit status; on expiry the outcome is unknown. Default 60000. */
  commitStatusMs: number;
}

/** How the identity signs: ECDSA (P-256, SHA-256) or SM2 (SM3, GM/T 0009 default identifier). */
export type IdentityAlgorithm = 'ecdsa' | 'sm2';
export const IDENTITY_ALGORITHMS: readonly IdentityAlgorithm[] = ['ecdsa', 'sm2'];

/** The identity Lading signs transactions with. */
export interface FabricIdentityFiles {
  mspId: string;
  /** PEM X.509 certificate. */
  certPath: string;
  /** PEM PKCS#8 private key. */
  keyPath: string;
  /** Signature algorithm of the identity; checked against the certificate at connect. Default `ecdsa`. */
  identityAlgorithm?: IdentityAlgorithm;
}

export interface FabricConfig extends FabricIdentityFiles {
  /** `host:port` of the gateway peer. */
  peerEndpoint: string;
  /** TLS server name override (`grpc.ssl_target_name_override`); undefined = the endpoint's host. */
  peerHostAlias?: string;
  /** PEM CA certificate for TLS; undefined = plaintext (devnet). */
  tlsCaCertPath?: string;
  /** Default `logistics`. */
  channel: string;
  /** Default `lading`. */
  chaincode: string;
  timeouts: FabricTimeouts;
}

export const DEFAULT_CHANNEL = 'logistics';
export const DEFAULT_CHAINCODE = 'lading';
export const DEFAULT_TIMEOUTS: Readonly<FabricTimeouts> = Object.freeze({
  evaluateMs: 5_000,
  endorseMs: 15_000,
  submitMs: 5_000,
  commitStatusMs: 60_000,
});

/** A configuration value is missing or malformed; `variable` names the culprit. */
export class FabricConfigError extends Error {
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'FabricConfigError';
    this.variable = variable;
  }
}

type Environment = Readonly<Record<string, string | undefined>>;

/** Reads and validates the configuration; throws FabricConfigError on the first bad value. */
export function loadFabricConfig(env: Environment = process.env): FabricConfig {
  const config: FabricConfig = {
    peerEndpoint: endpoint(env, 'FABRIC_PEER_ENDPOINT'),
    peerHostAlias: optional(env, 'FABRIC_PEER_HOST_ALIAS'),
    tlsCaCertPath: optionalFile(env, 'FABRIC_TLS_CA_CERT'),
    mspId: mspId(env, 'FABRIC_MSP_ID'),
    certPath: requiredFile(env, 'FABRIC_CERT_PATH'),
    keyPath: requiredFile(env, 'FABRIC_KEY_PATH'),
    identityAlgorithm: optional(env, 'FABRIC_IDENTITY_ALGORITHM') === undefined ? undefined : identityAlgorithm(env, 'FABRIC_IDENTITY_ALGORITHM'),
    channel: optional(env, 'FABRIC_CHANNEL') ?? DEFAULT_CHANNEL,
    chaincode: optional(env, 'FABRIC_CHAINCODE') ?? DEFAULT_CHAINCODE,
    timeouts: {
      evaluateMs: millis(env, 'FABRIC_EVALUATE_TIMEOUT_MS', DEFAULT_TIMEOUTS.evaluateMs),
      endorseMs: millis(env, 'FABRIC_ENDORSE_TIMEOUT_MS', DEFAULT_TIMEOUTS.endorseMs),
      submitMs: millis(env, 'FABRIC_SUBMIT_TIMEOUT_MS', DEFAULT_TIMEOUTS.submitMs),
      commitStatusMs: millis(env, 'FABRIC_COMMIT_STATUS_TIMEOUT_MS', DEFAULT_TIMEOUTS.commitStatusMs),
    },
  };
  assertPemKey(config.keyPath, 'FABRIC_KEY_PATH');
  return config;
}

/**
 * Identity files of a devnet organisation: devnet writes `<dir>/orgs/<MSPID>/cert.pem` and
 * `key.pem` for each of its orgs when it starts. The algorithm is the certificate's (devnet
 * issues ECDSA or SM2 identities, as DEVNET_IDENTITY_ALGORITHM says).
 */
export function devnetIdentity(dir: string, mspId: string): FabricIdentityFiles {
  const orgDir = join(dir, 'orgs', mspId);
  const certPath = existingFile(join(orgDir, 'cert.pem'), `devnet identity of ${mspId}`);
  return {
    mspId,
    certPath,
    keyPath: existingFile(join(orgDir, 'key.pem'), `devnet identity of ${mspId}`),
    ...(certifiesSm2(certPath) ? { identityAlgorithm: 'sm2' as const } : {}),
  };
}

/** An unreadable certificate is left to connectLedger, which names the problem. */
function certifiesSm2(certPath: string): boolean {
  try {
    return keyAlgorithm(new X509Certificate(readFileSync(certPath)).publicKey) === 'sm2';
  } catch {
    return false;
  }
}

/** Full configuration for one devnet org: plaintext, default channel and chaincode. */
export function devnetConfig(
  address: string,
  dir: string,
  mspId: string,
  overrides: Partial<Omit<FabricConfig, 'timeouts'>> & { timeouts?: Partial<FabricTimeouts> } = {},
): FabricConfig {
  const { timeouts, ...rest } = overrides;
  return {
    peerEndpoint: address,
    channel: DEFAULT_CHANNEL,
    chaincode: DEFAULT_CHAINCODE,
    ...devnetIdentity(dir, mspId),
    ...rest,
    timeouts: { ...DEFAULT_TIMEOUTS, ...timeouts },
  };
}

function optional(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function required(env: Environment, name: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new FabricConfigError(name, 'is required but not set');
  return value;
}

function endpoint(env: Environment, name: string): string {
  const value = required(env, name);
  const match = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : 0;
  if (!match || port < 1 || port > 65535) {
    throw new FabricConfigError(name, `expected host:port, got "${value}"`);
  }
  return value;
}

function mspId(env: Environment, name: string): string {
  const value = required(env, name);
  if (!/^[A-Za-z0-9._-]+$/.test(value)) throw new FabricConfigError(name, `not a valid MSP ID: "${value}"`);
  return value;
}

/** Exported for callers that pick the algorithm of a devnet identity from the same variable. */
export function identityAlgorithm(env: Environment, name: string): IdentityAlgorithm {
  const value = optional(env, name)?.toLowerCase();
  if (value === undefined) return 'ecdsa';
  const known = IDENTITY_ALGORITHMS.find((algorithm) => algorithm === value);
  if (!known) throw new FabricConfigError(name, `must be ecdsa or sm2, got "${env[name] ?? ''}"`);
  return known;
}

function requiredFile(env: Environment, name: string): string {
  return existingFile(required(env, name), name);
}

function optionalFile(env: Environment, name: string): string | undefined {
  const value = optional(env, name);
  return value === undefined ? undefined : existingFile(value, name);
}

function existingFile(path: string, variable: string): string {
  try {
    readFileSync(path);
  } catch (err) {
    throw new FabricConfigError(variable, `cannot read file "${path}" (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return path;
}

function millis(env: Environment, name: string, fallback: number): number {
  const value = optional(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new FabricConfigError(name, `expected a positive whole number of milliseconds, got "${value}"`);
  }
  return parsed;
}

function assertPemKey(path: string, variable: string): void {
  // Only PKCS#8 is accepted because that is what signers.newPrivateKeySigner is documented for.
  if (!readFileSync(path, 'utf8').includes('-----BEGIN PRIVATE KEY-----')) {
    throw new FabricConfigError(variable, `"${path}" is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY)`);
  }
}
