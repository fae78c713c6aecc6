/**
 * Fixed-width layouts of the flat-file IDoc records (file ports), as data: the reader walks these
 * tables and holds no offsets of its own. Lengths are in characters. See README.md in this folder
 * for where each layout comes from and how far it is confirmed.
 */

/** One field of a fixed-width record: its name and width, in definition order. */
export type FieldLayout = readonly [name: string, length: number];

export interface SegmentLayout {
  /**
   * 'confirmed': names, order and lengths taken from a layout of a real SAP flat file;
   * 'unconfirmed': from SAP field names and data-element lengths as we know them, not checked
   * against a segment definition (WE31/WE60). Check these against your system before relying on them.
   */
  source: 'confirmed' | 'unconfirmed';
  /** In a confirmed layout, the first field whose position is not confirmed (it and all after it). */
  unconfirmedFrom?: string;
  fields: readonly FieldLayout[];
}

/** EDI_DC40, the control record: 524 characters (SAP documentation, /work/shared/reference/idoc.md). */
export const CONTROL_RECORD: SegmentLayout = {
  source: 'confirmed',
  fields: [
    ['TABNAM', 10], ['MANDT', 3], ['DOCNUM', 16], ['DOCREL', 4], ['STATUS', 2], ['DIRECT', 1], ['OUTMOD', 1],
    ['EXPRSS', 1], ['TEST', 1], ['IDOCTYP', 30], ['CIMTYP', 30], ['MESTYP', 30], ['MESCOD', 3], ['MESFCT', 3],
    ['STD', 1], ['STDVRS', 6], ['STDMES', 6], ['SNDPOR', 10], ['SNDPRT', 2], ['SNDPFC', 2], ['SNDPRN', 10],
    ['SNDSAD', 21], ['SNDLAD', 70], ['RCVPOR', 10], ['RCVPRT', 2], ['RCVPFC', 2], ['RCVPRN', 10], ['RCVSAD', 21],
    ['RCVLAD', 70], ['CREDAT', 8], ['CRETIM', 6], ['REFINT', 14], ['REFGRP', 14], ['REFMES', 14], ['ARCKEY', 70],
    ['SERIAL', 20],
  ],
};

/** EDI_DD40, the data record: 63 characters of administration, then SDATA (up to 1,000). */
export const DATA_RECORD_HEADER: SegmentLayout = {
  source: 'confirmed',
  fields: [['SEGNAM', 30], ['MANDT', 3], ['DOCNUM', 16], ['SEGNUM', 6], ['PSGNUM', 6], ['HLEVEL', 2]],
};

export const SDATA_LENGTH = 1000;

export function recordLength(layout: SegmentLayout): number {
  return layout.fields.reduce((sum, [, length]) => sum + length, 0);
}
