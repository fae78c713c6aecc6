import type { EventType } from '../events/shipment-event';
import type { CustomsStatusCode } from './customs-record';

/** What a customs status means as a DCSA event (always about document CUS). */
export interface CustomsStatusMeaning {
  eventType: EventType;
  eventTypeCode: string;
  /** Past participle for descriptions: "Export declaration released". */
  verb: string;
}

/**
 * Z1LADING_DECL-STATUS → DCSA. Five codes are DCSA's own shipment events. For the two DCSA has
 * no shipment event for (README.md here explains the choice):
 * - INSP inspection → the equipment event INSP (DCSA's "inspected"), LADEN, on the container when
 *   the delivery names exactly one;
 * - EXIT exit confirmed → RELS: the export leaves customs supervision, the last release of the
 *   declaration (CMPL would read closer, but on the ledger CMPL is the consignee's proof of delivery).
 */
export const CUSTOMS_STATUS_EVENTS: Readonly<Record<CustomsStatusCode, CustomsStatusMeaning>> = {
  SUBM: { eventType: 'SHIPMENT', eventTypeCode: 'SUBM', verb: 'submitted' },
  APPR: { eventType: 'SHIPMENT', eventTypeCode: 'APPR', verb: 'accepted' },
  REJE: { eventType: 'SHIPMENT', eventTypeCode: 'REJE', verb: 'rejected' },
  HOLD: { eventType: 'SHIPMENT', eventTypeCode: 'HOLD', verb: 'held' },
  INSP: { eventType: 'EQUIPMENT', eventTypeCode: 'INSP', verb: 'selected for inspection' },
  RELS: { eventType: 'SHIPMENT', eventTypeCode: 'RELS', verb: 'released' },
  EXIT: { eventType: 'SHIPMENT', eventTypeCode: 'RELS', verb: 'exit confirmed' },
};

export function isCustomsStatus(code: string): code is CustomsStatusCode {
  return Object.hasOwn(CUSTOMS_STATUS_EVENTS, code);
}
