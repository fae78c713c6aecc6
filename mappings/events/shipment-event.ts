import { createHash } from 'node:crypto';

/** DCSA Track & Trace 2.2 event classes and classifiers. */
export type EventType = 'SHIPMENT' | 'TRANSPORT' | 'EQUIPMENT';
export type EventClassifierCode = 'ACT' | 'PLN' | 'EST';
/** DCSA document type codes: booking, shipping instruction, transport document, customs, ... */
export type DocumentTypeCode = 'CBR' | 'BKG' | 'SHI' | 'SRM' | 'TRD' | 'ARN' | 'VGM' | 'CAS' | 'CUS' | 'DGD' | 'OOG';

/**
 * Lading's canonical shipment event: DCSA Track & Trace names, so that GS1 EPCIS export is a map.
 * This is what goes on the ledger (the chaincode's event shape).
 */
export interface ShipmentEvent {
  eventId: string;
  shipmentId: string;
  eventType: EventType;
  eventClassifierCode: EventClassifierCode;
  /** e.g. RECE, GTOT, LOAD, DEPA, ARRI, HOLD, RELS, DROP, CMPL. */
  eventTypeCode: string;
  /** ISO-8601 instant in UTC. */
  eventDateTime: string;
  location?: string;
  documentTypeCode?: DocumentTypeCode;
  documentID?: string;
  equipmentReference?: string;
  emptyIndicatorCode?: 'EMPTY' | 'LADEN';
  description?: string;
  /** SHA-256 (hex) of the source IDoc's payload. */
  payloadHash: string;
  source?: { idocType: string; docnum?: string };
}

/** The facts that identify an event; the same facts always give the same id. */
export type EventIdentity = Pick<ShipmentEvent, 'shipmentId' | 'eventType' | 'eventClassifierCode' | 'eventTypeCode' | 'eventDateTime'> & {
  /** What distinguishes two events of the same kind at the same time (document, container, qualifier). */
  discriminator?: string;
};

/**
 * A name-based UUID (RFC 9562 version 8, SHA-256) of the event's identifying facts, so a resent
 * IDoc yields the same ids and the ledger records each fact once.
 */
export function eventIdOf(identity: EventIdentity): string {
  const name = [
    identity.shipmentId, identity.eventType, identity.eventClassifierCode, identity.eventTypeCode,
    identity.eventDateTime, identity.discriminator ?? '',
  ].join('\u001f');
  const hex = createHash('sha256').update(name).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  const id = hex.join('');
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`;
}

/** What a shipment's status reads after its latest actual event of this code. */
const STATUS_AFTER: Record<string, string> = {
  RECE: 'ANNOUNCED', CONF: 'TRANSPORT_PLANNED', STUF: 'STUFFED', GTOT: 'GOODS_ISSUED', LOAD: 'LOADED',
  DEPA: 'DEPARTED', ARRI: 'ARRIVED', DISC: 'DISCHARGED', SUBM: 'CUSTOMS_DECLARED', HOLD: 'CUSTOMS_HOLD',
  INSP: 'CUSTOMS_INSPECTION', RELS: 'CUSTOMS_RELEASED', GTIN: 'GATED_IN', DROP: 'DELIVERED', CMPL: 'POD_SIGNED',
};

/** Status after a set of events: the latest actual one counts; plans alone leave it ANNOUNCED. */
export function statusAfter(events: Pick<ShipmentEvent, 'eventClassifierCode' | 'eventTypeCode' | 'eventDateTime'>[]): string {
  const actual = events
    .filter((event) => event.eventClassifierCode === 'ACT' && STATUS_AFTER[event.eventTypeCode] !== undefined)
    .sort((a, b) => a.eventDateTime.localeCompare(b.eventDateTime));
  const latest = actual[actual.length - 1];
  return latest ? (STATUS_AFTER[latest.eventTypeCode] as string) : 'ANNOUNCED';
}
