import type { JsonObject } from './canonical-json';

/** DCSA Track & Trace 2.2 vocabularies, as far as this contract uses them. */
export const EVENT_TYPES = ['SHIPMENT', 'TRANSPORT', 'EQUIPMENT'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const EVENT_CLASSIFIER_CODES = ['ACT', 'PLN', 'EST'] as const;
export type EventClassifierCode = (typeof EVENT_CLASSIFIER_CODES)[number];

export const EVENT_TYPE_CODES: Readonly<Record<EventType, readonly string[]>> = {
  SHIPMENT: ['RECE', 'DRFT', 'PENA', 'PENU', 'REJE', 'APPR', 'ISSU', 'SURR', 'SUBM', 'VOID', 'CONF', 'REQS', 'CMPL', 'HOLD', 'RELS'],
  TRANSPORT: ['ARRI', 'DEPA'],
  EQUIPMENT: ['LOAD', 'DISC', 'GTIN', 'GTOT', 'STUF', 'STRP', 'PICK', 'DROP', 'INSP', 'RSEA', 'RMVD'],
};

export const DOCUMENT_TYPE_CODES = ['CBR', 'BKG', 'SHI', 'SRM', 'TRD', 'ARN', 'VGM', 'CAS', 'CUS', 'DGD', 'OOG'] as const;
export type DocumentTypeCode = (typeof DOCUMENT_TYPE_CODES)[number];

/** Where the event came from in SAP. */
export interface EventSource {
  idocType: string;
  docnum: string;
}

/**
 * One shipment event as the connector submits it. Fields beyond these are kept as they are
 * (DCSA has many optional ones), which is why the type stays open.
 */
export interface ShipmentEvent extends JsonObject {
  eventId: string;
  /** `<sender partner>/<delivery number>`, e.g. `S4HCLNT100/0080990777`. */
  shipmentId: string;
  eventType: EventType;
  eventClassifierCode: EventClassifierCode;
  eventTypeCode: string;
  /** ISO 8601 with offset, e.g. `2026-11-25T10:15:00Z`. */
  eventDateTime: string;
  /** SHA-256 hex of the source IDoc payload. */
  payloadHash: string;
}

/** What the ledger keeps per event: the event as submitted plus who recorded it and when. */
export interface EventRecord {
  /** The submitted event, fields as received (stored with sorted keys). */
  event: ShipmentEvent;
  /** SHA-256 hex of the customs values kept in the private collection, if any. */
  customsHash?: string;
  recordedBy: string;
  txId: string;
  /** Transaction time (proposal timestamp), ISO 8601. */
  recordedAt: string;
  /** 1-based position of this event in its shipment's `events`. */
  sequence: number;
  /** Proof of delivery only: the identity whose certificate the POD signature verified against. */
  podSigner?: PodSigner;
}

/**
 * The submitting identity of a proof of delivery, kept so that anyone on the channel can verify
 * the signature later without asking the consignee (verifyProofOfDelivery).
 */
export interface PodSigner {
  mspId: string;
  /** PEM of the submitter's X.509 certificate (the transaction creator's id bytes). */
  certificate: string;
  /** Subject of the certificate, attributes joined by ", ", e.g. `C=US, O=ConsigneeMSP, CN=user1`. */
  subject: string;
  /** SHA-256 of the DER certificate, colon-separated uppercase hex (as `openssl x509 -fingerprint -sha256`). */
  fingerprint256: string;
}

/** The latest actual (ACT) event by event time: what a shipment's "current status" means. */
export interface ShipmentStatus {
  eventId: string;
  eventType: EventType;
  eventTypeCode: string;
  eventDateTime: string;
}

/** Per-shipment summary, updated by every transaction that records events of the shipment. */
export interface ShipmentHead {
  shipmentId: string;
  /** Null until an ACT event arrives (plans and estimates do not change the status). */
  status: ShipmentStatus | null;
  /** Last event recorded, in ledger order. */
  lastEventId: string;
  /** Number of events recorded for the shipment; grows by one per event. */
  version: number;
  /** Event ids in the order they were recorded. */
  events: string[];
  /** MSP id of the organisation that recorded each event. */
  recordedBy: Record<string, string>;
  updatedTxId: string;
  updatedAt: string;
}

export interface RecordEventsResult {
  recorded: string[];
  unchanged: string[];
}

/** Payload of the single chaincode event a recording transaction emits. */
export interface ShipmentEventsRecordedPayload {
  recorded: string[];
  events: Array<{
    eventId: string;
    shipmentId: string;
    eventType: EventType;
    eventClassifierCode: EventClassifierCode;
    eventTypeCode: string;
    recordedBy: string;
  }>;
}

export const SHIPMENT_EVENTS_RECORDED = 'ShipmentEventsRecorded';
