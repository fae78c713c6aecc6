import { IdocError, mapIdoc, readControlRecord, readIdocXml } from '../../mappings';
import { fixture } from '../support/lading';

/**
 * Every refusal of a shipment IDoc names its code, segment and field: wrong qualifiers,
 * impossible dates, negative quantities, unit mismatches, references to deliveries the shipment
 * does not carry, missing mandatory parts.
 */

const SEA = 'shpmnt/shpmnt05-sea-2-deliveries.xml';

function refusal(replacements: [string | RegExp, string][]): IdocError {
  const xml = replacements.reduce((text, [from, to]) => {
    const next = text.replace(from, to);
    if (next === text) throw new Error(`fixture has no ${String(from)}`);
    return next;
  }, fixture(SEA));
  const [idoc] = readIdocXml(xml).idocs;
  if (!idoc) throw new Error('no IDoc');
  try {
    mapIdoc(readControlRecord(idoc.control), idoc.segments, { payloadHash: 'f'.repeat(64), receivedAt: '2026-11-25T12:00:00.000Z' });
  } catch (error) {
    if (error instanceof IdocError) return error;
    throw error;
  }
  throw new Error('expected an IdocError');
}

type Case = [string, [string | RegExp, string][], { code: string; segment: string; field?: string }];

const CASES: Case[] = [
  // Missing parts
  ['no shipment header', [[/<E1EDT20 SEGMENT="1">[\s\S]*<\/E1EDT20>/, '']], { code: 'MISSING_SEGMENT', segment: 'E1EDT20' }],
  ['no shipment number', [['<TKNUM>0000004711</TKNUM>', '<TKNUM/>']], { code: 'MISSING_FIELD', segment: 'E1EDT20', field: 'TKNUM' }],
  ['a stage without number', [['<TSNUM>0002</TSNUM>', '']], { code: 'MISSING_FIELD', segment: 'E1EDK33', field: 'TSNUM' }],
  ['a stage point without qualifier', [['<QUALI>002</QUALI><KNOTE>GBFXT', '<KNOTE>GBFXT']], { code: 'MISSING_FIELD', segment: 'E1EDT44', field: 'QUALI' }],
  ['a container without number', [['<EXIDV>TCNU7654321</EXIDV>', '']], { code: 'MISSING_FIELD', segment: 'E1EDT37', field: 'EXIDV' }],
  ['a deadline without qualifier', [['<QUALF>007</QUALF>', '']], { code: 'MISSING_FIELD', segment: 'E1EDT10', field: 'QUALF' }],
  ['a contained delivery without number', [['<VBELN>0080004243</VBELN><VSTEL>', '<VSTEL>']], { code: 'MISSING_FIELD', segment: 'E1EDL20', field: 'VBELN' }],
  // Wrong qualifier values
  ['stage point qualifier 003', [['<QUALI>002</QUALI>', '<QUALI>003</QUALI>']], { code: 'INVALID_FIELD', segment: 'E1EDT44', field: 'QUALI' }],
  ['leg indicator 7 on the header', [['<LAUFK>2</LAUFK><ROUTE>', '<LAUFK>7</LAUFK><ROUTE>']], { code: 'INVALID_FIELD', segment: 'E1EDT20', field: 'LAUFK' }],
  ['leg indicator X on a stage', [['<LAUFK>1</LAUFK>', '<LAUFK>X</LAUFK>']], { code: 'INVALID_FIELD', segment: 'E1EDK33', field: 'LAUFK' }],
  ['stage category 9', [['<TSTYP>1</TSTYP>', '<TSTYP>9</TSTYP>']], { code: 'INVALID_FIELD', segment: 'E1EDK33', field: 'TSTYP' }],
  ['shipment action NEW', [['<QUALF>ORI</QUALF>', '<QUALF>NEW</QUALF>']], { code: 'INVALID_FIELD', segment: 'E1EDT18', field: 'QUALF' }],
  ['deadline qualifier 0.6', [['<QUALF>006</QUALF>', '<QUALF>0.6</QUALF>']], { code: 'INVALID_FIELD', segment: 'E1EDT10', field: 'QUALF' }],
  ['stage deadline qualifier 5', [['<E1EDT45 SEGMENT="1"><QUALF>005</QUALF>', '<E1EDT45 SEGMENT="1"><QUALF>5</QUALF>']], { code: 'INVALID_FIELD', segment: 'E1EDT45', field: 'QUALF' }],
  ['partner function 1X', [['<PARTNER_Q>AG</PARTNER_Q>', '<PARTNER_Q>1X</PARTNER_Q>']], { code: 'INVALID_FIELD', segment: 'E1ADRM4', field: 'PARTNER_Q' }],
  ['stage partner function S', [['<E1ADRM7 SEGMENT="1"><PARTNER_Q>SP', '<E1ADRM7 SEGMENT="1"><PARTNER_Q>S']], { code: 'INVALID_FIELD', segment: 'E1ADRM7', field: 'PARTNER_Q' }],
  ['shipping type SEA', [['<VSART>04</VSART><LAUFK>2</LAUFK><ROUTE>', '<VSART>SEA</VSART><LAUFK>2</LAUFK><ROUTE>']], { code: 'INVALID_FIELD', segment: 'E1EDT20', field: 'VSART' }],
  // Impossible dates
  ['31 November', [['<NTANF>20261128</NTANF>', '<NTANF>20261131</NTANF>']], { code: 'INVALID_FIELD', segment: 'E1EDT10', field: 'NTANF' }],
  ['hour 25 on a stage', [['<NTANZ>110000</NTANZ>', '<NTANZ>250000</NTANZ>']], { code: 'INVALID_FIELD', segment: 'E1EDT45', field: 'NTANZ' }],
  ['an unknown time zone', [['<ISDZ>103000</ISDZ><TZONE_BEG>CET</TZONE_BEG>', '<ISDZ>103000</ISDZ><TZONE_BEG>MARS</TZONE_BEG>']], { code: 'INVALID_FIELD', segment: 'E1EDT10', field: 'TZONE_BEG' }],
  ['a leg arriving before it departs', [['<NTEND>20261128</NTEND>', '<NTEND>20261124</NTEND>']], { code: 'INVALID_FIELD', segment: 'E1EDT45', field: 'NTEND' }],
  ['loading that ends before it starts', [['<ISDZ>103000</ISDZ>', '<ISDZ>103000</ISDZ><IEDD>20261125</IEDD><IEDZ>101500</IEDZ>']], { code: 'INVALID_FIELD', segment: 'E1EDT10', field: 'IEDD' }],
  ['a date that is no date in a contained delivery', [['<NTANF>20261125</NTANF><NTANZ>080000</NTANZ><TZONE_BEG>CET</TZONE_BEG></E1EDT13>', '<NTANF>2026-11-25</NTANF><NTANZ>080000</NTANZ><TZONE_BEG>CET</TZONE_BEG></E1EDT13>']], { code: 'INVALID_FIELD', segment: 'E1EDT13', field: 'NTANF' }],
  // Negative quantities
  ['a negative distance', [['<DISTZ>1310.000</DISTZ>', '<DISTZ>1310.000-</DISTZ>']], { code: 'INVALID_FIELD', segment: 'E1EDT20', field: 'DISTZ' }],
  ['a negative stage distance', [['<DISTZ>12.000</DISTZ>', '<DISTZ>-12</DISTZ>']], { code: 'INVALID_FIELD', segment: 'E1EDK33', field: 'DISTZ' }],
  ['a negative container weight', [['<BRGEW>830.500</BRGEW><VHILM>', '<BRGEW>830.500-</BRGEW><VHILM>']], { code: 'INVALID_FIELD', segment: 'E1EDT37', field: 'BRGEW' }],
  ['a negative content quantity', [['<VEMNG>4.000</VEMNG>', '<VEMNG>4.000-</VEMNG>']], { code: 'INVALID_FIELD', segment: 'E1EDT43', field: 'VEMNG' }],
  ['a negative delivered quantity', [['<LFIMG>4.000</LFIMG>', '<LFIMG>-4</LFIMG>']], { code: 'INVALID_FIELD', segment: 'E1EDL24', field: 'LFIMG' }],
  // Unit mismatches
  ['a distance in kilograms', [['<MEDST>KMT</MEDST>', '<MEDST>KGM</MEDST>']], { code: 'INVALID_FIELD', segment: 'E1EDT20', field: 'MEDST' }],
  ['a stage distance without unit', [['<DISTZ>1298.000</DISTZ><MEDST>KMT</MEDST>', '<DISTZ>1298.000</DISTZ>']], { code: 'INVALID_FIELD', segment: 'E1EDK33', field: 'MEDST' }],
  ['a container weight in cubic metres', [['<GWEIT>KGM</GWEIT><BRGEW>830.500', '<GWEIT>MTQ</GWEIT><BRGEW>830.500']], { code: 'INVALID_FIELD', segment: 'E1EDT37', field: 'GWEIT' }],
  ['content in cartons of an item delivered in pallets', [['<VEMEH>PAL</VEMEH>', '<VEMEH>KAR</VEMEH>']], { code: 'INVALID_FIELD', segment: 'E1EDT43', field: 'VEMEH' }],
  // References to deliveries the shipment does not carry
  ['a stage naming a foreign delivery', [['<E1EDT01 SEGMENT="1"><VBELN>0080004243</VBELN>', '<E1EDT01 SEGMENT="1"><VBELN>80009999</VBELN>']], { code: 'INVALID_FIELD', segment: 'E1EDT01', field: 'VBELN' }],
  ['a container holding a foreign delivery', [['<VELIN>1</VELIN><VBELN>0080004243</VBELN>', '<VELIN>1</VELIN><VBELN>0080009999</VBELN>']], { code: 'INVALID_FIELD', segment: 'E1EDT43', field: 'VBELN' }],
];

describe('SHPMNT validation', () => {
  it.each(CASES)('refuses %s, naming segment and field', (_name, replacements, expected) => {
    const error = refusal(replacements);
    expect(error).toMatchObject(expected);
    if (expected.field === undefined) expect(error.field).toBeUndefined();
    expect(error.message).toContain(expected.field ? `${expected.segment}` : expected.segment);
  });
});
