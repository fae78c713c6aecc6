import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * The test PostgreSQL (127.0.0.1:5432, trust, database `test`, or PG* variables) and the part of
 * node-postgres that tests and benchmarks use to make and inspect their own schemas (the package
 * ships no types).
 */

export interface PgClient {
  connect(): Promise<void>;
  query<Row>(sql: string, values?: unknown[]): Promise<{ rows: Row[] }>;
  end(): Promise<void>;
}

export const pgCredentials = {
  host: process.env.PGHOST || '127.0.0.1', port: Number(process.env.PGPORT || 5432),
  database: process.env.PGDATABASE || 'test', user: process.env.PGUSER || 'postgres',
};

const { Client } = createRequire(join(__dirname, '..', '..', 'package.json'))('pg') as { Client: new (config: object) => PgClient };

/** A client (not yet connected) to the test database. */
export function pgClient(): PgClient {
  return new Client(pgCredentials);
}
