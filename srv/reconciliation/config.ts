import { ConfigError, onOff } from '../config';

/**
 * Reconciliation settings, read from the environment and validated at start-up like srv/config.ts
 * (kept apart so that the core configuration's shape stays as it is). Documented in .env.sample.
 */

export interface ReconciliationConfig {
  /** Cron pattern of the scheduled incremental run (LADING_RECONCILE_CRON, e.g. `0 * * * *`); unset or `off`: on demand only. */
  cron?: string;
  /** SAP's logical system (SNDPRN) whose shipments are compared with its delivery API (LADING_RECONCILE_ERP_PARTNER; default SAP_IDOC_RECEIVER_PARTNER, else S4HCLNT100). */
  erpPartner: string;
  /** Read each ledger event to compare payload hashes (LADING_RECONCILE_VERIFY_HASHES=on|off, default on). */
  verifyPayloadHashes: boolean;
  /** Shipments per batch (LADING_RECONCILE_BATCH, 1..1000, default 500). */
  batchSize: number;
}

type Environment = Record<string, string | undefined>;

function cronPattern(env: Environment, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (!raw || raw.toLowerCase() === 'off') return undefined;
  if (!/^\S+(\s+\S+){4,5}$/.test(raw)) throw new ConfigError(name, `must be a cron pattern of 5 or 6 fields (e.g. "0 * * * *") or off, got "${raw}"`);
  return raw;
}

function batchSize(env: Environment, name: string): number {
  const raw = env[name]?.trim();
  if (!raw) return 500;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 1000) throw new ConfigError(name, `must be a whole number from 1 to 1000, got "${raw}"`);
  return value;
}

export function readReconciliationConfig(env: Environment = process.env): ReconciliationConfig {
  const cron = cronPattern(env, 'LADING_RECONCILE_CRON');
  return {
    ...(cron ? { cron } : {}),
    erpPartner: env.LADING_RECONCILE_ERP_PARTNER?.trim() || env.SAP_IDOC_RECEIVER_PARTNER?.trim() || 'S4HCLNT100',
    verifyPayloadHashes: onOff(env, 'LADING_RECONCILE_VERIFY_HASHES', true),
    batchSize: batchSize(env, 'LADING_RECONCILE_BATCH'),
  };
}
