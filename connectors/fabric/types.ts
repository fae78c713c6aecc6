/**
 * What the `lading` chaincode stores and answers, in DCSA Track & Trace terms. These are the only
 * shapes the rest of Lading sees; chaincode strings and bytes stay inside this connector.
 */

export type EventType = 'SHIPMENT' | 'TRANSPORT' | 'EQUIPMENT';
/** ACTual, PLaNned or ESTimated. */
export type EventClassifierCode = 'ACT' | 'PLN' | 'EST';
/** DCSA document type an event is about, e.g. `CUS` customs declaration, `TRD` transport document. */
export type DocumentTypeCode = 'CBR' | 'BKG' | 'SHI' | 'SRM' | 'TRD' | 'ARN' | 'VGM' | 'CAS' | 'CUS' | 'DGD' | 'OOG';

/** Where the SAP document came from (IDoc type and number), kept for tracing back. */
export interface EventSource {
  idocType: string;
  /** Absent when the IDoc came without DOCNUM (some middleware strips it). */
  docnum?: string;
}

export interface EventLocation {
  UNLocationCode?: string;
  locationName?: string;
  facilityCode?: string;
}

/** One logistics event as it goes on the ledger (the chaincode keeps extra DCSA fields as given). */
export interface LedgerEvent {
  eventId: string;
  /** `<sender partner>/<delivery number>`, e.g. `S4HCLNT100/0080990777`. */
  shipmentId: string;
  eventType: EventType;
  eventClassifierCode: EventClassifierCode;
  /** DCSA code, e.g. `DEPA`, `ARRI`, `LOAD`, `GTIN`; which codes apply depends on eventType. */
  eventTypeCode: string;
  /** ISO 8601 date-time with offset. */
  eventDateTime: string;
  /** A DCSA location object, or a free-text location. */
  location?: EventLocation | string;
  /** SHA-256 of the source IDoc payload, 64 lowercase hex digits; the payload stays off the ledger. */
  payloadHash: string;
  source?: EventSource;
  documentTypeCode?: DocumentTypeCode;
  documentID?: string;
  transportCallID?: string;
  equipmentReference?: string;
}

/** An event as the ledger keeps it: the event as submitted plus who recorded it and when. */
export interface LedgerEventRecord {
  event: LedgerEvent;
  /** SHA-256 hex of the customs values in the private collection, when some were given. */
  customsHash?: string;
  /** MSP ID of the recording organisation. */
  recordedBy: string;
  txId: string;
  /** ISO 8601 transaction time. */
  recordedAt: string;
  /** 1-based position of the event in its shipment's `events`. */
  sequence: number;
}

/** Customs values of one event; they travel in the transient map and live in a private collection. */
export interface CustomsValues {
  /** Non-negative decimal; a string keeps exact decimals. */
  declaredValue: number | string;
  /** ISO 4217, e.g. `EUR`. */
  currency: string;
  duty?: number | string;
  /** 6, 8 or 10 digits each; at least one. */
  hsCodes: string[];
}

/** Customs values keyed by eventId. */
export type CustomsByEvent = Readonly<Record<string, CustomsValues>>;

/** Answer of recordEvents: which ids were new, which were already there with the same content. */
export interface RecordResult {
  recorded: string[];
  unchanged: string[];
}

/** The latest actual (ACT) event by event time: what a shipment's "current status" means. */
export interface ShipmentStatus {
  eventId: string;
  eventType: EventType;
  eventTypeCode: string;
  eventDateTime: string;
}

/** Current state of a shipment, rewritten by every transaction that records events of it. */
export interface ShipmentHead {
  shipmentId: string;
  /** Null until an ACT event arrives (plans and estimates do not change the status). */
  status: ShipmentStatus | null;
  /** Last event recorded, in ledger order. */
  lastEventId: string;
  /** Number of events recorded for the shipment. */
  version: number;
  /** Event ids in the order they were recorded. */
  events: string[];
  /** MSP ID of the org that recorded each event, by eventId. */
  recordedBy: Record<string, string>;
  updatedTxId: string;
  /** ISO 8601. */
  updatedAt: string;
}

export interface ShipmentHistoryEntry {
  txId: string;
  /** ISO 8601 commit time of the transaction. */
  timestamp: string;
  /** Shipment head written by that transaction (null if it was a delete). */
  value: ShipmentHead | null;
}

export interface ShipmentPage {
  shipments: ShipmentHead[];
  /** Pass back to get the next page; empty = no more pages. */
  bookmark: string;
}

/** One event as announced by the chaincode's ShipmentEventsRecorded event. */
export interface RecordedEventSummary {
  eventId: string;
  shipmentId: string;
  eventType: EventType;
  eventClassifierCode: EventClassifierCode;
  eventTypeCode: string;
  recordedBy: string;
}

/** Payload of the chaincode event emitted by each recordEvents that recorded something. */
export interface ShipmentEventsRecorded {
  recorded: string[];
  events: RecordedEventSummary[];
}

/** An endorsed, signed recordEvents transaction that can be submitted — and re-submitted — later. */
export interface PreparedRecord {
  transactionId: string;
  /** Serialized gateway.PreparedTransaction; keep it with the job to re-submit the same transaction. */
  bytes: Uint8Array;
}

/** A recordEvents transaction that is on the ledger. */
export interface CommittedRecord {
  transactionId: string;
  blockNumber: bigint;
  result: RecordResult;
}
