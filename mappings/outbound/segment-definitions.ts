/**
 * Field lists of the segments Lading writes, in segment definition order (SAP reads XML IDocs
 * by field name, but tools that convert to the flat EDI_DD40 form, and people comparing with
 * WE60, expect definition order). Lengths are SAP's; `text` fields are cut to length (a status
 * text may be shortened), every other field must fit or the builder refuses the IDoc.
 *
 * Only the fields Lading fills are listed, in their relative order; the sources are the notes in
 * /work/shared/reference/idoc.md and SAP's segment documentation (WE60). Z1LADING_CUSTOMS is
 * Lading's own segment (see README.md here).
 */
export interface FieldDefinition {
  readonly name: string;
  readonly length: number;
  /** Free text: shortened to `length` instead of refused. */
  readonly text?: boolean;
}

export interface SegmentDefinition {
  readonly name: string;
  readonly fields: readonly FieldDefinition[];
}

function segment(name: string, fields: ReadonlyArray<readonly [string, number] | readonly [string, number, 'text']>): SegmentDefinition {
  return Object.freeze({
    name,
    fields: Object.freeze(fields.map(([field, length, kind]) => Object.freeze({ name: field, length, text: kind === 'text' }))),
  });
}

export const EDI_DC40 = segment('EDI_DC40', [
  ['TABNAM', 10], ['MANDT', 3], ['DOCNUM', 16], ['DOCREL', 4], ['STATUS', 2], ['DIRECT', 1], ['OUTMOD', 1],
  ['EXPRSS', 1], ['TEST', 1], ['IDOCTYP', 30], ['CIMTYP', 30], ['MESTYP', 30], ['MESCOD', 3], ['MESFCT', 3],
  ['STD', 1], ['STDVRS', 6], ['STDMES', 6], ['SNDPOR', 10], ['SNDPRT', 2], ['SNDPFC', 2], ['SNDPRN', 10],
  ['SNDSAD', 21], ['SNDLAD', 70], ['RCVPOR', 10], ['RCVPRT', 2], ['RCVPFC', 2], ['RCVPRN', 10], ['RCVSAD', 21],
  ['RCVLAD', 70], ['CREDAT', 8], ['CRETIM', 6], ['REFINT', 14], ['REFGRP', 14], ['REFMES', 14], ['ARCKEY', 70],
  ['SERIAL', 20],
]);

/** ALEAUD01: header per confirmed message type. */
export const E1ADHDR = segment('E1ADHDR', [['MESTYP', 30], ['MESCOD', 3], ['MESFCT', 3]]);

/** ALEAUD01: one confirmed IDoc. STAPA*_LNG carry parameters longer than 20 characters. */
export const E1STATE = segment('E1STATE', [
  ['DOCNUM', 16], ['STATUS', 2], ['STACOD', 8], ['STATXT', 70, 'text'], ['STAPA1', 20, 'text'], ['STAPA2', 20, 'text'],
  ['STAPA3', 20, 'text'], ['STAPA4', 20, 'text'], ['STATYP', 1], ['STAMQU', 3], ['STAMID', 20], ['STAMNO', 3],
  ['STAPA1_LNG', 50, 'text'], ['STAPA2_LNG', 50, 'text'], ['STAPA3_LNG', 50, 'text'], ['STAPA4_LNG', 50, 'text'],
]);

/** ALEAUD01: the object the receiver created (for Lading: the ledger transaction). */
export const E1PRTOB = segment('E1PRTOB', [['DOCNUM', 16], ['OBJTYPE', 10], ['OBJKEY', 70]]);

/** SYSTAT01: one status record, the layout of table EDIDS. */
export const E1STATS = segment('E1STATS', [
  ['TABNAM', 10], ['MANDT', 3], ['DOCNUM', 16], ['LOGDAT', 8], ['LOGTIM', 6], ['STATUS', 2], ['UNAME', 12],
  ['REPID', 30], ['ROUTID', 30], ['STACOD', 8], ['STATXT', 70, 'text'], ['SEGNUM', 6], ['SEGFLD', 30],
  ['STAPA1', 20, 'text'], ['STAPA2', 20, 'text'], ['STAPA3', 20, 'text'], ['STAPA4', 20, 'text'], ['REFINT', 14],
  ['REFGRP', 14], ['REFMES', 14], ['ARCKEY', 70], ['STATYP', 1], ['STAMQU', 3], ['STAMID', 20], ['STAMNO', 3],
  ['STAPA1_LNG', 50, 'text'], ['STAPA2_LNG', 50, 'text'], ['STAPA3_LNG', 50, 'text'], ['STAPA4_LNG', 50, 'text'],
]);

/** DELVRY07 delivery header, the fields a POD or customs status needs. */
export const E1EDL20 = segment('E1EDL20', [['VBELN', 10], ['PODAT', 8], ['POTIM', 6]]);

/** DELVRY07 item. */
export const E1EDL24 = segment('E1EDL24', [['POSNR', 6], ['LFIMG', 15], ['VRKME', 3]]);

/** DELVRY07 POD deviation of one item (under E1EDL24). */
export const E1EDL53 = segment('E1EDL53', [['GRUND', 4], ['PODMG', 15], ['LFIMG_DIFF', 15], ['VRKME', 3]]);

/** SHPMNT05 shipment header. */
export const E1EDT20 = segment('E1EDT20', [['TKNUM', 10], ['EXTI1', 20]]);

/** SHPMNT05 shipment deadline (same layout as the delivery's E1EDT13). */
export const E1EDT10 = segment('E1EDT10', [
  ['QUALF', 3], ['NTANF', 8], ['NTANZ', 6], ['NTEND', 8], ['NTENZ', 6], ['TZONE_BEG', 6], ['ISDD', 8], ['ISDZ', 6],
  ['IEDD', 8], ['IEDZ', 6], ['TZONE_END', 6],
]);

/** Lading's customs status segment of extension ZLADING_CUSTOMS01 (under E1EDL20). */
export const Z1LADING_CUSTOMS = segment('Z1LADING_CUSTOMS', [
  ['MRN', 35], ['STATUS', 4], ['OFFICE', 8], ['DECDAT', 8], ['DECTIM', 6], ['TZONE', 6], ['REASON', 70, 'text'],
  ['LEDGER_EVENT', 64],
]);
