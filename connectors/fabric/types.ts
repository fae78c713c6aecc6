/**
 * What the `lading` chaincode stores and answers, in DCSA Track & Trace terms. These are the only
 * shapes the rest of Lading sees; chaincode strings and bytes stay inside this connector.
 */

export type EventType = 'SHIPMENT' | 'TRANSPORT' | 'EQUIPMENT';
/** ACTual, PLaNned or ESTimated. */
export type EventClassifierCode = 'ACT' | 'PLN' | 'EST';

/** Where the SAP document came from (IDoc type and number), kept for tracing back. */
export interface EventSource {
  idocType: string;
  docnum: string;
}

export interface EventLocation {
  UNLocationCode?: string;
  locationName?: string;
  facilityCode?: string;
}

/** One logistics event as it goes on the ledger. */
export interface LedgerEvent {
  eventId: string;
  shipmentId: string;
  eventType: EventType;
  eventClassifierCode: EventClassifierCode;
  /** DCSA code, e.g. `DEPA`, `ARRI`, `LOAD`, `GTIN`; which codes apply depends on eventType. */
  eventTypeCode: string;
  /** ISO 8601 date-time with offset. */
  eventDateTime: string;
  location?: EventLocation;
  /** Hex SHA-256 of the source document, so the payload itself can stay off the ledger. */
  payloadHash: string;
  source?: EventSource;
  transportCallId?: string;
  equipmentReference?: string;
  /** A customs hash the chaincode adds when customs values were given privately; never set it yourself. */
  customsHash?: string;
  /** MSP ID of the org that recorded the event (set by the chaincode). */
  recordedBy?: string;
}

/** Customs values of one event; they travel in the transient map and live in a private collection. */
export interface CustomsValues {
  declaredValue: number;
  /** ISO 4217. */
  currency: string;
  duty: number;
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
  /** True when this submission found the transaction already committed by an earlier one. */
  alreadyCommitted: boolean;
}
