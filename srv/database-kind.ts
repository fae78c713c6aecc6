import cds from '@sap/cds';

/** The connected database's kind ('sqlite', 'postgres', 'hana'); `cds.db.kind` exists at runtime but not in @cap-js/cds-types. */
export function databaseKind(): string | undefined {
  return (cds.db as unknown as { kind?: string } | undefined)?.kind;
}

/** True on SQLite, where the hot paths run plain SQL instead of CAP's query pipeline (bulk-write.ts says why). */
export const onSqlite = (): boolean => databaseKind() === 'sqlite';
