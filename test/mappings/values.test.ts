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

  // Offsets are cached per zone and quarter hour: every minute of the days around each switch of
  // 2026, read twice (filling the cache, then hitting it), must equal the zone's own offset.
  it.each([
    ['CET', 'Europe/Berlin', '20260329'], ['CET', 'Europe/Berlin', '20261025'],
    ['EST', 'America/New_York', '20260308'], ['EST', 'America/New_York', '20261101'],
    ['AUSNSW', 'Australia/Sydney', '20260405'], ['INDIA', 'Asia/Kolkata', '20260405'],
  ])('reads every minute of %s on %s (%s) as the zone says, cached or not', (zone, iana, day) => {
    const format = new Intl.DateTimeFormat('en-US', { timeZone: iana, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    const wallClockOf = (instant: number): string => {
      const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
      return `${parts.year}${parts.month}${parts.day} ${parts.hour}${parts.minute}`;
    };
    const start = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8))) - 14 * 3_600_000;
    let checked = 0;
    for (let instant = start; instant < start + 2 * 86_400_000; instant += 60_000) {
      const [date, time] = wallClockOf(instant).split(' ') as [string, string];
      for (let pass = 0; pass < 2; pass++) {
        const read = instantField(segment({ D: date, T: `${time}00` }), 'D', 'T', zone, 'Z') as string;
        // A wall-clock time that occurs twice (the hour repeated in autumn) may be read as either instant.
        expect(wallClockOf(Date.parse(read))).toBe(`${date} ${time}`);
        checked++;
      }
    }
    expect(checked).toBe(2 * 2 * 24 * 60);
  });
});
