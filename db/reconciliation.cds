namespace lading;

using { cuid } from '@sap/cds/common';
using from './schema';

/** incremental: shipments changed since the last finished run; full: every shipment. */
type ReconciliationMode : String(12) enum { full; incremental; }

/** What a comparison of one shipment found (match is counted on the run, never stored). */
type DiscrepancyKind : String(24) enum {
  missingOnLedger; missingInErp; fieldMismatch; statusMismatch; payloadHashMismatch;
}

/** open → repaired (Lading re-drove it) | acknowledged (an operator's comment) | resolved (a later run found it matching). */
type DiscrepancyStatus : String(12) enum { open; repaired; acknowledged; resolved; }

/** One reconciliation run with its progress, as the job reports it; the CLI and OData poll it. */
entity ReconciliationRuns : cuid {
  mode            : ReconciliationMode;
  status          : String(10) enum { queued; running; finished; failed; } default 'queued';
  /** who asked: scheduler, an operator's name, cli */
  trigger         : String(40);
  requestedAt     : Timestamp @cds.on.insert: $now;
  startedAt       : Timestamp;
  finishedAt      : Timestamp;
  /** Shipments compared so far, and how many there are to compare (an estimate until the end). */
  done            : Integer default 0;
  total           : Integer default 0;
  /** Expected end, from the pace so far. */
  eta             : Timestamp;
  matched         : Integer default 0;
  discrepancies   : Integer default 0;
  /** New discrepancies this run opened (re-found ones are counted in discrepancies only). */
  opened          : Integer default 0;
  repaired        : Integer default 0;
  resolved        : Integer default 0;
  /** Highest ledger block Lading knew of when the run started: where the next incremental run starts. */
  ledgerBlock     : Integer64;
  /** Incremental: the changes it looked at were made since then (the previous run's start). */
  changedSince    : Timestamp;
  message         : String(1000);
}

/**
 * A difference between ERP state (SAP's delivery API, what Lading received) and the ledger, one per
 * shipment, kind and field. Found again by a later run, it is the same row: runs are idempotent.
 */
@assert.unique: { finding: [shipmentId, kind, field] }
entity Discrepancies : cuid {
  shipmentId     : lading.LedgerId;
  kind           : DiscrepancyKind;
  /** Which field differs (e.g. shippingPoint, status, events, payloadHash:<eventId>). */
  field          : String(120);
  /** SAP's value (delivery API), what Lading received and stored, and what the ledger keeps. */
  erpValue       : String(1000);
  receivedValue  : String(1000);
  ledgerValue    : String(1000);
  status         : DiscrepancyStatus default 'open';
  /** Lading can repair it itself (re-drive to the ledger, re-send to SAP). */
  repairable     : Boolean default false;
  comment        : String(1000);
  /** The run that found it first; later runs that find it unchanged leave the row alone (idempotent). */
  firstRun       : Association to ReconciliationRuns;
  firstSeenAt    : Timestamp;
  /** Last change of status or values, and by whom (a run, or an operator). */
  changedAt      : Timestamp;
  changedBy      : String(80);
  events         : Composition of many DiscrepancyEvents on events.discrepancy = $self;
}

/** Audit trail of a discrepancy: found, repaired, acknowledged, resolved, values changed. */
entity DiscrepancyEvents : cuid {
  discrepancy : Association to Discrepancies;
  run         : Association to ReconciliationRuns;
  action      : String(20) enum { found; changed; repaired; acknowledged; resolved; reopened; };
  fromStatus  : DiscrepancyStatus;
  toStatus    : DiscrepancyStatus;
  comment     : String(1000);
  actor       : String(80);
  createdAt   : Timestamp @cds.on.insert: $now;
}
