import cds from '@sap/cds';

/**
 * For a persistent database (the embedded SQLite file, or PostgreSQL started with `cds-serve`
 * rather than through its deployer): deploy the model when the database is new or was made by
 * another model version. In-memory databases are deployed by CAP itself.
 */

/** cds.deploy exists at runtime but not in @cap-js/cds-types. */
interface CdsDeploy {
  deploy(model: unknown): { to(db: unknown): Promise<unknown> };
}

export async function ensureSchema(): Promise<void> {
  const db = cds.db as unknown as { kind?: string; options?: { credentials?: { url?: string; database?: string; schema?: string } } };
  const url = db.options?.credentials?.url ?? db.options?.credentials?.database;
  if (db.kind === 'postgres') {
    const schema = db.options?.credentials?.schema;
    if (schema) await cds.run(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '')}"`);
  } else if (db.kind !== 'sqlite' || !url || url === ':memory:') {
    return;
  }
  // cds.model is already compiled for Node.js; DDL and deployment need the model as loaded.
  const csn = await cds.load('*');
  const ddl = cds.compile.to.sql(csn) as unknown as string[];
  const { createHash } = await import('node:crypto');
  const modelHash = createHash('sha256').update(ddl.join('\n')).digest('hex');
  await cds.run('CREATE TABLE IF NOT EXISTS lading_schema_version (hash TEXT)');
  const current = (await cds.run('SELECT hash FROM lading_schema_version')) as { hash: string }[];
  if (current[0]?.hash === modelHash) return;
  if (current.length > 0) cds.log('lading').warn(`The database ${url} was made for another model version: recreating it (its data is dropped)`);
  await (cds as unknown as CdsDeploy).deploy(csn).to(cds.db);
  await cds.run('DELETE FROM lading_schema_version');
  // A hex digest as a literal: placeholders differ between SQLite (?) and PostgreSQL ($1).
  await cds.run(`INSERT INTO lading_schema_version (hash) VALUES ('${modelHash}')`);
}
