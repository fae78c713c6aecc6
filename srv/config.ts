/**
 * Lading's configuration, read once from the environment and validated: a bad value stops the
 * process with one line naming the variable. Every variable is documented in .env.sample.
 */

import { parseHostPorts, queuePrefixFor, RedisTopologyError, type RedisTopology } from '../connectors/queue/connection';
import { payloadHashAlgorithm, PayloadHashConfigError, type PayloadHashAlgorithm } from './observability/payload-hash';
import { applyBtpBindings, VcapError } from './btp';

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Configuration error: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export interface InboundConfig {
  /** Largest IDoc document accepted over HTTP, in bytes (IDOC_MAX_BYTES, default 20 MiB). */
  maxPayloadBytes: number;
  /** SAP time zone code of sending systems, for control-record times (IDOC_SENDER_TIME_ZONE, default UTC). */
  senderTimeZone: string;
  /** Hash of each IDoc payload that its ledger events carry (LADING_HASH_ALGORITHM: sha256, default, or sm3). */
  payloadHashAlgorithm: PayloadHashAlgorithm;
}

export interface PipelineConfig {
  /** Run the ERP → ledger pipeline in this process (LADING_PIPELINE=on|off, default on). */
  enabled: boolean;
  /** REDIS_URL; unset: 127.0.0.1:6379 if it answers, else a private redis-server. */
  redisUrl?: string;
  /**
   * Sentinel (REDIS_SENTINELS=host:port,…, REDIS_SENTINEL_NAME default mymaster) or Cluster
   * (REDIS_CLUSTER_NODES=host:port,…), with REDIS_PASSWORD; neither: one server (REDIS_URL).
   */
  redisTopology: RedisTopology;
  /** Prefix of every BullMQ key (QUEUE_PREFIX, default lading; in a cluster wrapped in a hash tag: {lading}). */
  queuePrefix: string;
  /** Lease of a singleton role (ledger relay, SAP listener and sweeps), ms: failover takes up to this (LADING_LEADER_LEASE_MS, default 5000). */
  leaderLeaseMs: number;
  /** SAP deliveries sent at once per instance (SAP_SEND_CONCURRENCY, default 4). */
  sapSendConcurrency: number;
  /** Ledger-submit partitions: Fabric transactions in flight per instance (LEDGER_PARTITIONS, default 2, measured on 2 cores: bench/README.md). */
  partitions: number;
  /** Most IDocs per ledger transaction (LEDGER_BATCH_MAX, default 100). */
  maxBatch: number;
  /** How long a batch waits for more IDocs, ms (LEDGER_BATCH_LINGER_MS, default 20). */
  lingerMs: number;
  /** Lock on a job in work, ms; a killed worker's jobs are taken over after it (LEDGER_LOCK_MS, default 30000). */
  lockDurationMs: number;
  /** After how long an unconfirmed outbox row is queued again, ms (LEDGER_REDRIVE_AFTER_MS, default 15000). */
  redriveAfterMs: number;
  /** Committed batches settled in the database at once per instance (LEDGER_CONFIRM_CONCURRENCY, default 4). */
  confirmConcurrency: number;
  /** How often the relay looks for new outbox rows, ms (LEDGER_RELAY_INTERVAL_MS, default 200). */
  relayIntervalMs: number;
  /** Most outbox rows the relay queues per pass (LEDGER_RELAY_BATCH, default 2000). */
  relayBatch: number;
}

export interface DatabaseConfig {
  /** Most PostgreSQL connections per instance (LADING_DB_POOL_MAX, default 10 as @cap-js/postgres). */
  poolMax: number;
  /** How long a request waits for a free connection before it fails, ms (LADING_DB_POOL_ACQUIRE_MS, default 1000 as @cap-js/postgres). */
  poolAcquireTimeoutMs: number;
}

export interface LedgerConfig {
  /** FABRIC_PEER_ENDPOINT set: a real network (connectors/fabric reads the rest). Unset: embedded devnet. */
  fabricConfigured: boolean;
  /** The devnet organisation Lading records as when devnet is embedded (LADING_DEVNET_MSP, default ShipperMSP). */
  devnetMspId: string;
  /** Embedded devnet with one peer per organisation (DEVNET_PEERS=ShipperMSP,CarrierMSP,…); Lading connects to its own organisation's peer. Unset: one peer. */
  devnetPeers?: string[];
  /** Embedded devnet's endorsement policy (DEVNET_ENDORSEMENT_POLICY, Fabric syntax; needs DEVNET_PEERS; devnet checks it). */
  devnetEndorsementPolicy?: string;
  /** FABRIC_IDENTITY_ALGORITHM=sm2 without a network: the embedded devnet issues SM2 identities (unless DEVNET_IDENTITY_ALGORITHM says otherwise). */
  devnetIdentityAlgorithm?: 'sm2';
}

export interface SapSideConfig {
  /** Send IDocs to SAP: ledger news and acknowledgements (LADING_SAP=on|off, default on). */
  enabled: boolean;
  /** The `destinations` variable is set: a configured SAP (connectors/sap reads the rest). Unset: the SAP simulator is embedded. */
  destinationConfigured: boolean;
  /** Port of the embedded SAP simulator (SAPSIM_PORT, default 4005; 0 = any free port). */
  simulatorPort: number;
}

export interface LadingConfig {
  inbound: InboundConfig;
  pipeline: PipelineConfig;
  ledger: LedgerConfig;
  sap: SapSideConfig;
  database: DatabaseConfig;
}

type Environment = Record<string, string | undefined>;

function positiveInteger(env: Environment, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new ConfigError(name, `must be a positive whole number, got "${raw}"`);
  return value;
}

function timeZoneCode(env: Environment, name: string, fallback: string): string {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^[A-Z0-9_+-]{1,6}$/.test(raw)) throw new ConfigError(name, `must be an SAP time zone code such as UTC or CET, got "${raw}"`);
  return raw;
}

/** An on/off switch: on, true, 1, yes / off, false, 0, no; anything else stops start-up naming it. */
export function onOff(env: Environment, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['on', 'true', '1', 'yes'].includes(raw)) return true;
  if (['off', 'false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be on or off, got "${env[name]}"`);
}

function redisUrl(env: Environment, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error('protocol');
  } catch {
    throw new ConfigError(name, `must be a redis:// or rediss:// URL, got "${raw}"`);
  }
  return raw;
}

function leaseMs(env: Environment, name: string, fallback: number): number {
  const value = positiveInteger(env, name, fallback);
  if (value < 500) throw new ConfigError(name, `must be at least 500 (ms), got "${env[name]}"`);
  return value;
}

function redisTopology(env: Environment): RedisTopology {
  const sentinels = env.REDIS_SENTINELS?.trim();
  const clusterNodes = env.REDIS_CLUSTER_NODES?.trim();
  const password = env.REDIS_PASSWORD || undefined;
  if (sentinels && clusterNodes) throw new ConfigError('REDIS_SENTINELS', 'and REDIS_CLUSTER_NODES are both set: choose Sentinel or Cluster');
  if ((sentinels || clusterNodes) && env.REDIS_URL?.trim()) {
    throw new ConfigError(sentinels ? 'REDIS_SENTINELS' : 'REDIS_CLUSTER_NODES', 'and REDIS_URL are both set: REDIS_URL names one server');
  }
  const hosts = (name: string, raw: string, defaultPort: number): ReturnType<typeof parseHostPorts> => {
    try {
      return parseHostPorts(raw, defaultPort);
    } catch (error) {
      if (error instanceof RedisTopologyError) throw new ConfigError(name, error.message);
      throw error;
    }
  };
  if (sentinels) {
    return { kind: 'sentinel', sentinels: hosts('REDIS_SENTINELS', sentinels, 26_379), name: env.REDIS_SENTINEL_NAME?.trim() || 'mymaster', ...(password ? { password } : {}) };
  }
  if (clusterNodes) return { kind: 'cluster', nodes: hosts('REDIS_CLUSTER_NODES', clusterNodes, 6_379), ...(password ? { password } : {}) };
  return { kind: 'standalone' };
}

function hashAlgorithm(env: Environment): PayloadHashAlgorithm {
  try {
    return payloadHashAlgorithm(env);
  } catch (error) {
    if (error instanceof PayloadHashConfigError) throw new ConfigError('LADING_HASH_ALGORITHM', error.message.replace(/^Configuration error: LADING_HASH_ALGORITHM /, ''));
    throw error;
  }
}

/** On SAP BTP: REDIS_URL and FABRIC_* from the service bindings, unless set (srv/btp). */
function btpBindings(env: Environment): void {
  try {
    applyBtpBindings(env);
  } catch (error) {
    if (error instanceof VcapError) throw new ConfigError('VCAP_SERVICES', error.message.replace(/^VCAP_SERVICES: /, ''));
    throw error;
  }
}

export function readConfig(env: Environment = process.env): LadingConfig {
  btpBindings(env);
  const topology = redisTopology(env);
  return {
    inbound: {
      maxPayloadBytes: positiveInteger(env, 'IDOC_MAX_BYTES', 20 * 1024 * 1024),
      senderTimeZone: timeZoneCode(env, 'IDOC_SENDER_TIME_ZONE', 'UTC'),
      payloadHashAlgorithm: hashAlgorithm(env),
    },
    pipeline: {
      enabled: onOff(env, 'LADING_PIPELINE', true),
      redisUrl: redisUrl(env, 'REDIS_URL'),
      redisTopology: topology,
      queuePrefix: queuePrefixFor(env.QUEUE_PREFIX?.trim() || 'lading', topology),
      leaderLeaseMs: leaseMs(env, 'LADING_LEADER_LEASE_MS', 5_000),
      sapSendConcurrency: positiveInteger(env, 'SAP_SEND_CONCURRENCY', 4),
      partitions: positiveInteger(env, 'LEDGER_PARTITIONS', 2),
      maxBatch: positiveInteger(env, 'LEDGER_BATCH_MAX', 100),
      lingerMs: positiveInteger(env, 'LEDGER_BATCH_LINGER_MS', 20),
      lockDurationMs: positiveInteger(env, 'LEDGER_LOCK_MS', 30_000),
      redriveAfterMs: positiveInteger(env, 'LEDGER_REDRIVE_AFTER_MS', 15_000),
      confirmConcurrency: positiveInteger(env, 'LEDGER_CONFIRM_CONCURRENCY', 4),
      relayIntervalMs: positiveInteger(env, 'LEDGER_RELAY_INTERVAL_MS', 200),
      relayBatch: positiveInteger(env, 'LEDGER_RELAY_BATCH', 2_000),
    },
    sap: {
      enabled: onOff(env, 'LADING_SAP', true),
      destinationConfigured: Boolean(env.destinations?.trim()) || Boolean(env.VCAP_SERVICES?.includes('"destination"')),
      simulatorPort: env.SAPSIM_PORT?.trim() === '0' ? 0 : positiveInteger(env, 'SAPSIM_PORT', 4005),
    },
    ledger: ledgerConfig(env),
    database: {
      poolMax: positiveInteger(env, 'LADING_DB_POOL_MAX', 10),
      poolAcquireTimeoutMs: positiveInteger(env, 'LADING_DB_POOL_ACQUIRE_MS', 1_000),
    },
  };
}

/**
 * Without a Fabric network Lading embeds devnet — on a developer's machine. In production the
 * embedded ledger would be a private ledger nobody else shares, and it is not deployed there:
 * the pipeline needs FABRIC_PEER_ENDPOINT (or a lading-fabric binding) or stops at start.
 */
function ledgerConfig(env: Environment): LedgerConfig {
  const fabricConfigured = Boolean(env.FABRIC_PEER_ENDPOINT?.trim());
  if (!fabricConfigured && env.NODE_ENV === 'production' && onOff(env, 'LADING_PIPELINE', true)) {
    throw new ConfigError('FABRIC_PEER_ENDPOINT', 'is required in production (bind the lading-fabric service, see docs/deploy.md); the embedded devnet is for development only');
  }
  const devnetMspId = env.LADING_DEVNET_MSP?.trim() || 'ShipperMSP';
  const devnetPeers = env.DEVNET_PEERS?.split(',').map((mspId) => mspId.trim()).filter(Boolean);
  const devnetEndorsementPolicy = env.DEVNET_ENDORSEMENT_POLICY?.trim() || undefined;
  const algorithm = env.FABRIC_IDENTITY_ALGORITHM?.trim().toLowerCase() || 'ecdsa';
  if (algorithm !== 'ecdsa' && algorithm !== 'sm2') throw new ConfigError('FABRIC_IDENTITY_ALGORITHM', `must be ecdsa or sm2, got "${env.FABRIC_IDENTITY_ALGORITHM ?? ''}"`);
  const sm2 = !fabricConfigured && algorithm === 'sm2' && !env.DEVNET_IDENTITY_ALGORITHM?.trim() ? { devnetIdentityAlgorithm: 'sm2' as const } : {};
  if (fabricConfigured || (!devnetPeers?.length && !devnetEndorsementPolicy)) return { fabricConfigured, devnetMspId, ...sm2 };
  if (!devnetPeers?.length) throw new ConfigError('DEVNET_ENDORSEMENT_POLICY', 'needs several peers: set DEVNET_PEERS too (e.g. ShipperMSP,CarrierMSP)');
  // Lading connects to its own organisation's peer, so that organisation needs one.
  if (!devnetPeers.includes(devnetMspId)) {
    throw new ConfigError('DEVNET_PEERS', `must name Lading's own organisation ${devnetMspId} (LADING_DEVNET_MSP), got "${env.DEVNET_PEERS ?? ''}"`);
  }
  return { fabricConfigured, devnetMspId, devnetPeers, ...(devnetEndorsementPolicy ? { devnetEndorsementPolicy } : {}), ...sm2 };
}
