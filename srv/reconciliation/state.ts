/**
 * What reconciliation compares, per shipment: ERP state (SAP's delivery, what Lading received)
 * and ledger state. Plain data, built by the readers, so that compare.ts stays a pure function.
 */

/** An outbound delivery as SAP's delivery API shows it, keyed like Lading's shipments. */
export interface ErpDelivery {
  /** `<SAP's logical system>/<delivery number>`. */
  shipmentId: string;
  deliveryNumber: string;
  shippingPoint?: string;
  salesOrganization?: string;
  deliveryType?: string;
  /** Decimals as text, as SAP sends them. */
  grossWeight?: string;
  netWeight?: string;
  weightUnit?: string;
  /** A not yet, B partly, C POD completed; empty = not POD-relevant. */
  proofOfDeliveryStatus?: string;
}

/** The outbox state of the IDoc an event came from (see db/schema.cds Outbox). */
export type OutboxState = 'pending' | 'queued' | 'confirmed' | 'failed';

/** One event as Lading stored it. */
export interface ReceivedEvent {
  eventId: string;
  /** SHA-256 of the source IDoc's payload, as written with the event. */
  payloadHash?: string;
  /** Lading settled it as committed (ledgerTxId set). */
  settled: boolean;
  recordedBy?: string;
  /** The inbound IDoc it came from; absent for other parties' events (they came from the ledger). */
  sourceIdocId?: string;
  outboxState?: OutboxState;
  /** SHA-256 of the source IDoc's payload as stored now (a changed payload no longer matches). */
  storedPayloadHash?: string;
}

/** An IDoc Lading owes SAP for this shipment that SAP refused or never took. */
export interface UnsentOutboundIdoc {
  id: string;
  docnum: string;
  /** 02 refused (dead letter), 30 still waiting. */
  status: string;
}

/** A shipment as Lading received it (tables Shipments, ShipmentEvents, InboundIdocs, Outbox, OutboundIdocs). */
export interface ReceivedShipment {
  shipmentId: string;
  deliveryNumber?: string;
  shippingPoint?: string;
  salesOrganization?: string;
  deliveryType?: string;
  grossWeight?: string;
  netWeight?: string;
  weightUnit?: string;
  status?: string;
  events: ReceivedEvent[];
  outbound: UnsentOutboundIdoc[];
}

/** A shipment as the ledger keeps it (the chaincode's head, plus the payload hashes of its events). */
export interface LedgerShipment {
  shipmentId: string;
  /** Lading's status name of the head's status event (statusAfter), ANNOUNCED without one. */
  status: string;
  /** Event ids in ledger order. */
  events: string[];
  /** MSP ID that recorded each event. */
  recordedBy: Record<string, string>;
  /** payloadHash of each event read from the ledger; an event missing here was not read. */
  payloadHashes: Record<string, string>;
}

/** Everything known of one shipment; any side may be missing. */
export interface ShipmentState {
  shipmentId: string;
  /** The shipment belongs to the SAP system reconciled against (its sender partner). */
  erpApplies: boolean;
  erp?: ErpDelivery;
  received?: ReceivedShipment;
  ledger?: LedgerShipment;
}

export type DiscrepancyKind = 'missingOnLedger' | 'missingInErp' | 'fieldMismatch' | 'statusMismatch' | 'payloadHashMismatch';

/** What Lading can do about a finding by itself. */
export type Repair =
  /** Put these inbound IDocs back on the ledger queue (their outbox rows). */
  | { action: 'redriveOutbox'; idocIds: string[] }
  /** Send these outbound IDocs to SAP again. */
  | { action: 'resendOutbound'; outboundIdocIds: string[] };

export interface Finding {
  shipmentId: string;
  kind: DiscrepancyKind;
  field: string;
  /** SAP's value (delivery API). */
  erpValue?: string;
  /** What Lading received and stored. */
  receivedValue?: string;
  ledgerValue?: string;
  repair?: Repair;
}
