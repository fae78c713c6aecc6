import type { IdocEnvelope } from './control-record';
import type { CustomsDecision } from './customs-status';
import { buildCustomsStatus } from './customs-status';
import type { OutboundIdoc } from './outbound-idoc';
import { buildProofOfDelivery } from './proof-of-delivery';
import type { TransportMilestone } from './shipment-deadlines';
import { buildShipmentDeadlines } from './shipment-deadlines';

/**
 * Which ledger events SAP hears about, and as which IDoc: another party's transport milestones
 * become shipment deadlines (SHPMNT05), customs decisions a customs status on the delivery
 * (ZLADING_CUSTOMS01), a signed proof of delivery an STPPOD. Everything else stays on the ledger.
 */

/** A ledger event as the chaincode keeps it, in the fields this mapping reads. */
export interface LedgerEventForSap {
  eventId: string;
  shipmentId: string;
  eventType: string;
  eventClassifierCode: string;
  eventTypeCode: string;
  eventDateTime: string;
  documentTypeCode?: string;
  documentID?: string;
  location?: unknown;
  description?: string;
  proofOfDelivery?: {
    receivedAt: string;
    items: readonly { itemNumber: string; quantity: number; unit?: string }[];
    remarks?: string;
  };
}

/** What Lading knows of the delivery from SAP's own IDocs. */
export interface DeliveryFacts {
  deliveryNumber: string;
  items: readonly { itemNumber: string; quantity?: number; unit?: string }[];
}

export type SapUpdatePurpose = 'transport' | 'customs' | 'proofOfDelivery';

export interface SapUpdate {
  purpose: SapUpdatePurpose;
  idoc: OutboundIdoc;
}

const MILESTONES: Readonly<Record<string, TransportMilestone>> = {
  'EQUIPMENT/LOAD': 'loaded', 'TRANSPORT/DEPA': 'departed', 'TRANSPORT/ARRI': 'arrived', 'EQUIPMENT/DISC': 'discharged',
};

/** DCSA codes of customs decisions; APPR on a customs document is read as the exit confirmation. */
const CUSTOMS_DECISIONS: Readonly<Record<string, CustomsDecision>> = {
  'SHIPMENT/RELS': 'released', 'SHIPMENT/HOLD': 'held', 'EQUIPMENT/INSP': 'inspection', 'SHIPMENT/APPR': 'exit-confirmed',
};

const POD_DEVIATION_REASON = 'Z1';

function locationCode(location: unknown): string | undefined {
  if (typeof location === 'string') return location.slice(0, 10) || undefined;
  if (location && typeof location === 'object' && 'UNLocationCode' in location && typeof location.UNLocationCode === 'string') return location.UNLocationCode;
  return undefined;
}

function isCustomsDecision(event: LedgerEventForSap): boolean {
  return event.eventType === 'EQUIPMENT' ? event.eventTypeCode === 'INSP' : event.documentTypeCode === 'CUS';
}

export function sapUpdateFor(event: LedgerEventForSap, delivery: DeliveryFacts, envelope: IdocEnvelope, createdAt: string): SapUpdate | undefined {
  const key = `${event.eventType}/${event.eventTypeCode}`;
  const milestone = MILESTONES[key];
  if (milestone) {
    const at = event.eventClassifierCode === 'ACT' ? { actualAt: event.eventDateTime } : { plannedAt: event.eventDateTime };
    return {
      purpose: 'transport',
      idoc: buildShipmentDeadlines(envelope, {
        source: event.eventId, externalId: delivery.deliveryNumber, deadlines: [{ milestone, ...at }],
      }, { createdAt }),
    };
  }
  const decision = CUSTOMS_DECISIONS[key];
  if (decision && event.eventClassifierCode === 'ACT' && isCustomsDecision(event)) {
    return {
      purpose: 'customs',
      idoc: buildCustomsStatus(envelope, {
        ledgerEventId: event.eventId, delivery: delivery.deliveryNumber, declarationNumber: event.documentID ?? delivery.deliveryNumber,
        decision, decidedAt: event.eventDateTime, customsOffice: locationCode(event.location), reason: event.description,
      }, { createdAt }),
    };
  }
  if (key === 'SHIPMENT/CMPL' && event.documentTypeCode === 'TRD' && event.proofOfDelivery) {
    const pod = event.proofOfDelivery;
    const accepted = new Map(pod.items.map((item) => [item.itemNumber.padStart(6, '0'), item]));
    return {
      purpose: 'proofOfDelivery',
      idoc: buildProofOfDelivery(envelope, {
        sourceEventId: event.eventId, delivery: delivery.deliveryNumber, deliveredAt: pod.receivedAt,
        items: delivery.items.map((item) => {
          const signed = accepted.get(item.itemNumber.padStart(6, '0'));
          return {
            item: item.itemNumber, deliveredQuantity: item.quantity ?? 0, acceptedQuantity: signed?.quantity ?? 0,
            unit: item.unit ?? signed?.unit ?? 'PC',
          };
        }),
      }, { createdAt, deviationReason: POD_DEVIATION_REASON }),
    };
  }
  return undefined;
}
