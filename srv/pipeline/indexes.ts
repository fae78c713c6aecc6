import cds from '@sap/cds';

/**
 * Indexes the pipeline's lookups need and the model does not declare (CDS has no index syntax):
 * every ledger batch reads its IDocs' events by `sourceIdoc_ID`, when it records and when it
 * settles. Without the index each batch scanned the whole events table: on SQLite, in Lading's own
 * process, that was about 40 % of its busy time at half load after 10,000 IDocs (bench/README,
 * "End to end (session 4)"). Created once per process, if missing; the same statement works on
 * SQLite and PostgreSQL.
 */
const PIPELINE_INDEXES: readonly [name: string, table: string, columns: string][] = [
  ['lading_pipeline_events_idoc', 'lading_ShipmentEvents', 'sourceIdoc_ID'],
];

let ensured: Promise<void> | undefined;

export function ensurePipelineIndexes(): Promise<void> {
  ensured ??= (async () => {
    for (const [name, table, columns] of PIPELINE_INDEXES) {
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
