import { createHash } from 'node:crypto';

const DOCNUM_SPACE = 10n ** 16n;

/**
 * A 16-digit IDoc number derived from what the IDoc is about (ledger event id, inbound DOCNUM +
 * status...). SAP replaces a sender's DOCNUM with its own on arrival but keeps the sender's one
 * as reference, so a resend carrying the same number is recognisable as the same IDoc, by SAP's
 * operators and by us. 64 bits of SHA-256 reduced to 16 digits: collisions need ~10^8 IDocs.
 */
export function deterministicDocnum(seed: string): string {
  if (seed === '') throw new RangeError('deterministicDocnum needs a non-empty seed');
  const digest = createHash('sha256').update(seed, 'utf8').digest();
  const value = digest.readBigUInt64BE(0) % DOCNUM_SPACE;
  // 0000000000000000 reads as "no number" in SAP; never hand it out.
  return (value === 0n ? 1n : value).toString().padStart(16, '0');
}
