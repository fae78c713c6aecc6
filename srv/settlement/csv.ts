/**
 * CSV as Excel opens it without an import dialog: UTF-8 with a byte order mark, CRLF line ends,
 * RFC 4180 quoting, ISO dates, a decimal point. Text that Excel would take for a formula is
 * prefixed with an apostrophe (CSV injection).
 */

export const BOM = '\uFEFF';
export const CRLF = '\r\n';

export type CsvValue = string | number | boolean | null | undefined;

export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => CsvValue;
  /** Decimals for numbers (fixed, with a point); default: as the number prints. */
  decimals?: number;
}

const FORMULA_START = /^[=+@\t\r]|^-(?!\d)/;

function cell(value: CsvValue, decimals?: number): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'number') text = decimals === undefined ? String(value) : value.toFixed(decimals);
  else if (typeof value === 'boolean') text = value ? 'true' : 'false';
  else text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeader<Row>(columns: readonly CsvColumn<Row>[]): string {
  return `${BOM}${columns.map((column) => cell(column.header)).join(',')}${CRLF}`;
}

export function csvRow<Row>(columns: readonly CsvColumn<Row>[], row: Row): string {
  return `${columns.map((column) => cell(column.value(row), column.decimals)).join(',')}${CRLF}`;
}

/** A number from the database (CAP answers decimals as strings), undefined for null. */
export function decimal(value: unknown): number | undefined {
  return value === null || value === undefined || value === '' ? undefined : Number(value);
}

/** An ISO instant (UTC, seconds) from a database timestamp. */
export function instant(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : new Date(value as string).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
