import type { SegmentLayout } from './records';
import { DELVRY_LAYOUTS } from './delvry';

/**
 * SDATA layouts of the SHPMNT05/06 segments Lading maps, by segment type, fields in definition
 * order with their lengths. The deliveries inside a shipment (E1EDL20 and below) use the DELVRY
 * layouts: segment types are global in SAP. Sources and confidence: README.md in this folder.
 */

function like(type: string): SegmentLayout {
  const layout = DELVRY_LAYOUTS[type];
  if (!layout) throw new Error(`no layout ${type} to copy`);
  return { source: 'unconfirmed', fields: layout.fields };
}

export const SHPMNT_LAYOUTS: Readonly<Record<string, SegmentLayout>> = {
  // Shipment header: names, order and lengths from a public field list of SHPMNT05 (SAP segment
  // documentation as published), as far as KKALSM; later fields land in SDATA_REST.
  E1EDT20: {
    source: 'confirmed',
    fields: [
      ['TKNUM', 10], ['SHTYP', 4], ['ABFER', 1], ['ABWST', 1], ['BFART', 1], ['VSART', 2], ['LAUFK', 1], ['VSBED', 2],
      ['ROUTE', 6], ['SIGNI', 20], ['EXTI1', 20], ['EXTI2', 20], ['TPBEZ', 20], ['STTRG', 1], ['PKSTK', 1],
      ['DTMEG', 3], ['DTMEV', 3], ['DISTZ', 15], ['MEDST', 3], ['FAHZT', 7], ['GESZT', 7], ['MEIZT', 3],
      ['FBSTA', 1], ['FBGST', 1], ['ARSTA', 1], ['ARGST', 1], ['STERM_DONE', 1], ['VSE_FRK', 1], ['KKALSM', 6],
    ],
  },
  // Shipment descriptions (texts of the header's codes): names from public mappings, lengths assumed.
  E1EDT22: {
    source: 'unconfirmed',
    fields: [
      ['SHTYP_BEZ', 20], ['ABFER_BEZ', 20], ['ABWST_BEZ', 20], ['BFART_BEZ', 20], ['VSART_BEZ', 20],
      ['LAUFK_BEZ', 20], ['VSBED_BEZ', 20], ['ROUTE_BEZ', 40], ['STTRG_BEZ', 20], ['FBGST_BEZ', 20],
    ],
  },
  // Shipment control qualifier (ORI, CHA, DEL), shaped like E1EDL18.
  E1EDT18: { source: 'unconfirmed', fields: [['QUALF', 3], ['PARAM', 20]] },
  // Shipment header deadlines: the layout of E1EDT13 (same fields, /work/shared/reference/idoc.md).
  E1EDT10: like('E1EDT13'),
  // Shipment partners: the address layout of E1ADRM1 (same field names in public mappings).
  E1ADRM4: like('E1ADRM1'),
  E1ADRE4: like('E1ADRE1'),
  // Stage: field names from public mappings (TSNUM, TSRFO, TSTYP, VSART, LAUFK, DISTZ, ...), lengths
  // from the data elements as we know them (TSNUM 4, TSRFO 4, DISTZ 15 like E1EDT20's).
  E1EDK33: {
    source: 'unconfirmed',
    fields: [
      ['TSNUM', 4], ['TSRFO', 4], ['TSTYP', 1], ['VSART', 2], ['INCO1', 3], ['LAUFK', 1], ['DISTZ', 15], ['MEDST', 3],
      ['FAHZT', 7], ['GESZT', 7], ['MEIZT', 3], ['FRKRL', 1], ['SKALSM', 6], ['FBSTA', 1], ['ARSTA', 1],
    ],
  },
  // Stage descriptions (texts of the stage's codes).
  E1EDT50: { source: 'unconfirmed', fields: [['TSTYP_BEZ', 20], ['LAUFK_BEZ', 20], ['FBSTA_BEZ', 20], ['ARSTA_BEZ', 20]] },
  // Stage point (QUALI 001 departure, 002 destination) and the fields that name the point.
  E1EDT44: {
    source: 'unconfirmed',
    fields: [
      ['QUALI', 3], ['KNOTE', 10], ['VSTEL', 4], ['LSTEL', 2], ['WERKS', 4], ['LGORT', 4], ['KUNNR', 10], ['LIFNR', 10],
      ['LGNUM', 3], ['LGTOR', 3], ['BELAD', 25], ['ABLAD', 25],
    ],
  },
  // Stage point address and stage partners: E1ADRM1's layout.
  E1ADRM6: like('E1ADRM1'),
  E1ADRM7: like('E1ADRM1'),
  E1ADRE7: like('E1ADRE1'),
  // Stage deadlines: E1EDT13's layout.
  E1EDT45: like('E1EDT13'),
  // Deliveries of a stage.
  E1EDT01: { source: 'unconfirmed', fields: [['VBELN', 10]] },
  // Handling unit of the shipment and its contents: E1EDL37's and E1EDL44's layouts.
  E1EDT37: like('E1EDL37'),
  E1EDT43: like('E1EDL44'),
};
