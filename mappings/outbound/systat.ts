import { controlRecord, type IdocEnvelope } from './control-record';
import { deterministicDocnum } from './docnum';
import { OutboundIdocError } from './errors';
import { sapDocnum } from './idoc-numbers';
import type { OutboundIdoc } from './outbound-idoc';
import { sapDateTime } from './sap-values';
import { E1STATS } from './segment-definitions';
import { statusMessageFields, type StatusMessage } from './status-message';
import { writeIdocDocument, type SegmentNode } from './xml-writer';

/** One status of an IDoc SAP sent, as Lading reports it back. */
export interface IdocStatusReport extends StatusMessage {
  /** SAP's DOCNUM of the IDoc the status is about. */
  docnum: string;
  /** Two-digit IDoc status, e.g. '53' or '51' (see README.md for which SAP accepts). */
  status: string;
  /** ISO instant the status was reached; written as LOGDAT/LOGTIM in UTC. */
  loggedAt: string;
  /** SEGNUM: number of the segment a failure concerns (1-based, as in WE02). */
  segmentNumber?: number;
  /** SEGFLD: the field a failure concerns. */
  segmentField?: string;
}

export interface SystatOptions {
  createdAt: string;
}

function statsSegment(report: IdocStatusReport): SegmentNode {
  if (!/^\d{2}$/.test(report.status)) {
    throw new OutboundIdocError({ code: 'INVALID_VALUE', message: `IDoc status "${report.status}" is not two digits`, segment: 'E1STATS', field: 'STATUS' });
  }
  const logged = sapDateTime(report.loggedAt, 'loggedAt');
  const segmentNumber = report.segmentNumber;
  if (segmentNumber !== undefined && (!Number.isInteger(segmentNumber) || segmentNumber < 1 || segmentNumber > 999_999)) {
    throw new OutboundIdocError({ code: 'INVALID_VALUE', message: `segmentNumber ${segmentNumber} is not 1..999999`, segment: 'E1STATS', field: 'SEGNUM' });
  }
  return {
    definition: E1STATS,
    values: {
      DOCNUM: sapDocnum(report.docnum, 'reported DOCNUM'),
      LOGDAT: logged.date,
      LOGTIM: logged.time,
      STATUS: report.status,
      SEGNUM: segmentNumber === undefined ? undefined : String(segmentNumber).padStart(6, '0'),
      SEGFLD: report.segmentField,
      ...statusMessageFields(report),
    },
  };
}

/**
 * SYSTAT01 (message type STATUS): status records for IDocs SAP sent. The DOCNUM comes from the
 * reported DOCNUMs and statuses, so reporting the same statuses again gives the same IDoc number.
 */
export function buildSystat(envelope: IdocEnvelope, reports: readonly IdocStatusReport[], options: SystatOptions): OutboundIdoc {
  if (reports.length === 0) throw new OutboundIdocError({ code: 'EMPTY_IDOC', message: 'A SYSTAT01 IDoc needs at least one status' });
  const segments = reports.map(statsSegment);
  const docnum = deterministicDocnum(`STATUS|${segments.map((s) => `${s.values.DOCNUM}:${s.values.STATUS}`).join(',')}`);
  const control = controlRecord(envelope, { docnum, idocType: 'SYSTAT01', messageType: 'STATUS', createdAt: options.createdAt });
  return { docnum, idocType: 'SYSTAT01', messageType: 'STATUS', xml: writeIdocDocument('SYSTAT01', control, segments) };
}
