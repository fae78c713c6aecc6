import { csvHeader, csvRow, type CsvColumn } from '../../srv/settlement/csv';
import { periodOf } from '../../srv/settlement/export-routes';
import { DEFAULT_SETTLEMENT_INTERVAL_MS, settlementIntervalMs } from '../../srv/settlement/job';

/** The CSV cells Excel reads as written, the export's period, and the job's one setting. */

const COLUMNS: CsvColumn<Record<string, string | number | undefined>>[] = [
  { header: 'text', value: (row) => row.text as string },
  { header: 'amount', value: (row) => row.amount as number, decimals: 2 },
];

describe('CSV cells', () => {
  it.each([
    ['plain text', 'Pump housing', 'Pump housing'],
    ['a comma', 'Hamburg, DE', '"Hamburg, DE"'],
    ['quotes', 'see "ticket 42"', '"see ""ticket 42"""'],
    ['a line break', 'line 1\nline 2', '"line 1\nline 2"'],
    ['a CRLF', 'a\r\nb', '"a\r\nb"'],
    ['a formula', '=SUM(A1:A9)', '\'=SUM(A1:A9)'],
    ['a plus formula', '+1+1', '\'+1+1'],
    ['an at formula', '@cmd', '\'@cmd'],
    ['a minus formula', '-cmd|x', '\'-cmd|x'],
    ['a negative number as text', '-12.50', '-12.50'],
    ['nothing', undefined, ''],
  ])('writes %s', (_name, text, cell) => {
    expect(csvRow(COLUMNS, { text, amount: 1 })).toBe(`${cell},1.00\r\n`);
  });

  it('writes amounts with a decimal point and fixed decimals, the header after a BOM', () => {
    expect(csvRow(COLUMNS, { text: 'x', amount: -1250.5 })).toBe('x,-1250.50\r\n');
    expect(csvHeader(COLUMNS)).toBe('\uFEFFtext,amount\r\n');
  });
});

describe('export period', () => {
  it.each([
    [{ from: '2026-12-01', to: '2026-12-31' }, { from: '2026-12-01', to: '2026-12-31' }],
    [{ from: '2026-12-01', to: '2026-12-01' }, { from: '2026-12-01', to: '2026-12-01' }],
    [{ from: '2028-02-29', to: '2028-03-01' }, { from: '2028-02-29', to: '2028-03-01' }],
    [{}, 'from must be a date YYYY-MM-DD'],
    [{ from: '2026-12-01' }, 'to must be a date YYYY-MM-DD'],
    [{ from: '2026-02-29', to: '2026-03-01' }, 'from "2026-02-29" is not a calendar date'],
    [{ from: '2026-12-31', to: '2026-12-01' }, 'from 2026-12-31 is after to 2026-12-01'],
    [{ from: ['2026-12-01'], to: '2026-12-31' }, 'from must be a date YYYY-MM-DD'],
  ])('%j → %j', (query, expected) => {
    expect(periodOf(query)).toEqual(expected);
  });
});

describe('SETTLEMENT_INTERVAL_MS', () => {
  it('defaults, accepts 0 (off) and whole milliseconds, refuses anything else naming the variable', () => {
    expect(settlementIntervalMs({})).toBe(DEFAULT_SETTLEMENT_INTERVAL_MS);
    expect(settlementIntervalMs({ SETTLEMENT_INTERVAL_MS: '0' })).toBe(0);
    expect(settlementIntervalMs({ SETTLEMENT_INTERVAL_MS: ' 500 ' })).toBe(500);
    for (const bad of ['-1', '1.5', 'soon', '30s']) {
      expect(() => settlementIntervalMs({ SETTLEMENT_INTERVAL_MS: bad })).toThrow(`Configuration error: SETTLEMENT_INTERVAL_MS must be a whole number of milliseconds (0 = off), got "${bad}"`);
    }
  });
});
