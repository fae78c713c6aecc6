import { controlRecord, type IdocEnvelope } from './control-record';
import { deterministicDocnum } from './docnum';
import { OutboundIdocError } from './errors';
import { sapDocnum } from './idoc-numbers';
import type { OutboundIdoc } from './outbound-idoc';
import { E1ADHDR, E1PRTOB, E1STATE } from './segment-definitions';
import { statusMessageFields, type StatusMessage } from './status-message';
import { writeIdocDocument, type SegmentNode } from './xml-writer';

/** SAP's limit of confirmations in one ALEAUD01 IDoc. */
export const ALEAUD_MAX_CONFIRMATIONS = 500;

/** 53: application document posted (for Lading: on the ledger); 51: not posted (error). */
export type InboundOutcomeStatus = '53' | '51';

/** What Lading made of one IDoc SAP sent it. */
export interface IdocConfirmation extends StatusMessage {
  /** SAP's DOCNUM of the IDoc being confirmed (SAP finds its outbound IDoc by it). */
  docnum: string;
  /** Message type of the confirmed IDoc, e.g. 'DESADV'. */
  messageType: string;
  messageCode?: string;
  messageFunction?: string;
  status: InboundOutcomeStatus;
  /** The object Lading created, written as E1PRTOB: e.g. the ledger transaction id. */
  createdObject?: {
    /** OBJTYPE, up to 10 characters. Default 'ZLADINGTX'. */
    type?: string;
    /** OBJKEY, up to 70 characters. */
    key: string;
    /** Lading's own number of the received IDoc, when it has a 16-digit one. */
    receiverDocnum?: string;
  };
}

export interface AleaudOptions {
  /** ISO instant of building, for CREDAT/CRETIM. */
  createdAt: string;
  /** Confirmations per IDoc. Default and maximum 500. */
  maxPerIdoc?: number;
}

const DEFAULT_OBJECT_TYPE = 'ZLADINGTX';

function stateSegment(confirmation: IdocConfirmation): SegmentNode {
  const docnum = sapDocnum(confirmation.docnum, 'confirmed DOCNUM');
  const object = confirmation.createdObject;
  return {
    definition: E1STATE,
    values: {
      DOCNUM: docnum,
      STATUS: confirmation.status,
      // STATYP is the message severity SAP shows next to the status.
      STATYP: confirmation.status === '53' ? 'S' : 'E',
      ...statusMessageFields(confirmation),
    },
    children: object
      ? [{
          definition: E1PRTOB,
          values: {
            DOCNUM: object.receiverDocnum === undefined ? undefined : sapDocnum(object.receiverDocnum, 'receiverDocnum'),
            OBJTYPE: object.type ?? DEFAULT_OBJECT_TYPE,
            OBJKEY: object.key,
          },
        }]
      : [],
  };
}

/** One E1ADHDR per confirmed message type (+ code + function), in order of first appearance. */
function headerSegments(confirmations: readonly IdocConfirmation[]): SegmentNode[] {
  const groups = new Map<string, IdocConfirmation[]>();
  for (const confirmation of confirmations) {
    const key = [confirmation.messageType, confirmation.messageCode ?? '', confirmation.messageFunction ?? ''].join('\u0000');
    const group = groups.get(key);
    if (group) group.push(confirmation);
    else groups.set(key, [confirmation]);
  }
  return [...groups.values()].map((group) => ({
    definition: E1ADHDR,
    values: { MESTYP: group[0]?.messageType, MESCOD: group[0]?.messageCode, MESFCT: group[0]?.messageFunction },
    children: group.map(stateSegment),
  }));
}

/**
 * ALEAUD01 acknowledgements of IDocs SAP sent to Lading. SAP turns them into status 41
 * (application document created in the receiving system) or 40 (error) of its outbound IDocs.
 * Lists over `maxPerIdoc` are split; each IDoc's DOCNUM comes from the DOCNUMs and statuses it
 * confirms, so rebuilding the same acknowledgement gives the same number.
 */
export function buildAleaud(envelope: IdocEnvelope, confirmations: readonly IdocConfirmation[], options: AleaudOptions): OutboundIdoc[] {
  const size = options.maxPerIdoc ?? ALEAUD_MAX_CONFIRMATIONS;
  if (!Number.isInteger(size) || size < 1 || size > ALEAUD_MAX_CONFIRMATIONS) {
    throw new OutboundIdocError({ code: 'INVALID_VALUE', message: `maxPerIdoc must be 1..${ALEAUD_MAX_CONFIRMATIONS} (got ${size})` });
  }
  const idocs: OutboundIdoc[] = [];
  for (let start = 0; start < confirmations.length; start += size) {
    const chunk = confirmations.slice(start, start + size);
    const seed = `ALEAUD|${chunk.map((c) => `${sapDocnum(c.docnum, 'confirmed DOCNUM')}:${c.status}`).join(',')}`;
    const docnum = deterministicDocnum(seed);
    const control = controlRecord(envelope, { docnum, idocType: 'ALEAUD01', messageType: 'ALEAUD', createdAt: options.createdAt });
    idocs.push({ docnum, idocType: 'ALEAUD01', messageType: 'ALEAUD', xml: writeIdocDocument('ALEAUD01', control, headerSegments(chunk)) });
  }
  return idocs;
}
