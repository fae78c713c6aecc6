import type { MappedDeliveryIdoc } from '../../mappings';
import { IdocError, mapIdoc, readControlRecord, readIdocXml } from '../../mappings';
import { fixture } from '../support/lading';

/** Named mapping errors: each bad value is refused with its segment and field, never mapped. */

const BASE = fixture('delvry/delvry07-desadv-3-items.xml');

function map(xml: string): MappedDeliveryIdoc {
  const [idoc] = readIdocXml(xml).idocs;
  if (!idoc) throw new Error('no IDoc');
  const mapped = mapIdoc(readControlRecord(idoc.control), idoc.segments, { payloadHash: 'f'.repeat(64), receivedAt: '2026-11-25T12:00:00.000Z' });
  if (mapped.kind !== 'delivery') throw new Error(`expected a delivery, got ${mapped.kind}`);
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

describe('DELVRY validation', () => {
  it.each([
    // wrong qualifier values
    ['a partner function of one letter', '<PARTNER_Q>WE</PARTNER_Q>', '<PARTNER_Q>W</PARTNER_Q>', 'E1ADRM1', 'PARTNER_Q'],
    ['a partner function of four letters', '<PARTNER_Q>WE</PARTNER_Q>', '<PARTNER_Q>WEWE</PARTNER_Q>', 'E1ADRM1', 'PARTNER_Q'],
    ['a partner function of digits', '<PARTNER_Q>WE</PARTNER_Q>', '<PARTNER_Q>12</PARTNER_Q>', 'E1ADRM1', 'PARTNER_Q'],
    ['a partner function with a space', '<PARTNER_Q>WE</PARTNER_Q>', '<PARTNER_Q>W E</PARTNER_Q>', 'E1ADRM1', 'PARTNER_Q'],
    // impossible dates and times
    ['30 February', '<NTANF>20261125</NTANF>', '<NTANF>20260230</NTANF>', 'E1EDT13', 'NTANF'],
    ['month 13', '<NTANF>20261125</NTANF>', '<NTANF>20261325</NTANF>', 'E1EDT13', 'NTANF'],
    ['a date of letters', '<ISDD>20261125</ISDD>', '<ISDD>2026112X</ISDD>', 'E1EDT13', 'ISDD'],
    ['hour 24', '<ISDZ>091500</ISDZ>', '<ISDZ>240000</ISDZ>', 'E1EDT13', 'ISDZ'],
    ['minute 60', '<NTANZ>080000</NTANZ>', '<NTANZ>086000</NTANZ>', 'E1EDT13', 'NTANZ'],
    ['an unknown time zone', '<TZONE_BEG>CET</TZONE_BEG>', '<TZONE_BEG>MARS</TZONE_BEG>', 'E1EDT13', 'TZONE_BEG'],
    ['a creation date of 31 April', '<CREDAT>20261124</CREDAT>', '<CREDAT>20260431</CREDAT>', 'EDI_DC40', 'CREDAT'],
    // negative quantities and weights
    ['a negative delivery quantity (trailing minus)', '<LFIMG>10.000</LFIMG>', '<LFIMG>10.000-</LFIMG>', 'E1EDL24', 'LFIMG'],
    ['a negative delivery quantity (leading minus)', '<LFIMG>10.000</LFIMG>', '<LFIMG>-10</LFIMG>', 'E1EDL24', 'LFIMG'],
    ['a negative handling unit quantity', '<VEMNG>10.000</VEMNG>', '<VEMNG>1-</VEMNG>', 'E1EDL39', 'VEMNG'],
    ['a negative gross weight', '<BTGEW>1250.000</BTGEW>', '<BTGEW>1250.000-</BTGEW>', 'E1EDL20', 'BTGEW'],
    ['a negative item weight', '<NTGEW>12.500</NTGEW>', '<NTGEW>-12.500</NTGEW>', 'E1EDL24', 'NTGEW'],
    ['a negative package count', '<ANZPK>00002</ANZPK>', '<ANZPK>2-</ANZPK>', 'E1EDL20', 'ANZPK'],
    ['a quantity that is not a number', '<LFIMG>10.000</LFIMG>', '<LFIMG>ten</LFIMG>', 'E1EDL24', 'LFIMG'],
    // unit mismatch: an item's weight unit that cannot be converted to the header's GEWEI
    ['an item weight unit that is no weight unit', '<BRGEW>13.000</BRGEW><GEWEI>KGM</GEWEI>', '<BRGEW>13.000</BRGEW><GEWEI>PC</GEWEI>', 'E1EDL24', 'GEWEI'],
    ['an item weight unit unknown to Lading', '<BRGEW>13.000</BRGEW><GEWEI>KGM</GEWEI>', '<BRGEW>13.000</BRGEW><GEWEI>XYZ</GEWEI>', 'E1EDL24', 'GEWEI'],
  ])('refuses %s', (_name, from, to, segment, field) => {
    expect(BASE).toContain(from);
    const error = errorOf(BASE.replace(from, to));
    expect(error).toMatchObject({ code: 'INVALID_FIELD', segment, field });
    expect(error.message).toContain(field);
  });

  it.each([
    ['a 3-letter partner function', '<PARTNER_Q>SP</PARTNER_Q>', '<PARTNER_Q>OSP</PARTNER_Q>'],
    ['a customer partner function', '<PARTNER_Q>SP</PARTNER_Q>', '<PARTNER_Q>Z1</PARTNER_Q>'],
    ['a lower-case partner function', '<PARTNER_Q>SP</PARTNER_Q>', '<PARTNER_Q>sp</PARTNER_Q>'],
    ['an item weight in grams under a header in kilograms', '<BRGEW>13.000</BRGEW><GEWEI>KGM</GEWEI>', '<BRGEW>13000</BRGEW><GEWEI>GRM</GEWEI>'],
    ['an item weight in pounds (SAP unit)', '<BRGEW>13.000</BRGEW><GEWEI>KGM</GEWEI>', '<BRGEW>28.66</BRGEW><GEWEI>LB</GEWEI>'],
    ['an item without a weight unit', '<BRGEW>13.000</BRGEW><GEWEI>KGM</GEWEI>', '<BRGEW>13.000</BRGEW>'],
    ['a zero quantity', '<LFIMG>10.000</LFIMG>', '<LFIMG>0.000</LFIMG>'],
    ['29 February of a leap year', '<NTANF>20261130</NTANF>', '<NTANF>20280229</NTANF>'],
    ['an empty date (zeros)', '<ISDD>20261125</ISDD>', '<ISDD>00000000</ISDD>'],
  ])('accepts %s', (_name, from, to) => {
    expect(BASE).toContain(from);
    expect(map(BASE.replace(from, to)).shipment.deliveryNumber).toBe('0080004242');
  });

  it('keeps each item in its own weight unit when it differs from the header', () => {
    const { shipment } = map(BASE.replace('<BRGEW>13.000</BRGEW><GEWEI>KGM</GEWEI>', '<BRGEW>13000</BRGEW><GEWEI>GRM</GEWEI>'));
    expect(shipment.weightUnit).toBe('KGM');
    expect(shipment.items[1]).toMatchObject({ grossWeight: 13000, weightUnit: 'GRM' });
  });
});
