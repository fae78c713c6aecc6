import { IdocError } from '../../mappings';
import type { Segment } from '../../mappings';
import { alpha, decimalField, instantField, nonNegativeField } from '../../mappings/idoc/values';

const segment = (fields: Record<string, string>): Segment => ({ name: 'E1TEST', fields, children: [], offset: 0 });

describe('SAP field values', () => {
  it.each([
    ['1250.000', 1250], ['00002', 2], ['  12.5 ', 12.5], ['12.5-', -12.5], ['-3', -3], ['0,75', 0.75], ['.5', 0.5],
  ])('reads the number %j as %d', (raw, expected) => {
    expect(decimalField(segment({ V: raw }), 'V')).toBe(expected);
  });

  it('treats an empty field as absent', () => {
    expect(decimalField(segment({ V: '  ' }), 'V')).toBeUndefined();
  });

  it.each(['12a', '1.2.3', '-'])('names the field of the non-number %j', (raw) => {
    expect(() => decimalField(segment({ V: raw }), 'V')).toThrow(expect.objectContaining({ code: 'INVALID_FIELD', segment: 'E1TEST', field: 'V' }));
  });

  it('refuses negative quantities where they make no sense', () => {
    expect(() => nonNegativeField(segment({ LFIMG: '5.000-' }), 'LFIMG')).toThrow(IdocError);
  });

  it.each([['80990777', '0080990777'], ['0080990777', '0080990777'], ['DL-77', 'DL-77']])('ALPHA-converts %s', (raw, expected) => {
    expect(alpha(raw)).toBe(expected);
  });

  it.each([
    ['UTC', '20261125', '091500', '2026-11-25T09:15:00.000Z'],
    ['CET', '20261125', '091500', '2026-11-25T08:15:00.000Z'],
    ['CET', '20260715', '091500', '2026-07-15T07:15:00.000Z'],
    // 29 March 2026, 03:30 local: already summer time in Berlin.
    ['CET', '20260329', '033000', '2026-03-29T01:30:00.000Z'],
    ['EST', '20260110', '120000', '2026-01-10T17:00:00.000Z'],
    ['UTC+530', '20261125', '120000', '2026-11-25T06:30:00.000Z'],
    ['UTC-3', '20261125', '120000', '2026-11-25T15:00:00.000Z'],
    [undefined, '20261125', '', '2026-11-25T00:00:00.000Z'],
  ])('reads a %s date and time as an instant', (zone, date, time, expected) => {
    expect(instantField(segment({ D: date, T: time }), 'D', 'T', zone, 'Z')).toBe(expected);
  });

  it.each([
    [{ D: '20261340', T: '' }, 'D', undefined],
    [{ D: '20260230', T: '' }, 'D', undefined],
    [{ D: '2026-11-25', T: '' }, 'D', undefined],
    [{ D: '20261125', T: '250000' }, 'T', undefined],
    [{ D: '20261125', T: '120000' }, 'Z', 'MARS'],
  ])('names the field of an impossible date, time or zone %j', (fields, field, zone) => {
    expect(() => instantField(segment(fields), 'D', 'T', zone, 'Z')).toThrow(expect.objectContaining({ code: 'INVALID_FIELD', field }));
  });

  it('reads 00000000 as no date', () => {
    expect(instantField(segment({ D: '00000000' }), 'D', 'T', 'UTC', 'Z')).toBeUndefined();
  });
});
