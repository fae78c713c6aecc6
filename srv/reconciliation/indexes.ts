import { onSqlite } from '../database-kind';
import { createIndexes, dropIndexes, ensureIndexes as ensureHotPathIndexes, type IndexDefinition } from '../indexes';

/**
 * Indexes the reconciliation's lookups need and the model does not declare (CDS has no index
 * syntax; the tables belong to db/schema.cds): a batch of shipments reads its events, outbox rows
 * and IDocs for SAP by shipment or IDoc, and an incremental run finds what changed since a time or
 * block. Without them each batch scans whole tables (measured: 100,000 shipments took 46 s, see
 * bench/README.md). Created once, if missing; the same statement works on SQLite and PostgreSQL.
 */
// Events by shipment: srv/indexes.ts, created at start for the hot paths.
const INDEXES: readonly IndexDefinition[] = [
  ['lading_reconcile_events_block', 'lading_ShipmentEvents', 'ledgerBlock'],
  ['lading_reconcile_outbox_idoc', 'lading_Outbox', 'idoc_ID'],
  ['lading_reconcile_outbound_shipment', 'lading_OutboundIdocs', 'shipment_ID'],
  // ID too, so that the changed set is read from the index alone: 189 → 22 ms for 20,000 of a million
  // shipments (SQLite), instead of a table lookup per row.
  ['lading_reconcile_shipments_modified_id', 'lading_Shipments', 'modifiedAt, ID'],
];

/** Indexes an earlier version created that the ones above replace. */
const SUPERSEDED = ['lading_reconcile_shipments_modified'];

/**
 * SQLite only: partial indexes of the few rows an incremental run looks for by state (failed outbox
 * rows, refused outbound IDocs, open discrepancies), which it otherwise finds by scanning the whole
 * table (≈ 0.5 s for a million outbox rows). The queries name the state as a literal (run.ts), as a
 * partial index needs. Not on PostgreSQL: an index whose condition names `state` or `status` would
 * cost the pipeline its HOT updates of those columns there.
 */
const SQLITE_PARTIAL_INDEXES: readonly IndexDefinition[] = [
  ['lading_reconcile_outbox_failed', 'lading_Outbox', 'shipmentId', "state = 'failed'"],
  ['lading_reconcile_outbound_refused', 'lading_OutboundIdocs', 'shipment_ID', "status = '02'"],
  ['lading_reconcile_discrepancies_open', 'lading_Discrepancies', 'shipmentId', "status = 'open'"],
];

/** Creates what is missing and drops what was replaced; every statement is idempotent. */
export async function createReconciliationIndexes(): Promise<void> {
  // A run outside a started server (a script, the benchmark) still gets the events-by-shipment index.
  await ensureHotPathIndexes();
  await createIndexes(INDEXES);
  await dropIndexes(SUPERSEDED);
  if (onSqlite()) await createIndexes(SQLITE_PARTIAL_INDEXES);
}

let ensured: Promise<void> | undefined;

/** createReconciliationIndexes, once per process. */
export function ensureIndexes(): Promise<void> {
  ensured ??= createReconciliationIndexes().catch((error: unknown) => {
    ensured = undefined;
    throw error;
  });
  return ensured;
}
