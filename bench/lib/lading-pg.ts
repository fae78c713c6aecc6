import { randomBytes } from 'node:crypto';
import { figuresOf, type CommitFigures } from './lading-db';
import { pgClient, pgCredentials } from '../../test/support/postgres';

/**
 * A private PostgreSQL schema for Lading children (127.0.0.1:5432, database `test`, as the tests
 * use), the `CDS_CONFIG` that points them at it, and the same server-side figures as
 * lading-db.ts reads from SQLite: received → status 53 per IDoc, events on the ledger.
 */



export interface PgSchema {
  name: string;
  /** CDS_CONFIG for a Lading child on this schema, quiet logs. */
  cdsConfig: string;
  figures(fromDocnum: string, toDocnum: string): Promise<CommitFigures>;
  postedCount(fromDocnum: string, toDocnum: string): Promise<{ total: number; posted: number; failed: number }>;
  /** Drops the schema and closes the connection. */
  drop(): Promise<void>;
}

export async function createPgSchema(prefix: string): Promise<PgSchema> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const db = pgClient();
  await db.connect();
  await db.query(`CREATE SCHEMA "${name}"`);
  await db.query(`SET search_path TO "${name}"`);
  return {
    name,
    cdsConfig: JSON.stringify({
      requires: { db: { kind: 'postgres', credentials: { ...pgCredentials, schema: name } } },
      log: { levels: { cds: 'warn', odata: 'warn', lading: 'warn', pipeline: 'error', sap: 'error', serve: 'warn', deploy: 'warn' } },
    }),
    async figures(fromDocnum, toDocnum) {
      // Epoch milliseconds from the database: no time-zone reading of timestamp columns in between.
      const rows = (await db.query<{ received: string; posted: string | null }>(`
        SELECT extract(epoch FROM i.receivedat) * 1000 AS received,
          (SELECT extract(epoch FROM min(r.createdat)) * 1000 FROM lading_idocstatusrecords r WHERE r.idoc_id = i.id AND r.status = '53') AS posted
        FROM lading_inboundidocs i WHERE i.docnum >= $1 AND i.docnum < $2`, [fromDocnum, toDocnum])).rows;
      const events = Number((await db.query<{ n: string }>(`
        SELECT count(*) AS n FROM lading_shipmentevents e JOIN lading_inboundidocs i ON e.shipment_id = i.shipment_id
        WHERE i.docnum >= $1 AND i.docnum < $2 AND e.ledgertxid IS NOT NULL`, [fromDocnum, toDocnum])).rows[0]?.n ?? 0);
      return figuresOf(rows.map((row) => ({ received: Number(row.received), posted: row.posted === null ? null : Number(row.posted) })), events);
    },
    async postedCount(fromDocnum, toDocnum) {
      const row = (await db.query<{ total: string; posted: string; failed: string }>(`
        SELECT count(*) AS total, count(*) FILTER (WHERE status = '53') AS posted, count(*) FILTER (WHERE status = '51') AS failed
        FROM lading_inboundidocs WHERE docnum >= $1 AND docnum < $2`, [fromDocnum, toDocnum])).rows[0];
      return { total: Number(row?.total ?? 0), posted: Number(row?.posted ?? 0), failed: Number(row?.failed ?? 0) };
    },
    async drop() {
      await db.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`).catch(() => undefined);
      await db.end();
    },
  };
}
