/**
 * devnet's options, and the one place that reads DEVNET_* environment variables. A bad value
 * stops start-up with one line naming the variable.
 */
import type { FaultSettings } from './admin/faults';
import type { IdentityAlgorithm } from './identity/ca';
import { layouts, parsePolicy, PolicySyntaxError, type EndorsementPolicy } from './policy/endorsement';
import type { ChaincodeRuntime } from './shim/types';

/** Where the chaincode comes from. */
export type ChaincodeSource =
  /** An in-process runtime (embedding, tests). */
  | { runtime: ChaincodeRuntime }
  /** A chaincode-as-a-service process already listening there; devnet dials it. `chaincodeId` defaults to `<name>_<version>:<sha256 of that>`. */
  | { address: string; chaincodeId?: string }
  /** Start the process: `command` in `dir` (default `npm run --silent start:caas` in `chaincode`). */
  | { command?: string[]; dir?: string };

export interface DevnetOptions {
  /** gRPC port; 0 picks a free one. Default DEVNET_PORT or 7051. */
  port?: number;
  /** Interface to listen on. Default DEVNET_HOST or 127.0.0.1. */
  host?: string;
  /** Ledger, identities and private data. Default DEVNET_DIR or `.devnet`. */
  dir?: string;
  /** Default `logistics`. */
  channel?: string;
  /** Default `lading`. */
  chaincodeName?: string;
  /** Recorded in transactions. Default `1.0`. */
  chaincodeVersion?: string;
  /** Transactions per block. Default DEVNET_BLOCK_SIZE or 100. */
  blockSize?: number;
  /** A block is cut this long after its first transaction arrived. Default DEVNET_BLOCK_TIMEOUT_MS or 100. */
  blockTimeoutMs?: number;
  /** Admin HTTP port; 0 picks a free one, false disables it. Default DEVNET_ADMIN_PORT or 7060. */
  adminPort?: number | false;
  /** TLS for gRPC; plaintext when absent. Default from DEVNET_TLS_CERT / DEVNET_TLS_KEY (PEM file paths). */
  tls?: { certPath: string; keyPath: string };
  /** Default: DEVNET_CHAINCODE_ADDRESS (dial), else DEVNET_CHAINCODE_CMD in DEVNET_CHAINCODE_DIR. false: no chaincode. */
  chaincode?: ChaincodeSource | false;
  /** Fabric collections_config.json. Default DEVNET_COLLECTIONS or `<chaincode dir>/collections_config.json`. */
  collectionsPath?: string;
  /** The local MSP of the chaincode process (getMspID()). Default DEVNET_PEER_MSP or ShipperMSP. */
  peerMspId?: string;
  /** CORE_CHAINCODE_LOGGING_LEVEL of a chaincode process devnet starts. Default DEVNET_CHAINCODE_LOG_LEVEL or `warning`. */
  chaincodeLogLevel?: string;
  /** Faults active from the start. Default from DEVNET_FAULT_* variables. */
  faults?: FaultSettings;
  /** Where log lines go. Default: stderr with a `[devnet]` prefix. */
  log?: (line: string) => void;
  /**
   * One peer per organisation, each on its own gRPC endpoint (the first on `port`, the next ones
   * on port+1, port+2, … or free ports when `port` is 0). Default DEVNET_PEERS (comma separated);
   * unset: one peer serves every organisation, as before.
   */
  peers?: string[];
  /**
   * The chaincode's endorsement policy in Fabric's syntax, e.g. `AND('ShipperMSP.peer','CarrierMSP.peer')`,
   * `OR(...)`, `OutOf(2, ...)`, or `MAJORITY`; needs `peers`. Default DEVNET_ENDORSEMENT_POLICY;
   * unset: the peer the client is connected to endorses alone and any valid peer endorsement passes.
   */
  endorsementPolicy?: string;
  /**
   * Key and signature algorithm of the organisations' CAs and identities: `ecdsa` (P-256) or `sm2`
   * (SM2 with SM3, as GM Fabric forks use), network-wide or per organisation. Only applies when an
   * organisation's CA is first created. Default DEVNET_IDENTITY_ALGORITHM (`sm2`, `ecdsa`, or
   * entries like `ecdsa,ShipperMSP=sm2`) or ecdsa.
   */
  identityAlgorithm?: IdentityAlgorithm | IdentityAlgorithms;
}

/** Per-organisation algorithms; organisations not named get `fallback` (default ecdsa). */
export interface IdentityAlgorithms {
  fallback?: IdentityAlgorithm;
  orgs: Record<string, IdentityAlgorithm>;
}

export interface ResolvedConfig {
  port: number;
  host: string;
  dir: string;
  channel: string;
  chaincodeName: string;
  chaincodeVersion: string;
  blockSize: number;
  blockTimeoutMs: number;
  adminPort: number | false;
  tls: { certPath: string; keyPath: string } | undefined;
  chaincode: ChaincodeSource | false;
  collectionsPath: string | undefined;
  peerMspId: string;
  chaincodeLogLevel: string;
  faults: FaultSettings;
  log: (line: string) => void;
  /** undefined: the single peer of old. */
  peers: string[] | undefined;
  endorsementPolicy: EndorsementPolicy | undefined;
  /** The policy as configured, for messages. */
  endorsementPolicySource: string | undefined;
  identityAlgorithmOf: (mspId: string) => IdentityAlgorithm;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got '${raw}'`);
  }
  return value;
}

function algorithmName(raw: string, what: string): IdentityAlgorithm {
  const value = raw.trim().toLowerCase();
  if (value === 'ecdsa' || value === 'sm2') return value;
  throw new ConfigError(`${what} must be ecdsa or sm2, got '${raw}'`);
}

/** DEVNET_IDENTITY_ALGORITHM: `sm2`, `ecdsa`, or comma-separated entries, a bare one for every org and `MSPID=alg` for one. */
export function parseIdentityAlgorithms(raw: string | undefined): IdentityAlgorithm | IdentityAlgorithms | undefined {
  if (!raw?.trim()) return undefined;
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 1 && !entries[0]?.includes('=')) return algorithmName(entries[0] ?? '', 'DEVNET_IDENTITY_ALGORITHM');
  const result: IdentityAlgorithms = { orgs: {} };
  for (const entry of entries) {
    const [mspId, algorithm, extra] = entry.split('=');
    if (algorithm === undefined) result.fallback = algorithmName(entry, 'DEVNET_IDENTITY_ALGORITHM');
    else if (!mspId?.trim() || extra !== undefined) throw new ConfigError(`DEVNET_IDENTITY_ALGORITHM entry '${entry}' must be MSPID=ecdsa or MSPID=sm2`);
    else result.orgs[mspId.trim()] = algorithmName(algorithm, `DEVNET_IDENTITY_ALGORITHM for ${mspId.trim()}`);
  }
  return result;
}

function algorithmLookup(setting: IdentityAlgorithm | IdentityAlgorithms | undefined): (mspId: string) => IdentityAlgorithm {
  if (setting === undefined) return () => 'ecdsa';
  if (typeof setting === 'string') {
    const algorithm = algorithmName(setting, 'identityAlgorithm');
    return () => algorithm;
  }
  return (mspId) => setting.orgs[mspId] ?? setting.fallback ?? 'ecdsa';
}

/** DEVNET_CHAINCODE_CMD: a JSON array of strings, or words separated by spaces. */
function command(raw: string | undefined): string[] | undefined {
  if (!raw) return undefined;
  if (raw.trim().startsWith('[')) {
    const parsed = JSON.parse(raw) as unknown;
    if (!Array.isArray(parsed) || !parsed.every((part): part is string => typeof part === 'string') || parsed.length === 0) {
      throw new ConfigError('DEVNET_CHAINCODE_CMD must be a JSON array of strings or a command line');
    }
    return parsed;
  }
  return raw.trim().split(/\s+/);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function chaincodeSource(address?: string, chaincodeId?: string, command?: string[], dir?: string): ChaincodeSource | undefined {
  if (address) return chaincodeId ? { address, chaincodeId } : { address };
  if (!command && !dir) return undefined;
  const source: { command?: string[]; dir?: string } = {};
  if (command) source.command = command;
  if (dir) source.dir = dir;
  return source;
}

/** Options as given by DEVNET_* variables; only variables that are set appear. */
export function optionsFromEnv(env: Env = process.env): DevnetOptions {
  const certPath = env.DEVNET_TLS_CERT;
  const keyPath = env.DEVNET_TLS_KEY;
  if (Boolean(certPath) !== Boolean(keyPath)) throw new ConfigError('DEVNET_TLS_CERT and DEVNET_TLS_KEY must be set together');
  const adminPort = integer(env, 'DEVNET_ADMIN_PORT', -1, 65535);
  const chaincodeAddress = env.DEVNET_CHAINCODE_ADDRESS;
  const chaincodeCommand = command(env.DEVNET_CHAINCODE_CMD);
  const chaincodeDir = env.DEVNET_CHAINCODE_DIR;
  const faults = definedOnly<FaultSettings>({
    failEndorsements: integer(env, 'DEVNET_FAULT_FAIL_ENDORSEMENTS', 0, 1e9),
    mvccConflicts: integer(env, 'DEVNET_FAULT_MVCC_CONFLICTS', 0, 1e9),
    commitDelayMs: integer(env, 'DEVNET_FAULT_COMMIT_DELAY_MS', 0, 3_600_000),
    refuseSeconds: integer(env, 'DEVNET_FAULT_REFUSE_SECONDS', 0, 86_400),
  });
  return definedOnly<DevnetOptions>({
    port: integer(env, 'DEVNET_PORT', 0, 65535),
    host: env.DEVNET_HOST || undefined,
    dir: env.DEVNET_DIR || undefined,
    blockSize: integer(env, 'DEVNET_BLOCK_SIZE', 1, 100_000),
    blockTimeoutMs: integer(env, 'DEVNET_BLOCK_TIMEOUT_MS', 1, 3_600_000),
    // -1 disables the admin API.
    adminPort: adminPort === -1 ? false : adminPort,
    tls: certPath && keyPath ? { certPath, keyPath } : undefined,
    chaincode: chaincodeSource(chaincodeAddress, env.DEVNET_CHAINCODE_ID, chaincodeCommand, chaincodeDir),
    collectionsPath: env.DEVNET_COLLECTIONS || undefined,
    peerMspId: env.DEVNET_PEER_MSP || undefined,
    chaincodeLogLevel: env.DEVNET_CHAINCODE_LOG_LEVEL || undefined,
    faults: Object.keys(faults).length > 0 ? faults : undefined,
    peers: env.DEVNET_PEERS ? env.DEVNET_PEERS.split(',').map((mspId) => mspId.trim()).filter(Boolean) : undefined,
    endorsementPolicy: env.DEVNET_ENDORSEMENT_POLICY || undefined,
    identityAlgorithm: parseIdentityAlgorithms(env.DEVNET_IDENTITY_ALGORITHM),
  });
}

/** Checks the peer list and parses the policy against it; a policy no set of peers can satisfy stops start-up. */
function peersAndPolicy(peers: string[] | undefined, source: string | undefined): { peers: string[] | undefined; policy: EndorsementPolicy | undefined } {
  if (peers === undefined) {
    if (source !== undefined) throw new ConfigError('an endorsement policy (DEVNET_ENDORSEMENT_POLICY) needs several peers (DEVNET_PEERS)');
    return { peers, policy: undefined };
  }
  if (peers.length === 0) throw new ConfigError('peers (DEVNET_PEERS) must name at least one organisation');
  if (new Set(peers).size !== peers.length) throw new ConfigError(`peers (DEVNET_PEERS) names an organisation twice: ${peers.join(',')}`);
  if (source === undefined) return { peers, policy: undefined };
  let policy: EndorsementPolicy;
  try {
    policy = parsePolicy(source, peers);
  } catch (err) {
    if (err instanceof PolicySyntaxError) throw new ConfigError(`endorsement policy (DEVNET_ENDORSEMENT_POLICY) ${JSON.stringify(source)}: ${err.message}`);
    throw err;
  }
  if (layouts(policy, peers).length === 0) throw new ConfigError(`endorsement policy ${JSON.stringify(source)} cannot be satisfied by the peers of ${peers.join(', ')}`);
  return { peers, policy };
}

export const DEFAULT_CHAINCODE_DIR = 'chaincode';
export const DEFAULT_CHAINCODE_COMMAND: readonly string[] = ['npm', 'run', '--silent', 'start:caas'];

function defaultLog(line: string): void {
  process.stderr.write(`[devnet] ${line}\n`);
}

/** Explicit options win over the environment, which wins over the defaults. */
export function resolveConfig(options: DevnetOptions, env: Env = process.env): ResolvedConfig {
  const merged: DevnetOptions = { ...optionsFromEnv(env), ...definedOnly(options) };
  const chaincode = merged.chaincode ?? {};
  const chaincodeDir = chaincode !== false && 'dir' in chaincode && chaincode.dir ? chaincode.dir : DEFAULT_CHAINCODE_DIR;
  const defaultCollections = chaincode !== false && !('runtime' in chaincode) ? `${chaincodeDir}/collections_config.json` : undefined;
  const { peers, policy } = peersAndPolicy(merged.peers, merged.endorsementPolicy);
  const blockSize = merged.blockSize ?? 100;
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new ConfigError(`blockSize must be a positive integer, got ${blockSize}`);
  return {
    port: merged.port ?? 7051,
    host: merged.host ?? '127.0.0.1',
    dir: merged.dir ?? '.devnet',
    channel: merged.channel ?? 'logistics',
    chaincodeName: merged.chaincodeName ?? 'lading',
    chaincodeVersion: merged.chaincodeVersion ?? '1.0',
    blockSize,
    blockTimeoutMs: merged.blockTimeoutMs ?? 100,
    adminPort: merged.adminPort ?? 7060,
    tls: merged.tls,
    chaincode,
    collectionsPath: merged.collectionsPath ?? defaultCollections,
    peerMspId: merged.peerMspId ?? 'ShipperMSP',
    chaincodeLogLevel: merged.chaincodeLogLevel ?? 'warning',
    faults: merged.faults ?? {},
    log: merged.log ?? defaultLog,
    peers,
    endorsementPolicy: policy,
    endorsementPolicySource: policy ? merged.endorsementPolicy : undefined,
    identityAlgorithmOf: algorithmLookup(merged.identityAlgorithm),
  };
}
