import { createHash, getHashes } from 'node:crypto';

/**
 * The hash that ties a ledger event to its source IDoc's payload. SHA-256 by default; SM3 (GB/T
 * 32905, also 256 bits, so the ledger's 64-hex-digit field holds it unchanged) for networks under
 * Chinese commercial cryptography rules. Node's OpenSSL 3 has SM3 built in.
 */

export type PayloadHashAlgorithm = 'sha256' | 'sm3';

export const PAYLOAD_HASH_ALGORITHMS: readonly PayloadHashAlgorithm[] = ['sha256', 'sm3'];

export class PayloadHashConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Configuration error: ${variable} ${problem}`);
    this.name = 'PayloadHashConfigError';
  }
}

/** Hex digest of the payload's UTF-8 bytes (the text as stored, as Lading hashes it on receipt). */
export function hashPayload(payload: string, algorithm: PayloadHashAlgorithm = 'sha256'): string {
  return createHash(algorithm).update(payload, 'utf8').digest('hex');
}

/** LADING_HASH_ALGORITHM: sha256 (default) or sm3; anything else stops start-up with one line. */
export function payloadHashAlgorithm(env: Record<string, string | undefined> = process.env): PayloadHashAlgorithm {
  const raw = env.LADING_HASH_ALGORITHM?.trim().toLowerCase().replace(/-/g, '');
  if (!raw) return 'sha256';
  if (raw !== 'sha256' && raw !== 'sm3') {
    throw new PayloadHashConfigError('LADING_HASH_ALGORITHM', `must be sha256 or sm3, got "${env.LADING_HASH_ALGORITHM}"`);
  }
  if (!getHashes().includes(raw)) throw new PayloadHashConfigError('LADING_HASH_ALGORITHM', `${raw} is not available in this Node.js build's OpenSSL`);
  return raw;
}

/**
 * A payload's hash under every supported algorithm, the configured one first. Verification
 * accepts any of them: events recorded before a switch of LADING_HASH_ALGORITHM keep the hash
 * of the algorithm of their day.
 */
export interface PayloadHashes {
  preferred: PayloadHashAlgorithm;
  /** The preferred algorithm first. */
  all: readonly (readonly [PayloadHashAlgorithm, string])[];
}

export function payloadHashes(payload: string, preferred: PayloadHashAlgorithm = 'sha256'): PayloadHashes {
  const order = [preferred, ...PAYLOAD_HASH_ALGORITHMS.filter((algorithm) => algorithm !== preferred)];
  return { preferred, all: order.map((algorithm) => [algorithm, hashPayload(payload, algorithm)] as const) };
}

/** The algorithm under which the payload hashes to `hash`, if any. */
export function algorithmOf(hashes: PayloadHashes, hash: string): PayloadHashAlgorithm | undefined {
  return hashes.all.find(([, candidate]) => candidate === hash)?.[0];
}

export function hashUnder(hashes: PayloadHashes, algorithm: PayloadHashAlgorithm): string {
  return hashes.all.find(([candidate]) => candidate === algorithm)?.[1] ?? '';
}
