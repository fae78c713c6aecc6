import type { SegmentLayout } from './records';

/**
 * SDATA layouts of the INVOIC02 segments Lading maps, by segment type, fields in definition order
 * with their lengths. Sources and confidence per segment: README.md in this folder ("INVOIC02").
 */
export const INVOIC_LAYOUTS: Readonly<Record<string, SegmentLayout>> = {
  // Invoice header: names, order and lengths as published field lists of E1EDK01 give them.
  E1EDK01: {
    source: 'confirmed',
    fields: [
      ['ACTION', 3], ['KZABS', 1], ['CURCY', 3], ['HWAER', 3], ['WKURS', 12], ['ZTERM', 17], ['KUNDEUINR', 20],
      ['EIGENUINR', 20], ['BSART', 4], ['BELNR', 35], ['NTGEW', 18], ['BRGEW', 18], ['GEWEI', 3], ['FKART_RL', 4],
      ['ABLAD', 25], ['BSTZD', 4], ['VSART', 2], ['VSART_BEZ', 20], ['RECIPNT_NO', 10], ['KZAZU', 1], ['AUTLF', 1],
      ['AUGRU', 3], ['AUGRU_BEZ', 40], ['ABRVW', 3], ['ABRVW_BEZ', 20], ['FKTYP', 1], ['LIFSK', 2], ['LIFSK_BEZ', 20],
      ['EMPST', 25], ['ABTNR', 4], ['DELCO', 3], ['WKURS_M', 12],
    ],
  },
  // Partner: field names as SAP's E1EDKA1; lengths from the data elements as we know them.
  E1EDKA1: {
    source: 'unconfirmed',
    fields: [
      ['PARVW', 3], ['PARTN', 17], ['LIFNR', 17], ['NAME1', 35], ['NAME2', 35], ['NAME3', 35], ['NAME4', 35],
      ['STRAS', 35], ['STRS2', 35], ['PFACH', 35], ['ORT01', 35], ['COUNC', 9], ['PSTLZ', 9], ['PSTL2', 9],
      ['LAND1', 3],
    ],
  },
  E1EDK02: { source: 'unconfirmed', fields: [['QUALF', 3], ['BELNR', 35], ['POSNR', 6], ['DATUM', 8], ['UZEIT', 6]] },
  E1EDK03: { source: 'unconfirmed', fields: [['IDDAT', 3], ['DATUM', 8], ['UZEIT', 6]] },
  // Item: confirmed up to MATKL (published field list of E1EDP01); Lading reads nothing after it.
  E1EDP01: {
    source: 'confirmed',
    fields: [
      ['POSEX', 6], ['ACTION', 3], ['PSTYP', 1], ['KZABS', 1], ['MENGE', 15], ['MENEE', 3], ['BMNG2', 15], ['PMENE', 3],
      ['ABFTZ', 7], ['VPREI', 15], ['PEINH', 9], ['NETWR', 18], ['ANETW', 18], ['SKFBP', 18], ['NTGEW', 18], ['GEWEI', 3],
      ['EINKZ', 1], ['CURCY', 3], ['PREIS', 18], ['MATKL', 9],
    ],
  },
  E1EDP02: { source: 'unconfirmed', fields: [['QUALF', 3], ['BELNR', 35], ['ZEILE', 6], ['DATUM', 8], ['UZEIT', 6], ['BSARK', 4], ['IHREZ', 12]] },
  E1EDP19: { source: 'unconfirmed', fields: [['QUALF', 3], ['IDTNR', 35], ['KTEXT', 70], ['MFRPN', 42], ['MFRNR', 10]] },
  // Item amount: QUALF 3, BETRG 18 (published field list of E1EDP26).
  E1EDP26: { source: 'confirmed', fields: [['QUALF', 3], ['BETRG', 18]] },
  // Totals: SUMID 3, SUMME 18, SUNIT 3, WAERQ 3 (published field list of E1EDS01).
  E1EDS01: { source: 'confirmed', fields: [['SUMID', 3], ['SUMME', 18], ['SUNIT', 3], ['WAERQ', 3]] },
};
