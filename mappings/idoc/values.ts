import { IdocError } from '../errors';
import type { Segment } from './segment';
import { field } from './segment';

/**
 * Field value conversions with SAP's conventions: numbers with leading zeros and a trailing
 * minus sign, ALPHA-converted document numbers, dates YYYYMMDD with times HHMMSS and an SAP
 * time zone code.
 */

export function stripLeadingZeros(value: string): string {
  const stripped = value.replace(/^0+/, '');
  return stripped === '' ? '0' : stripped;
}

/** SAP's ALPHA conversion: purely numeric document numbers are zero-padded to their length. */
export function alpha(value: string, length = 10): string {
  return /^\d+$/.test(value) && value.length < length ? value.padStart(length, '0') : value;
}

function invalid(segment: Segment, name: string, message: string): IdocError {
  return new IdocError({ code: 'INVALID_FIELD', message: `${segment.name}-${name}: ${message}`, segment: segment.name, field: name });
}

/** A decimal as SAP writes it ("1250.000", "00002", "12.5-"); undefined when empty. */
export function decimalField(segment: Segment, name: string): number | undefined {
  const raw = field(segment, name);
  if (raw === undefined) return undefined;
  const match = /^([+-]?)(\d*)(?:[.,](\d*))?(-?)$/.exec(raw.replace(/\s+/g, ''));
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) throw invalid(segment, name, `"${raw}" is not a number`);
  const negative = match[1] === '-' || match[4] === '-';
  const value = Number(`${match[2] || '0'}.${match[3] || '0'}`);
  return negative ? -value : value;
}

export function nonNegativeField(segment: Segment, name: string): number | undefined {
  const value = decimalField(segment, name);
  if (value !== undefined && value < 0) throw invalid(segment, name, `must not be negative (got ${value})`);
  return value;
}

export function integerField(segment: Segment, name: string): number | undefined {
  const value = decimalField(segment, name);
  if (value !== undefined && !Number.isInteger(value)) throw invalid(segment, name, `"${value}" is not a whole number`);
  return value;
}

/**
 * SAP time zone codes (table TTZZ) seen on logistics IDocs, mapped to IANA zones so daylight
 * saving is applied as SAP applies it. Codes of the form UTC+1 / UTC-530 are fixed offsets.
 */
const SAP_TIME_ZONES: Record<string, string> = {
  UTC: 'UTC', GMT: 'UTC', CET: 'Europe/Berlin', EET: 'Europe/Athens', WET: 'Europe/Lisbon',
  GMTUK: 'Europe/London', UK: 'Europe/London', IRELND: 'Europe/Dublin', RUS03: 'Europe/Moscow',
  EST: 'America/New_York', EST_: 'America/New_York', CST: 'America/Chicago', MST: 'America/Denver',
  MSTNO: 'America/Phoenix', PST: 'America/Los_Angeles', AKST: 'America/Anchorage', HST: 'Pacific/Honolulu',
  BRAZIL: 'America/Sao_Paulo', MEXICO: 'America/Mexico_City', ARGENT: 'America/Argentina/Buenos_Aires',
  JAPAN: 'Asia/Tokyo', KOREA: 'Asia/Seoul', CHINA: 'Asia/Shanghai', HONGKO: 'Asia/Hong_Kong',
  SINGAP: 'Asia/Singapore', INDIA: 'Asia/Kolkata', UAE: 'Asia/Dubai', THAILA: 'Asia/Bangkok',
  AUSNSW: 'Australia/Sydney', AUSVIC: 'Australia/Melbourne', AUSQLD: 'Australia/Brisbane',
  AUSWA: 'Australia/Perth', NZ: 'Pacific/Auckland', SAFRIC: 'Africa/Johannesburg',
};

/** Building an Intl.DateTimeFormat costs far more than using one: one per zone, kept. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

function formattedOffsetMinutes(zone: string, utcMillis: number): number {
  const parts = formatterFor(zone).formatToParts(new Date(utcMillis));
  const get = (type: string): number => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - utcMillis) / 60_000);
}

/**
 * Zone offsets change only on quarter hours (every IANA rule since 1970), so one lookup per zone and
 * quarter hour is enough: formatToParts cost a tenth of the inbound CPU per IDoc (bench/README).
 * Bounded: a packet's instants cluster in a few days, so the map is simply dropped when it fills.
 */
const QUARTER_HOUR = 15 * 60_000;
const OFFSET_CACHE_LIMIT = 50_000;
const offsets = new Map<string, number>();

function offsetMinutesOf(zone: string, utcMillis: number): number {
  const key = `${zone}@${Math.floor(utcMillis / QUARTER_HOUR)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = formattedOffsetMinutes(zone, utcMillis);
    if (offsets.size >= OFFSET_CACHE_LIMIT) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

function fixedOffsetMinutes(code: string): number | undefined {
  const match = /^UTC([+-])(\d{1,2})(\d{2})?$/.exec(code);
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === '-' ? -minutes : minutes;
}

export function isKnownTimeZone(code: string): boolean {
  return SAP_TIME_ZONES[code] !== undefined || fixedOffsetMinutes(code) !== undefined;
}

/**
 * Combines a date field and a time field of one segment into an ISO-8601 UTC instant.
 * Returns undefined when the date is empty (SAP also sends "00000000" for no date).
 */
export function instantField(segment: Segment, dateName: string, timeName: string, zoneCode: string | undefined, zoneFieldName: string): string | undefined {
  const date = field(segment, dateName);
  if (date === undefined || /^0+$/.test(date)) return undefined;
  const dateMatch = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  if (!dateMatch) throw invalid(segment, dateName, `"${date}" is not a date YYYYMMDD`);
  const time = field(segment, timeName) ?? '000000';
  const timeMatch = /^(\d{2})(\d{2})(\d{2})?$/.exec(time);
  if (!timeMatch) throw invalid(segment, timeName, `"${time}" is not a time HHMMSS`);
  const [year, month, day] = [Number(dateMatch[1]), Number(dateMatch[2]), Number(dateMatch[3])];
  const [hour, minute, second] = [Number(timeMatch[1]), Number(timeMatch[2]), Number(timeMatch[3] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) throw invalid(segment, timeName, `"${time}" is not a time of day`);
  const wallClock = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wallClock);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw invalid(segment, dateName, `"${date}" is not a calendar date`);
  }
  const zone = zoneCode ?? 'UTC';
  const fixed = fixedOffsetMinutes(zone);
  const iana = SAP_TIME_ZONES[zone];
  if (fixed === undefined && iana === undefined) {
    throw invalid(segment, zoneFieldName, `unknown SAP time zone "${zone}"`);
  }
  let offset = fixed ?? offsetMinutesOf(iana as string, wallClock);
  // Near a DST switch the offset at the wall-clock instant and at the true instant differ; one correction settles it.
  if (fixed === undefined) offset = offsetMinutesOf(iana as string, wallClock - offset * 60_000);
  return new Date(wallClock - offset * 60_000).toISOString();
}
