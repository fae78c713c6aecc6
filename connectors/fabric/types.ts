/**
 * What the `lading` chaincode stores and answers, in DCSA Track & Trace terms. These are the only
 * shapes the rest of Lading sees; chaincode strings and bytes stay inside this connector.
 */
import type { KeyObject } from 'node:crypto';

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
  /** Only on a proof of delivery (ACT SHIPMENT CMPL about TRD), where the chaincode requires it. */
  proofOfDelivery?: ProofOfDelivery;
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
  /** Proof of delivery only: the identity whose certificate the signature verified against. */
  podSigner?: PodSigner;
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

/** One delivered item as the consignee confirms it. */
export interface ProofOfDeliveryItem {
  /** SAP item number (POSNR), 1 to 6 digits, e.g. `000010`; each at most once. */
  itemNumber: string;
  /** Quantity received, non-negative. */
  quantity: number;
  /** Unit of measure, 1 to 3 letters or digits, e.g. `PC`. */
  unit: string;
}

/** What the consignee confirms; `signProofOfDelivery` turns it into a signed ledger event. */
export interface ProofOfDeliveryInput {
  /** `<sender partner>/<delivery number>`. */
  shipmentId: string;
  /** SAP delivery number; goes on the event as `documentID`. */
  deliveryNumber: string;
  /** When the goods were received, ISO 8601 with offset; normalised to UTC (`toISOString`). */
  receivedAt: string;
  items: readonly ProofOfDeliveryItem[];
  remarks?: string;
  /** Event time; default: `receivedAt`. */
  eventDateTime?: string;
}

/** The key that signs a proof of delivery: the private key of the submitting identity. */
export interface ProofOfDeliverySigner {
  /** ECDSA private key, PKCS#8 (or SEC1) PEM, or a KeyObject. */
  privateKeyPem: string | KeyObject;
}

/** The `proofOfDelivery` object of a POD event, as on the ledger. */
export interface ProofOfDelivery {
  receivedAt: string;
  items: ProofOfDeliveryItem[];
  remarks?: string;
  /**
   * Base64 DER ECDSA signature with SHA-256 over the canonical JSON (keys sorted, no whitespace)
   * of `{ shipmentId, eventId, receivedAt, items, remarks? }`.
   */
  signature: string;
}

/** The certificate a proof of delivery was verified against when it was recorded. */
export interface PodSigner {
  mspId: string;
  /** PEM X.509 certificate of the submitting identity. */
  certificate: string;
  /** Certificate subject, attributes joined by `, `. */
  subject: string;
  /** SHA-256 of the DER certificate, colon-separated uppercase hex. */
  fingerprint256: string;
}

/** A proof of delivery that is on the ledger. */
export interface SignedProofOfDelivery {
  eventId: string;
  transactionId: string;
  blockNumber: bigint;
}

/** The chaincode's re-verification of a stored proof of delivery. */
export interface ProofOfDeliveryVerification {
  eventId: string;
  valid: boolean;
  signer: Omit<PodSigner, 'certificate'>;
  /** SHA-256 hex of the canonical signed payload, recomputed from the stored event. */
  signedPayloadHash: string;
  /** Why it is not valid; absent when valid. */
  reason?: string;
}
