import { OutboundIdocError } from './errors';

/**
 * Values in SAP's external IDoc formats. Lading writes every date and time in UTC and says so
 * (TZONE fields 'UTC'): the ledger's instants are UTC, and converting to a plant's zone is SAP's
 * job, which it does from the TZONE field.
 */

export interface SapDateTime {
  /** YYYYMMDD */
  date: string;
  /** HHMMSS */
  time: string;
}

export function sapDateTime(instant: string, what: string): SapDateTime {
  const millis = Date.parse(instant);
  if (Number.isNaN(millis)) {
    throw new OutboundIdocError({ code: 'INVALID_VALUE', message: `${what}: "${instant}" is not an ISO-8601 instant` });
  }
  const iso = new Date(millis).toISOString(); // 2026-11-25T09:15:00.000Z
  return { date: iso.slice(0, 10).replace(/-/g, ''), time: iso.slice(11, 19).replace(/:/g, '') };
}

/** A quantity as SAP writes it in IDocs: three decimals, a trailing minus when negative. */
export function sapQuantity(value: number, what: string): string {
  if (!Number.isFinite(value)) {
    throw new OutboundIdocError({ code: 'INVALID_VALUE', message: `${what}: ${value} is not a quantity` });
  }
  const rounded = Math.round(Math.abs(value) * 1000) / 1000;
  const text = rounded.toFixed(3);
  return value < 0 && rounded !== 0 ? `${text}-` : text;
}

/** SAP's ALPHA form of a numeric document number (delivery 80004242 → 0080004242). */
export function alphaNumber(value: string, length: number): string {
  return /^\d+$/.test(value) && value.length < length ? value.padStart(length, '0') : value;
}
