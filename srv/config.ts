/**
 * Lading's configuration, read once from the environment and validated: a bad value stops the
 * process with one line naming the variable. Every variable is documented in .env.sample.
 */

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
}

export interface LadingConfig {
  inbound: InboundConfig;
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

export function readConfig(env: Environment = process.env): LadingConfig {
  return {
    inbound: {
      maxPayloadBytes: positiveInteger(env, 'IDOC_MAX_BYTES', 20 * 1024 * 1024),
      senderTimeZone: timeZoneCode(env, 'IDOC_SENDER_TIME_ZONE', 'UTC'),
    },
  };
}
