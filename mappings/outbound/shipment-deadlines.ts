import { controlRecord, type IdocEnvelope } from './control-record';
import { deterministicDocnum } from './docnum';
import { OutboundIdocError } from './errors';
import type { OutboundIdoc } from './outbound-idoc';
import { alphaNumber, sapDateTime } from './sap-values';
import { E1EDT10, E1EDT20 } from './segment-definitions';
import { writeIdocDocument, type SegmentNode } from './xml-writer';

/** Transport events Lading reports to SAP's shipment (DCSA: LOAD, DEPA, ARRI, DISC). */
export type TransportMilestone = 'loaded' | 'departed' | 'arrived' | 'discharged';

/**
 * E1EDT10-QUALF per milestone. SAP's qualifier list for shipment deadlines is not public; these
 * defaults are an inference from the order of the shipment header's status dates (see
 * README.md) and must be checked against the target system (WE60 / domain values) and
 * overridden where they differ.
 */
export const DEFAULT_DEADLINE_QUALIFIERS: Readonly<Record<TransportMilestone, string>> = Object.freeze({
  loaded: '004',
  departed: '006',
  arrived: '007',
  discharged: 'Z01',
});

export interface ShipmentDeadline {
  milestone: TransportMilestone;
  /** ISO instant it happened (ISDD/ISDZ). */
  actualAt?: string;
  /** ISO instant it was planned (NTANF/NTANZ). */
  plannedAt?: string;
}

export interface ShipmentDeadlineUpdate {
  /** What the update comes from (e.g. the ledger event ids): the DOCNUM is derived from it. */
  source: string;
  /** TKNUM when SAP's shipment number is known. */
  shipmentNumber?: string;
  /** EXTI1, SAP's external identification 1, when TKNUM is not known (e.g. the carrier's booking). */
  externalId?: string;
  deadlines: readonly ShipmentDeadline[];
}

export interface ShipmentDeadlineOptions {
  createdAt: string;
  qualifiers?: Partial<Record<TransportMilestone, string>>;
}

function deadlineSegment(deadline: ShipmentDeadline, qualifiers: Record<TransportMilestone, string>): SegmentNode {
  if (deadline.actualAt === undefined && deadline.plannedAt === undefined) {
    throw new OutboundIdocError({ code: 'INVALID_VALUE', message: `Deadline ${deadline.milestone} has neither an actual nor a planned time`, segment: 'E1EDT10' });
  }
  const actual = deadline.actualAt === undefined ? undefined : sapDateTime(deadline.actualAt, `${deadline.milestone} actualAt`);
  const planned = deadline.plannedAt === undefined ? undefined : sapDateTime(deadline.plannedAt, `${deadline.milestone} plannedAt`);
  return {
    definition: E1EDT10,
    values: {
      QUALF: qualifiers[deadline.milestone],
      NTANF: planned?.date,
      NTANZ: planned?.time,
      TZONE_BEG: 'UTC',
      ISDD: actual?.date,
      ISDZ: actual?.time,
    },
  };
}

/**
 * SHPMNT05 (message type SHPMNT) carrying actual and planned times of transport milestones as
 * shipment header deadlines. The shipment is named by TKNUM, or by EXTI1 when only the external
 * id is known.
 */
export function buildShipmentDeadlines(envelope: IdocEnvelope, update: ShipmentDeadlineUpdate, options: ShipmentDeadlineOptions): OutboundIdoc {
  if (update.shipmentNumber === undefined && update.externalId === undefined) {
    throw new OutboundIdocError({ code: 'INVALID_VALUE', message: 'A shipment update needs TKNUM or EXTI1', segment: 'E1EDT20', field: 'TKNUM' });
  }
  if (update.deadlines.length === 0) throw new OutboundIdocError({ code: 'EMPTY_IDOC', message: 'A shipment update needs at least one deadline', segment: 'E1EDT10' });
  const qualifiers = { ...DEFAULT_DEADLINE_QUALIFIERS, ...options.qualifiers };
  const header: SegmentNode = {
    definition: E1EDT20,
    values: {
      TKNUM: update.shipmentNumber === undefined ? undefined : alphaNumber(update.shipmentNumber, 10),
      EXTI1: update.externalId,
    },
    children: update.deadlines.map((deadline) => deadlineSegment(deadline, qualifiers)),
  };
  const docnum = deterministicDocnum(`SHPMNT|${update.source}`);
  const control = controlRecord(envelope, { docnum, idocType: 'SHPMNT05', messageType: 'SHPMNT', createdAt: options.createdAt });
  return { docnum, idocType: 'SHPMNT05', messageType: 'SHPMNT', xml: writeIdocDocument('SHPMNT05', control, [header]) };
}
