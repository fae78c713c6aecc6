import cds from '@sap/cds';
import { databaseKind } from './database-kind';

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
/** name, table, columns, and for a partial index its condition. */
export type IndexDefinition = readonly [name: string, table: string, columns: string, where?: string];

const INDEXES: readonly IndexDefinition[] = [
  ['lading_reconcile_events_shipment', 'lading_ShipmentEvents', 'shipment_ID'],
  ['lading_events_idoc', 'lading_ShipmentEvents', 'sourceIdoc_ID'],
];

/** Only where Lading deploys its own schema (SQLite, PostgreSQL): on SAP HANA the HDI deployer owns every DDL statement. */
const OWN_SCHEMA_KINDS = new Set(['sqlite', 'postgres']);

/** CREATE INDEX IF NOT EXISTS for each, in order; does nothing on a database whose schema Lading does not own. */
export async function createIndexes(indexes: readonly IndexDefinition[]): Promise<void> {
  if (!OWN_SCHEMA_KINDS.has(databaseKind() ?? '')) return;
  for (const [name, table, columns, where] of indexes) {
    try {
      await cds.run(`CREATE INDEX IF NOT EXISTS ${name} ON ${table} (${columns})${where ? ` WHERE ${where}` : ''}`);
    } catch (error) {
      // Instances starting together on PostgreSQL: the loser of the race is told the index exists.
      if (!/already exists|duplicate key/i.test((error as Error).message)) throw error;
    }
  }
}

/** DROP INDEX IF EXISTS for each (indexes a newer definition replaced); does nothing where Lading does not own the schema. */
export async function dropIndexes(names: readonly string[]): Promise<void> {
  if (!OWN_SCHEMA_KINDS.has(databaseKind() ?? '')) return;
  for (const name of names) await cds.run(`DROP INDEX IF EXISTS ${name}`);
}

let ensured: Promise<void> | undefined;

/** The hot paths' indexes, once per process. */
export function ensureIndexes(): Promise<void> {
  ensured ??= createIndexes(INDEXES).catch((error: unknown) => {
    ensured = undefined;
    throw error;
  });
  return ensured;
}
