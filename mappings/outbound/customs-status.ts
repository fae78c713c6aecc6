import { controlRecord, type IdocEnvelope } from './control-record';
import { deterministicDocnum } from './docnum';
import type { OutboundIdoc } from './outbound-idoc';
import { alphaNumber, sapDateTime } from './sap-values';
import { E1EDL20, Z1LADING_CUSTOMS } from './segment-definitions';
import { writeIdocDocument, type SegmentNode } from './xml-writer';

/** Lading's extension of DELVRY07 and its message type; SAP must import both (README.md). */
export const CUSTOMS_EXTENSION = 'ZLADING_CUSTOMS01';
export const CUSTOMS_MESSAGE_TYPE = 'ZLADING_CUSTOMS';

export type CustomsDecision = 'released' | 'held' | 'inspection' | 'exit-confirmed';

/** Z1LADING_CUSTOMS-STATUS codes: DCSA's RELS and HOLD where DCSA has one, Lading's own otherwise. */
export const CUSTOMS_STATUS_CODES: Readonly<Record<CustomsDecision, string>> = Object.freeze({
  released: 'RELS',
  held: 'HOLD',
  inspection: 'INSP',
  'exit-confirmed': 'EXIT',
});

export interface CustomsStatusUpdate {
  /** The ledger event of the decision: the DOCNUM is derived from it, and it goes into LEDGER_EVENT. */
  ledgerEventId: string;
  /** VBELN of the delivery the declaration covers. */
  delivery: string;
  /** Declaration number, e.g. the EU MRN (18 characters). */
  declarationNumber: string;
  decision: CustomsDecision;
  /** ISO instant of the decision; DECDAT/DECTIM in UTC. */
  decidedAt: string;
  /** Customs office code, e.g. 'DE004851'. */
  customsOffice?: string;
  /** Why held or inspected, up to 70 characters. */
  reason?: string;
}

export interface CustomsStatusOptions {
  createdAt: string;
}

/** A customs decision back onto the delivery, as extension ZLADING_CUSTOMS01 of DELVRY07. */
export function buildCustomsStatus(envelope: IdocEnvelope, update: CustomsStatusUpdate, options: CustomsStatusOptions): OutboundIdoc {
  const at = sapDateTime(update.decidedAt, 'decidedAt');
  const header: SegmentNode = {
    definition: E1EDL20,
    values: { VBELN: alphaNumber(update.delivery, 10) },
    children: [{
      definition: Z1LADING_CUSTOMS,
      values: {
        MRN: update.declarationNumber,
        STATUS: CUSTOMS_STATUS_CODES[update.decision],
        OFFICE: update.customsOffice,
        DECDAT: at.date,
        DECTIM: at.time,
        TZONE: 'UTC',
        REASON: update.reason,
        LEDGER_EVENT: update.ledgerEventId,
      },
    }],
  };
  const docnum = deterministicDocnum(`CUSTOMS|${update.ledgerEventId}`);
  const control = controlRecord(envelope, {
    docnum,
    idocType: 'DELVRY07',
    extensionType: CUSTOMS_EXTENSION,
    messageType: CUSTOMS_MESSAGE_TYPE,
    createdAt: options.createdAt,
  });
  return {
    docnum,
    idocType: 'DELVRY07',
    extensionType: CUSTOMS_EXTENSION,
    messageType: CUSTOMS_MESSAGE_TYPE,
    // With CIMTYP set, the XML root is the extension's name.
    xml: writeIdocDocument(CUSTOMS_EXTENSION, control, [header]),
  };
}
