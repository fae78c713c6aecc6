import { IdocError, mapIdoc, readControlRecord, readIdocXml } from '../../mappings';
import { fixture } from '../support/lading';

/** Named INVOIC errors: each bad value is refused with its segment and field, never mapped. */

const BASE = fixture('invoic/invoic02-3-lines.xml');

function errorOf(xml: string): IdocError {
  const [idoc] = readIdocXml(xml).idocs;
  if (!idoc) throw new Error('no IDoc');
  try {
    mapIdoc(readControlRecord(idoc.control), idoc.segments, { payloadHash: 'f'.repeat(64), receivedAt: '2026-12-01T10:00:00.000Z' });
  } catch (error) {
    if (error instanceof IdocError) return error;
    throw error;
  }
  throw new Error('expected an IdocError');
}

describe('INVOIC validation', () => {
  it.each([
    // wrong qualifiers
    ['a reference qualifier of letters', '<QUALF>001</QUALF><BELNR>PO-ACME-7731</BELNR><DATUM>', '<QUALF>PO</QUALF><BELNR>PO-ACME-7731</BELNR><DATUM>', 'INVALID_FIELD', 'E1EDK02', 'QUALF', /not a qualifier/],
    ['an item reference qualifier of two digits', '<QUALF>016</QUALF><BELNR>0080004242</BELNR><ZEILE>000020</ZEILE>', '<QUALF>16</QUALF><BELNR>0080004242</BELNR><ZEILE>000020</ZEILE>', 'INVALID_FIELD', 'E1EDP02', 'QUALF', /not a qualifier/],
    ['a date qualifier of letters', '<IDDAT>012</IDDAT>', '<IDDAT>DOC</IDDAT>', 'INVALID_FIELD', 'E1EDK03', 'IDDAT', /not a qualifier/],
    ['a totals qualifier of letters', '<SUMID>010</SUMID>', '<SUMID>NET</SUMID>', 'INVALID_FIELD', 'E1EDS01', 'SUMID', /not a qualifier/],
    ['an amount qualifier of letters', '<QUALF>003</QUALF><BETRG>1375.00</BETRG>', '<QUALF>NET</QUALF><BETRG>1375.00</BETRG>', 'INVALID_FIELD', 'E1EDP26', 'QUALF', /not a qualifier/],
    ['a partner function of one letter', '<PARVW>RE</PARVW>', '<PARVW>R</PARVW>', 'INVALID_FIELD', 'E1EDKA1', 'PARVW', /partner function/],
    ['a reference without qualifier', '<QUALF>002</QUALF><BELNR>0004504242</BELNR>', '<BELNR>0004504242</BELNR>', 'MISSING_FIELD', 'E1EDK02', 'QUALF', /QUALF/],
    // impossible dates
    ['31 November as document date', '<IDDAT>012</IDDAT><DATUM>20261201</DATUM>', '<IDDAT>012</IDDAT><DATUM>20261131</DATUM>', 'INVALID_FIELD', 'E1EDK03', 'DATUM', /not a calendar date/],
    ['month 13 on a reference', '<BELNR>PO-ACME-7731</BELNR><DATUM>20261110</DATUM>', '<BELNR>PO-ACME-7731</BELNR><DATUM>20261310</DATUM>', 'INVALID_FIELD', 'E1EDK02', 'DATUM', /not a calendar date/],
    ['a date of letters on an item reference', '<ZEILE>000030</ZEILE><DATUM>20261124</DATUM>', '<ZEILE>000030</ZEILE><DATUM>2026112X</DATUM>', 'INVALID_FIELD', 'E1EDP02', 'DATUM', /not a date/],
    // negative quantities and amounts
    ['a negative quantity (trailing minus)', '<MENGE>11.000</MENGE>', '<MENGE>11.000-</MENGE>', 'INVALID_FIELD', 'E1EDP01', 'MENGE', /must not be negative/],
    ['a negative quantity (leading minus)', '<MENGE>10.000</MENGE>', '<MENGE>-10</MENGE>', 'INVALID_FIELD', 'E1EDP01', 'MENGE', /must not be negative/],
    ['a negative price', '<VPREI>985.00</VPREI>', '<VPREI>985.00-</VPREI>', 'INVALID_FIELD', 'E1EDP01', 'VPREI', /must not be negative/],
    ['a negative net value', '<QUALF>003</QUALF><BETRG>1182.00</BETRG>', '<QUALF>003</QUALF><BETRG>1182.00-</BETRG>', 'INVALID_FIELD', 'E1EDP26', 'BETRG', /must not be negative/],
    ['a quantity that is not a number', '<MENGE>10.000</MENGE>', '<MENGE>ten</MENGE>', 'INVALID_FIELD', 'E1EDP01', 'MENGE', /not a number/],
    ['a price unit of zero', '<PEINH>10</PEINH>', '<PEINH>0</PEINH>', 'INVALID_FIELD', 'E1EDP01', 'PEINH', /at least 1/],
    // unit and currency mismatches
    ['a price unit of measure other than the quantity unit', '<MENEE>PC</MENEE><PMENE>PC</PMENE><VPREI>985.00</VPREI>', '<MENEE>PC</MENEE><PMENE>KGM</PMENE><VPREI>985.00</VPREI>', 'INVALID_FIELD', 'E1EDP01', 'PMENE', /differs from the quantity's unit/],
    ['an item currency other than the invoice currency', '<GEWEI>KGM</GEWEI><CURCY>EUR</CURCY>\n    <E1EDP02 SEGMENT="1"><QUALF>016</QUALF><BELNR>0080004242</BELNR><ZEILE>000020</ZEILE>', '<GEWEI>KGM</GEWEI><CURCY>USD</CURCY>\n    <E1EDP02 SEGMENT="1"><QUALF>016</QUALF><BELNR>0080004242</BELNR><ZEILE>000020</ZEILE>', 'INVALID_FIELD', 'E1EDP01', 'CURCY', /differs from the invoice currency/],
    ['a total in another currency', '<SUMME>723.33</SUMME><WAERQ>EUR</WAERQ>', '<SUMME>723.33</SUMME><WAERQ>GBP</WAERQ>', 'INVALID_FIELD', 'E1EDS01', 'WAERQ', /differs from the invoice currency/],
    ['a currency that is no ISO code', '<CURCY>EUR</CURCY><HWAER>', '<CURCY>EURO</CURCY><HWAER>', 'INVALID_FIELD', 'E1EDK01', 'CURCY', /ISO 4217/],
    // totals that do not add up
    ['a net total other than the sum of the items', '<SUMME>3807.00</SUMME>', '<SUMME>3870.00</SUMME>', 'INVALID_FIELD', 'E1EDS01', 'SUMME', /does not add up: the items' net values sum to 3807/],
    ['a billed value other than net plus tax', '<SUMME>4530.33</SUMME>', '<SUMME>4530.00</SUMME>', 'INVALID_FIELD', 'E1EDS01', 'SUMME', /billed value \(SUMID 011\) 4530 does not add up/],
    ['an item count other than the items sent', '<SUMID>001</SUMID><SUMME>3</SUMME>', '<SUMID>001</SUMID><SUMME>4</SUMME>', 'INVALID_FIELD', 'E1EDS01', 'SUMME', /number of items/],
    // missing currency and other mandatory data
    ['an invoice without currency', '<CURCY>EUR</CURCY><HWAER>', '<HWAER>', 'MISSING_FIELD', 'E1EDK01', 'CURCY', /without a currency/],
    ['an item without quantity', '<MENGE>10.000</MENGE>', '', 'MISSING_FIELD', 'E1EDP01', 'MENGE', /MENGE/],
    ['an item without unit', '<MENEE>PC</MENEE><PMENE>PC</PMENE><VPREI>125.00</VPREI><PEINH>1</PEINH><NETWR>1250.00</NETWR>', '<VPREI>125.00</VPREI><PEINH>1</PEINH><NETWR>1250.00</NETWR>', 'MISSING_FIELD', 'E1EDP01', 'MENEE', /MENEE/],
    ['an item twice', '<POSEX>000020</POSEX>', '<POSEX>000010</POSEX>', 'INVALID_FIELD', 'E1EDP01', 'POSEX', /appears twice/],
  ])('refuses %s', (_name, from, to, code, segment, field, message) => {
    expect(BASE).toContain(from);
    const error = errorOf(BASE.replace(from, to));
    expect(error).toMatchObject({ code, segment, field });
    expect(error.message).toMatch(message);
  });

  it('refuses an invoice without a header, without items, without a number, and an item that names no delivery', () => {
    expect(errorOf(BASE.replace(/<E1EDK01 .*?<\/E1EDK01>/, ''))).toMatchObject({ code: 'MISSING_SEGMENT', segment: 'E1EDK01' });
    expect(errorOf(BASE.replace(/<E1EDP01 [\s\S]*<\/E1EDP01>/, ''))).toMatchObject({ code: 'MISSING_SEGMENT', segment: 'E1EDP01' });
    expect(errorOf(BASE.replace('<BELNR>0090004242</BELNR><NTGEW>', '<NTGEW>').replace(/<E1EDK02 SEGMENT="1"><QUALF>009<\/QUALF>.*?<\/E1EDK02>/, '')))
      .toMatchObject({ code: 'MISSING_FIELD', segment: 'E1EDK01', field: 'BELNR' });
    const noDelivery = BASE.replace(/<E1EDK02 SEGMENT="1"><QUALF>012<\/QUALF>.*?<\/E1EDK02>/, '').replace('<QUALF>016</QUALF><BELNR>0080004242</BELNR><ZEILE>000020</ZEILE>', '<QUALF>001</QUALF><BELNR>PO-ACME-7731</BELNR><ZEILE>000020</ZEILE>');
    const error = errorOf(noDelivery);
    expect(error).toMatchObject({ code: 'MISSING_SEGMENT', segment: 'E1EDP02', field: 'QUALF' });
    expect(error.message).toContain('Item 000020 names no delivery');
  });

  it('accepts totals within a cent of the items, and unknown qualifiers of the right shape as data', () => {
    const [idoc] = readIdocXml(BASE.replace('<SUMME>3807.00</SUMME>', '<SUMME>3807.01</SUMME>').replace('<SUMME>4530.33</SUMME>', '<SUMME>4530.34</SUMME>').replace('<IDDAT>011</IDDAT>', '<IDDAT>099</IDDAT>')).idocs;
    if (!idoc) throw new Error('no IDoc');
    const mapped = mapIdoc(readControlRecord(idoc.control), idoc.segments, { payloadHash: 'f'.repeat(64), receivedAt: '2026-12-01T10:00:00.000Z' });
    expect(mapped.kind).toBe('invoice');
  });
});
