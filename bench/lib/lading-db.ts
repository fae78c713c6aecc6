import Database from 'better-sqlite3';
import { percentile } from './timing';

/**
 * Reads a Lading child's SQLite file directly (read-only) for server-side timestamps: when an
 * IDoc was received (InboundIdocs.receivedAt) and when it reached status 53
 * (IdocStatusRecords.createdAt).
 */

export interface CommitFigures {
  idocs: number;
  posted: number;
  events: number;
  /** From the first IDoc received to the last one posted (53). */
  windowMs: number;
  p50Ms: number;
  p99Ms: number;
}

interface Row {
  receivedAt: string;
  postedAt: string | null;
}

/** The figures of IDocs given their received and posted (53) times in epoch ms, and the events on the ledger. */
export function figuresOf(rows: ReadonlyArray<{ received: number; posted: number | null }>, events: number): CommitFigures {
  const latencies: number[] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    first = Math.min(first, row.received);
    if (row.posted === null) continue;
    last = Math.max(last, row.posted);
    latencies.push(row.posted - row.received);
  }
  return {
    idocs: rows.length, posted: latencies.length, events,
    windowMs: latencies.length > 0 ? last - first : Number.NaN,
    p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99),
  };
}

/** Figures for IDocs whose DOCNUM lies in [fromDocnum, toDocnum). */
export function commitFigures(file: string, fromDocnum: string, toDocnum: string): CommitFigures {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(`
      SELECT i.receivedAt AS receivedAt, (SELECT min(r.createdAt) FROM lading_IdocStatusRecords r WHERE r.idoc_ID = i.ID AND r.status = '53') AS postedAt
      FROM lading_InboundIdocs i WHERE i.docnum >= ? AND i.docnum < ?`).all(fromDocnum, toDocnum) as Row[];
    const events = (db.prepare(`
      SELECT count(*) AS n FROM lading_ShipmentEvents e JOIN lading_InboundIdocs i ON e.shipment_ID = i.shipment_ID
      WHERE i.docnum >= ? AND i.docnum < ? AND e.ledgerTxId IS NOT NULL`).get(fromDocnum, toDocnum) as { n: number }).n;
    return figuresOf(rows.map((row) => ({ received: Date.parse(row.receivedAt), posted: row.postedAt === null ? null : Date.parse(row.postedAt) })), events);
  } finally {
    db.close();
  }
}

/** How many IDocs with DOCNUM in [fromDocnum, toDocnum) have status 53 now. */
export function postedCount(file: string, fromDocnum: string, toDocnum: string): { total: number; posted: number; failed: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(`SELECT count(*) AS total, coalesce(sum(status = '53'), 0) AS posted, coalesce(sum(status = '51'), 0) AS failed
      FROM lading_InboundIdocs WHERE docnum >= ? AND docnum < ?`).get(fromDocnum, toDocnum) as { total: number; posted: number; failed: number };
  } finally {
    db.close();
  }
}
