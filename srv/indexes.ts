import cds from '@sap/cds';

/**
 * Indexes the hot paths' lookups need and the model does not declare (CDS has no index syntax):
 * storing a batch of IDocs, a ledger batch and the ledger listener refresh shipment statuses from
 * the shipments' events (by `shipment_ID`), and every ledger batch reads its IDocs' events (by
 * `sourceIdoc_ID`) when it records and when it settles. Without them each of those statements
 * scanned the whole events table — on SQLite inside Lading's own process, 13–22 ms each after
 * 10,000 IDocs, most of Lading's CPU at half load in the end-to-end bench (bench/README, "End to
 * end (session 4)"). Created at start if missing; the same statement works on SQLite and PostgreSQL.
 * The shipment index keeps the name the reconciliation gave it when it was the only user.
 */
const INDEXES: readonly [name: string, table: string, columns: string][] = [
  ['lading_reconcile_events_shipment', 'lading_ShipmentEvents', 'shipment_ID'],
  ['lading_events_idoc', 'lading_ShipmentEvents', 'sourceIdoc_ID'],
];

let ensured: Promise<void> | undefined;

/** Only where Lading deploys its own schema (SQLite, PostgreSQL): on SAP HANA the HDI deployer owns every DDL statement. */
const OWN_SCHEMA_KINDS = new Set(['sqlite', 'postgres']);

export function ensureIndexes(): Promise<void> {
  ensured ??= (async () => {
    if (!OWN_SCHEMA_KINDS.has((cds.db as unknown as { kind?: string } | undefined)?.kind ?? '')) return;
    for (const [name, table, columns] of INDEXES) {
      try {
        await cds.run(`CREATE INDEX IF NOT EXISTS ${name} ON ${table} (${columns})`);
      } catch (error) {
        // Instances starting together on PostgreSQL: the loser of the race is told the index exists.
        if (!/already exists|duplicate key/i.test((error as Error).message)) throw error;
      }
    }
  })().catch((error: unknown) => {
    ensured = undefined;
    throw error;
  });
  return ensured;
}
