import { IdocError } from '../errors';
import type { Segment } from '../idoc/segment';
import { field } from '../idoc/segment';

/**
 * Customs amounts as exact decimal strings: they go to the ledger's private collection, whose
 * contract accepts at most 15 integer and 6 decimal digits, and a sum must not pick up binary
 * floating-point noise. SAP's trailing minus ("12.50-") is read, and refused as negative.
 */

const SCALE = 6;
const AMOUNT = /^([+-]?)(\d*)(?:[.,](\d*))?(-?)$/;

function invalid(segment: Segment, name: string, message: string): IdocError {
  return new IdocError({ code: 'INVALID_FIELD', message: `${segment.name}-${name}: ${message}`, segment: segment.name, field: name });
}

/** A non-negative amount field as a normalised decimal string; undefined when empty. */
export function amountField(segment: Segment, name: string): string | undefined {
  const raw = field(segment, name);
  if (raw === undefined) return undefined;
  const match = AMOUNT.exec(raw.replace(/\s+/g, ''));
  const whole = match?.[2] ?? '';
  const fraction = match?.[3] ?? '';
  if (!match || (whole === '' && fraction === '')) throw invalid(segment, name, `"${raw}" is not a number`);
  const digits = whole.replace(/^0+(?=\d)/, '') || '0';
  const decimals = fraction.replace(/0+$/, '');
  if (match[1] === '-' || match[4] === '-') {
    if (/[1-9]/.test(digits + decimals)) throw invalid(segment, name, `must not be negative (got ${raw})`);
  }
  if (digits.length > 15) throw invalid(segment, name, `"${raw}" has more than 15 integer digits`);
  if (decimals.length > SCALE) throw invalid(segment, name, `"${raw}" has more than ${SCALE} decimals`);
  return format(toUnits(`${digits}.${decimals}`));
}

function toUnits(amount: string): bigint {
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * 10n ** BigInt(SCALE) + BigInt((fraction + '0'.repeat(SCALE)).slice(0, SCALE) || '0');
}

/** At least two decimals, as amounts are usually written; more only when needed. */
function format(units: bigint): string {
  const text = units.toString().padStart(SCALE + 1, '0');
  const whole = text.slice(0, -SCALE);
  const fraction = text.slice(-SCALE).replace(/0+$/, '').padEnd(2, '0');
  return `${whole}.${fraction}`;
}

/** Exact sum of normalised amounts. */
export function sumAmounts(amounts: readonly string[]): string {
  return format(amounts.reduce((total, amount) => total + toUnits(amount), 0n));
}
