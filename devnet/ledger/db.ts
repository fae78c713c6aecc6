/**
 * The SQLite file behind world state, private data, history and the tx-id index
 * (`<dir>/ledger/state.sqlite`). better-sqlite3 ships no type declarations, so the small part of
 * its API devnet uses is typed here.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type SqlValue = string | number | bigint | Buffer | null;
export type Row = Record<string, SqlValue>;

export interface Statement {
  run(...params: SqlValue[]): { changes: number };
  get(...params: SqlValue[]): Row | undefined;
  all(...params: SqlValue[]): Row[];
  /** The same statement answering rows as arrays in column order (no per-row objects keyed by column name). */
  raw(toggle: true): RawStatement;
}

/** A statement in raw mode: each row is an array of its columns in SELECT order. */
export interface RawStatement {
  get(...params: SqlValue[]): SqlValue[] | undefined;
  all(...params: SqlValue[]): SqlValue[][];
}

export interface Database {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  pragma(source: string): unknown;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): void;
}

type DatabaseConstructor = new (path: string) => Database;

/**
 * Key hashes are looked up for private collections only, so `state_by_hash` indexes private rows
 * only (public writes skip it); history is a rowid table whose rows (with their values) are appended
 * in order, only its narrow unique index taking inserts at random keys (a WITHOUT ROWID history
 * split full-row pages under random keys). Directories created before keep
 * their old schema (`IF NOT EXISTS` does not migrate): every query below is valid for both.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS state (
  ns TEXT NOT NULL, coll TEXT NOT NULL, key TEXT NOT NULL, key_hash BLOB NOT NULL,
  value BLOB NOT NULL, block INTEGER NOT NULL, txnum INTEGER NOT NULL,
  PRIMARY KEY (ns, coll, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS state_by_hash ON state (ns, coll, key_hash) WHERE coll <> '';
CREATE TABLE IF NOT EXISTS history (
  ns TEXT NOT NULL, key TEXT NOT NULL, block INTEGER NOT NULL, txnum INTEGER NOT NULL,
  tx_id TEXT NOT NULL, is_delete INTEGER NOT NULL, value BLOB NOT NULL, ts_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS txids (
  tx_id TEXT PRIMARY KEY, block INTEGER NOT NULL, txnum INTEGER NOT NULL, code INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blocks (
  number INTEGER PRIMARY KEY, header_hash BLOB NOT NULL, tx_count INTEGER NOT NULL, valid_count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS pvtdata (
  block INTEGER NOT NULL, txnum INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (block, txnum)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS transient (
  tx_id TEXT PRIMARY KEY, data BLOB NOT NULL, created_ms INTEGER NOT NULL) WITHOUT ROWID;
`;

export function openDatabase(path: string): Database {
  mkdirSync(dirname(path), { recursive: true });
  const BetterSqlite3 = require('better-sqlite3') as DatabaseConstructor;
  const db = new BetterSqlite3(path);
  // WAL + NORMAL: a crash may lose the last commit, which recovery replays from the block files.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Reads go through memory-mapped pages instead of a read() per page: a chaincode paging through
  // 500 heads touches ~60 pages. Writes still go through the WAL as before.
  db.pragma('mmap_size = 2147483648');
  // 64 MiB page cache (default 2 MiB): the state and history b-trees' inner pages stay cached.
  db.pragma('cache_size = -65536');
  // Checkpoint every 10000 WAL pages (~40 MB) instead of 1000: fewer checkpoints and fsyncs on
  // the commit path. A power loss may lose more state commits; the block files are fsynced before
  // each commit, so they are replayed at start as before.
  db.pragma('wal_autocheckpoint = 10000');
  db.exec(SCHEMA);
  // A rowid history gets its unique key; an old WITHOUT ROWID one has it as primary key already.
  const history = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'history'").get();
  if (!String(history?.sql).includes('WITHOUT ROWID')) db.exec('CREATE UNIQUE INDEX IF NOT EXISTS history_key ON history (ns, key, block, txnum)');
  return db;
}

export function asNumber(value: SqlValue | undefined): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new Error(`expected a number column, got ${typeof value}`);
}

export function asString(value: SqlValue | undefined): string {
  if (typeof value === 'string') return value;
  throw new Error(`expected a text column, got ${typeof value}`);
}

export function asBuffer(value: SqlValue | undefined): Buffer {
  if (Buffer.isBuffer(value)) return value;
  throw new Error(`expected a blob column, got ${typeof value}`);
}
