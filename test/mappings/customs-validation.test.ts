import type { MappedCustomsIdoc } from '../../mappings';
import { IdocError, mapIdoc, readControlRecord, readIdocXml } from '../../mappings';
import { fixture } from '../support/lading';

/** Named errors of the customs extension: every bad value is refused with its segment and field. */

const SUBMITTED = fixture('customs/decl07-export-submitted.xml');
const RELEASED = fixture('customs/decl07-export-released.xml');

function map(xml: string): MappedCustomsIdoc {
  const [idoc] = readIdocXml(xml).idocs;
  if (!idoc) throw new Error('no IDoc');
  const mapped = mapIdoc(readControlRecord(idoc.control), idoc.segments, { payloadHash: 'f'.repeat(64), receivedAt: '2026-11-25T12:00:00.000Z' });
  if (mapped.kind !== 'customs') throw new Error(`expected customs, got ${mapped.kind}`);
  return mapped;
}

function errorOf(xml: string): IdocError {
  try {
    map(xml);
  } catch (error) {
    if (error instanceof IdocError) return error;
    throw error;
  }
  throw new Error('expected an IdocError');
}

const ITEM_10 = '<POSNR>000010</POSNR><STAWN>84137030</STAWN><HERKL>DE</HERKL><CUSTVAL>12500.00</CUSTVAL><WAERK>EUR</WAERK><DUTY>0.00</DUTY>';
const item10 = (replacement: string): [string, string] => [ITEM_10, replacement];

describe('customs declaration validation', () => {
  it.each([
    // wrong qualifiers
    ['a declaration type that is neither EX nor IM', SUBMITTED, '<DECTYP>EX</DECTYP>', '<DECTYP>XX</DECTYP>', 'INVALID_FIELD', 'Z1LADING_DECL', 'DECTYP'],
    ['a declaration type of one letter', SUBMITTED, '<DECTYP>EX</DECTYP>', '<DECTYP>E</DECTYP>', 'INVALID_FIELD', 'Z1LADING_DECL', 'DECTYP'],
    ['no declaration type', SUBMITTED, '<DECTYP>EX</DECTYP>', '', 'MISSING_FIELD', 'Z1LADING_DECL', 'DECTYP'],
    ['an unknown status', SUBMITTED, '<STATUS>SUBM</STATUS>', '<STATUS>DONE</STATUS>', 'INVALID_FIELD', 'Z1LADING_DECL', 'STATUS'],
    ['a DCSA code that is no customs status', SUBMITTED, '<STATUS>SUBM</STATUS>', '<STATUS>LOAD</STATUS>', 'INVALID_FIELD', 'Z1LADING_DECL', 'STATUS'],
    ['no status', SUBMITTED, '<STATUS>SUBM</STATUS>', '', 'MISSING_FIELD', 'Z1LADING_DECL', 'STATUS'],
    ['a procedure code of letters', SUBMITTED, '<PROCD>1000</PROCD>', '<PROCD>EXPO</PROCD>', 'INVALID_FIELD', 'Z1LADING_DECL', 'PROCD'],
    ['a customs office of the wrong shape', SUBMITTED, '<OFFICE>DE004851</OFFICE>', '<OFFICE>4851</OFFICE>', 'INVALID_FIELD', 'Z1LADING_DECL', 'OFFICE'],
    ['an MRN of the wrong length', RELEASED, '<MRN>26DE004851000042A7</MRN><OFFICE>DE004851</OFFICE><PROCD>', '<MRN>26DE0048510042A7</MRN><OFFICE>DE004851</OFFICE><PROCD>', 'INVALID_FIELD', 'Z1LADING_DECL', 'MRN'],
    ['neither declaration number nor MRN', SUBMITTED, '<DECNO>GTS-EX-2026-0042</DECNO>', '', 'MISSING_FIELD', 'Z1LADING_DECL', 'DECNO'],
    ['a declaration number with a space', SUBMITTED, '<DECNO>GTS-EX-2026-0042</DECNO>', '<DECNO>GTS EX 42</DECNO>', 'INVALID_FIELD', 'Z1LADING_DECL', 'DECNO'],
    // impossible dates and times
    ['30 February', SUBMITTED, '<DECDAT>20261125</DECDAT>', '<DECDAT>20260230</DECDAT>', 'INVALID_FIELD', 'Z1LADING_DECL', 'DECDAT'],
    ['month 13', SUBMITTED, '<DECDAT>20261125</DECDAT>', '<DECDAT>20261325</DECDAT>', 'INVALID_FIELD', 'Z1LADING_DECL', 'DECDAT'],
    ['a date of letters', SUBMITTED, '<DECDAT>20261125</DECDAT>', '<DECDAT>2026112X</DECDAT>', 'INVALID_FIELD', 'Z1LADING_DECL', 'DECDAT'],
    ['a zero date', SUBMITTED, '<DECDAT>20261125</DECDAT>', '<DECDAT>00000000</DECDAT>', 'INVALID_FIELD', 'Z1LADING_DECL', 'DECDAT'],
    ['no status date', SUBMITTED, '<DECDAT>20261125</DECDAT>', '', 'MISSING_FIELD', 'Z1LADING_DECL', 'DECDAT'],
    ['hour 25', SUBMITTED, '<DECTIM>093000</DECTIM>', '<DECTIM>250000</DECTIM>', 'INVALID_FIELD', 'Z1LADING_DECL', 'DECTIM'],
    ['an unknown time zone', SUBMITTED, '<TZONE>CET</TZONE>', '<TZONE>MARS</TZONE>', 'INVALID_FIELD', 'Z1LADING_DECL', 'TZONE'],
    // negative and malformed values
    ['a negative customs value (trailing minus)', SUBMITTED, ...item10(ITEM_10.replace('12500.00', '12500.00-')), 'INVALID_FIELD', 'Z1LADING_DECL_ITEM', 'CUSTVAL'],
    ['a negative customs value (leading minus)', SUBMITTED, ...item10(ITEM_10.replace('12500.00', '-1')), 'INVALID_FIELD', 'Z1LADING_DECL_ITEM', 'CUSTVAL'],
    ['a negative duty', SUBMITTED, ...item10(ITEM_10.replace('<DUTY>0.00', '<DUTY>5.00-')), 'INVALID_FIELD', 'Z1LADING_DECL_ITEM', 'DUTY'],
    ['a customs value that is no number', SUBMITTED, ...item10(ITEM_10.replace('12500.00', 'a lot')), 'INVALID_FIELD', 'Z1LADING_DECL_ITEM', 'CUSTVAL'],
    ['a customs value with 7 decimals', SUBMITTED, ...item10(ITEM_10.replace('12500.00', '1.1234567')), 'INVALID_FIELD', 'Z1LADING_DECL_ITEM', 'CUSTVAL'],
    ['a customs value of 16 integer digits', SUBMITTED, ...item10(ITEM_10.replace('12500.00', '1234567890123456')), 'INVALID_FIELD', 'Z1LADING_DECL_ITEM', 'CUSTVAL'],
    ['no customs value', SUBMITTED, ...item10(ITEM_10.replace('<CUSTVAL>12500.00</CUSTVAL>', '')), 'MISSING_FIELD', 'Z1LADING_DECL_ITEM', 'CUSTVAL'],
    // HS codes: 6, 8 or 10 digits
    ['an HS code of 4 digits', SUBMITTED, ...item10(ITEM_10.replace('84137030', '8413')), 'INVALID_FIELD', 'Z1LADING_DECL_ITEM', 'STAWN'],
    ['an HS code of 7 digits', SUBMITTED, ...item10(ITEM_10.replace('84137030', '8413703')), 'INVALID_FIELD', 'Z1LADING_DECL_ITEM', 'STAWN'],
    ['an HS code of 9 digits', SUBMITTED, ...item10(ITEM_10.replace('84137030', '841370300')), 'INVALID_FIELD', 'Z1LADING_DECL_ITEM', 'STAWN'],
    ['an HS code of 12 digits', SUBMITTED, ...item10(ITEM_10.replace('84137030', '841370300000')), 'INVALID_FIELD', 'Z1LADING_DECL_ITEM', 'STAWN'],
    ['an HS code with letters', SUBMITTED, ...item10(ITEM_10.replace('84137030', '8413A030')), 'INVALID_FIELD', 'Z1LADING_DECL_ITEM', 'STAWN'],
    ['no HS code', SUBMITTED, ...item10(ITEM_10.replace('<STAWN>84137030</STAWN>', '')), 'MISSING_FIELD', 'Z1LADING_DECL_ITEM', 'STAWN'],
    // currencies
    ['a currency of four letters', SUBMITTED, ...item10(ITEM_10.replace('<WAERK>EUR', '<WAERK>EURO')), 'INVALID_FIELD', 'Z1LADING_DECL_ITEM', 'WAERK'],
    ['a currency ISO 4217 does not know', SUBMITTED, ...item10(ITEM_10.replace('<WAERK>EUR', '<WAERK>XYZ')), 'INVALID_FIELD', 'Z1LADING_DECL_ITEM', 'WAERK'],
    ['a currency of digits', SUBMITTED, '<WAERK>EUR</WAERK>\n', '<WAERK>978</WAERK>\n', 'INVALID_FIELD', 'Z1LADING_DECL', 'WAERK'],
    ['an item currency other than the declaration\'s', SUBMITTED, ...item10(ITEM_10.replace('<WAERK>EUR', '<WAERK>USD')), 'INVALID_FIELD', 'Z1LADING_DECL_ITEM', 'WAERK'],
    // the other item fields
    ['an origin country of three letters', SUBMITTED, ...item10(ITEM_10.replace('<HERKL>DE', '<HERKL>DEU')), 'INVALID_FIELD', 'Z1LADING_DECL_ITEM', 'HERKL'],
    ['no origin country', SUBMITTED, ...item10(ITEM_10.replace('<HERKL>DE</HERKL>', '')), 'MISSING_FIELD', 'Z1LADING_DECL_ITEM', 'HERKL'],
    ['an item the delivery does not have', SUBMITTED, ...item10(ITEM_10.replace('000010', '000990')), 'INVALID_FIELD', 'Z1LADING_DECL_ITEM', 'POSNR'],
  ])('refuses %s', (_what, base, from, to, code, segment, field) => {
    expect(base).toContain(from);
    const error = errorOf(base.replace(from, to));
    expect({ code: error.code, segment: error.segment, field: error.field }).toEqual({ code, segment, field });
    expect(error.message).toContain(`${segment}`);
  });

  it('refuses an item declared twice', () => {
    const error = errorOf(SUBMITTED.replace('<POSNR>000020</POSNR><STAWN>8413', '<POSNR>000010</POSNR><STAWN>8413'));
    expect({ code: error.code, segment: error.segment, field: error.field }).toEqual({ code: 'INVALID_FIELD', segment: 'Z1LADING_DECL_ITEM', field: 'POSNR' });
    expect(error.message).toContain('declared twice');
  });

  it('refuses a declaration whose total customs value exceeds 15 integer digits', () => {
    const error = errorOf(SUBMITTED.replace('<CUSTVAL>12500.00</CUSTVAL>', `<CUSTVAL>${'9'.repeat(15)}</CUSTVAL>`).replace('<CUSTVAL>13750.50</CUSTVAL>', '<CUSTVAL>1</CUSTVAL>'));
    expect({ code: error.code, segment: error.segment, field: error.field }).toEqual({ code: 'INVALID_FIELD', segment: 'Z1LADING_DECL_ITEM', field: 'CUSTVAL' });
    expect(error.message).toContain('total');
  });

  it.each([
    ['a logical system with a space', '<LOGSYS>S4H CLNT</LOGSYS>', '<LOGSYS>S4HCLNT100</LOGSYS>', 'is not a logical system'],
    ['two declarations naming different systems', '<LOGSYS>S4HCLNT100</LOGSYS>', '<LOGSYS>ERPCLNT200</LOGSYS>', 'one IDoc, one delivery'],
  ])('refuses %s (LOGSYS)', (_what, first, second, message) => {
    const xml = RELEASED.replace('<PROCD>1000</PROCD>', `<PROCD>1000</PROCD>${first}`).replace('<STATUS>RELS</STATUS>', `${second}<STATUS>RELS</STATUS>`);
    const error = errorOf(xml);
    expect({ code: error.code, segment: error.segment, field: error.field }).toEqual({ code: 'INVALID_FIELD', segment: 'Z1LADING_DECL', field: 'LOGSYS' });
    expect(error.message).toContain(message);
  });

  it('refuses an item without a currency when the declaration has none either', () => {
    const xml = SUBMITTED.replace('<WAERK>EUR</WAERK>\n', '\n');
    const error = errorOf(xml);
    expect({ code: error.code, segment: error.segment, field: error.field }).toEqual({ code: 'MISSING_FIELD', segment: 'Z1LADING_DECL_ITEM', field: 'WAERK' });
  });

  it('refuses an IDoc with the extension but no delivery header', () => {
    const xml = RELEASED.replace(/<E1EDL20 SEGMENT="1"><VBELN>0080007001<\/VBELN>/, '<E1EDL19 SEGMENT="1"><VBELN>0080007001</VBELN>').replace('</E1EDL20>', '</E1EDL19>');
    const error = errorOf(xml);
    expect({ code: error.code, segment: error.segment }).toEqual({ code: 'MISSING_SEGMENT', segment: 'E1EDL20' });
  });

  it('accepts grouped HS codes, lower-case codes and SAP amounts, normalised', () => {
    const xml = SUBMITTED.replace(ITEM_10, ITEM_10.replace('84137030', '8413.70.30').replace('<HERKL>DE', '<HERKL>de').replace('12500.00', '0012500,5'));
    const [declaration] = map(xml).declarations;
    expect(declaration?.items[0]).toEqual({ itemNumber: '000010', commodityCode: '84137030', originCountry: 'DE', customsValue: '12500.50', currency: 'EUR', duty: '0.00' });
  });
});
