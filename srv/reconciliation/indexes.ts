import cds from '@sap/cds';

/**
 * Indexes the reconciliation's lookups need and the model does not declare (CDS has no index
 * syntax; the tables belong to db/schema.cds): a batch of shipments reads its events, outbox rows
 * and IDocs for SAP by shipment or IDoc, and an incremental run finds what changed since a time or
 * block. Without them each batch scans whole tables (measured: 100,000 shipments took 46 s, see
 * bench/README.md). Created once, if missing; the same statement works on SQLite and PostgreSQL.
 */
const INDEXES: readonly [name: string, table: string, columns: string][] = [
  ['lading_reconcile_events_shipment', 'lading_ShipmentEvents', 'shipment_ID'],
  ['lading_reconcile_events_block', 'lading_ShipmentEvents', 'ledgerBlock'],
  ['lading_reconcile_outbox_idoc', 'lading_Outbox', 'idoc_ID'],
  ['lading_reconcile_outbound_shipment', 'lading_OutboundIdocs', 'shipment_ID'],
  ['lading_reconcile_shipments_modified', 'lading_Shipments', 'modifiedAt'],
];

let ensured: Promise<void> | undefined;

export function ensureIndexes(): Promise<void> {
  ensured ??= (async () => {
    for (const [name, table, columns] of INDEXES) await cds.run(`CREATE INDEX IF NOT EXISTS ${name} ON ${table} (${columns})`);
  })().catch((error: unknown) => {
    ensured = undefined;
    throw error;
  });
  return ensured;
}
