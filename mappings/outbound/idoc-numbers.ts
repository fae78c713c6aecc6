import { OutboundIdocError } from './errors';

/** An IDoc number given by SAP, in SAP's 16-digit form (middleware sometimes strips the zeros). */
export function sapDocnum(value: string, what: string): string {
  const trimmed = value.trim();
  if (!/^\d{1,16}$/.test(trimmed) || /^0+$/.test(trimmed)) {
    throw new OutboundIdocError({ code: 'INVALID_VALUE', message: `${what}: "${value}" is not an IDoc number (1 to 16 digits, not zero)` });
  }
  return trimmed.padStart(16, '0');
}
