/**
 * The state database's schema: key-hash lookups find private-data rows through the partial index,
 * and a state file created with the schema before it (full key-hash index, WITHOUT ROWID history)
 * still opens, reads and commits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '../../devnet/protocol/rwset';
import { StateDb, type BlockUpdate, type StateWrite } from '../../devnet/ledger/statedb';
import { openDatabase } from '../../devnet/ledger/db';

const OLD_SCHEMA = `
CREATE TABLE state (
  ns TEXT NOT NULL, coll TEXT NOT NULL, key TEXT NOT NULL, key_hash BLOB NOT NULL,
  value BLOB NOT NULL, block INTEGER NOT NULL, txnum INTEGER NOT NULL,
  PRIMARY KEY (ns, coll, key)) WITHOUT ROWID;
CREATE INDEX state_by_hash ON state (ns, coll, key_hash);
CREATE TABLE history (
  ns TEXT NOT NULL, key TEXT NOT NULL, block INTEGER NOT NULL, txnum INTEGER NOT NULL,
  tx_id TEXT NOT NULL, is_delete INTEGER NOT NULL, value BLOB NOT NULL, ts_ms INTEGER NOT NULL,
  PRIMARY KEY (ns, key, block, txnum)) WITHOUT ROWID;
CREATE TABLE txids (
  tx_id TEXT PRIMARY KEY, block INTEGER NOT NULL, txnum INTEGER NOT NULL, code INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE blocks (
  number INTEGER PRIMARY KEY, header_hash BLOB NOT NULL, tx_count INTEGER NOT NULL, valid_count INTEGER NOT NULL);
CREATE TABLE pvtdata (
  block INTEGER NOT NULL, txnum INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (block, txnum)) WITHOUT ROWID;
CREATE TABLE transient (
  tx_id TEXT PRIMARY KEY, data BLOB NOT NULL, created_ms INTEGER NOT NULL) WITHOUT ROWID;
`;

function write(coll: string, key: string, value: string, txNum = 0): StateWrite {
  return { ns: 'lading', coll, key, value: Buffer.from(value), isDelete: false, txNum, txId: `tx-${key}-${value}`, timestamp: new Date(1_700_000_000_000) };
}

function block(blockNum: number, writes: StateWrite[]): BlockUpdate {
  return { blockNum, headerHash: Buffer.alloc(32, blockNum), txs: [{ txId: `tx-${blockNum}`, txNum: 0, code: 0 }], writes, privateData: [] };
}

/** Two blocks: a public and a private key, then both updated. */
function commitTwoBlocks(db: StateDb, from: number): void {
  db.apply(block(from, [write('', 'pub', 'v1'), write('secret', 'pvt', 'p1')]));
  db.apply(block(from + 1, [write('', 'pub', 'v2'), write('secret', 'pvt', 'p2')]));
}

describe('state database schema', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'statedb-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds private data by key hash and not public keys by hash', () => {
    const db = new StateDb(join(dir, 'state.sqlite'));
    try {
      commitTwoBlocks(db, 0);
      const found = db.getByKeyHash('lading', 'secret', sha256('pvt'));
      expect(found?.value.toString()).toBe('p2');
      expect(found?.version).toEqual({ blockNum: 1, txNum: 0 });
      expect(db.getByKeyHash('lading', 'secret', sha256('other'))).toBeUndefined();
      expect(db.getByKeyHash('lading', 'other', sha256('pvt'))).toBeUndefined();
      // Key hashes are looked up for private collections only; the public row is not indexed by hash.
      expect(db.getByKeyHash('lading', '', sha256('pub'))).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('builds the new schema: partial key-hash index, rowid history with a unique key', () => {
    const raw = openDatabase(join(dir, 'state.sqlite'));
    try {
      const sql = (name: string): string => String(raw.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(name)?.sql);
      expect(sql('state_by_hash')).toContain("WHERE coll <> ''");
      expect(sql('history')).not.toContain('WITHOUT ROWID');
      expect(sql('history_key')).toContain('UNIQUE INDEX');
      const plan = raw.prepare("EXPLAIN QUERY PLAN SELECT value FROM state INDEXED BY state_by_hash WHERE ns = ? AND coll = ? AND coll <> '' AND key_hash = ?").all('lading', 'secret', Buffer.alloc(32));
      expect(plan.map((row) => String(row.detail)).join(' ')).toContain('state_by_hash');
    } finally {
      raw.close();
    }
  });

  it('opens, reads and commits a state file created with the old schema', () => {
    const path = join(dir, 'state.sqlite');
    const old = openDatabaseWithoutSchema(path);
    old.exec(OLD_SCHEMA);
    old.close();

    let db = new StateDb(path);
    try {
      commitTwoBlocks(db, 0);
    } finally {
      db.close();
    }
    db = new StateDb(path);
    try {
      commitTwoBlocks(db, 2);
      // The same history row committed again replaces itself through the old primary key.
      db.apply({ ...block(4, [write('', 'pub', 'v2', 0)]), blockNum: 4 });
      expect(db.height()).toBe(5);
      expect(db.get('lading', '', 'pub')?.value.toString()).toBe('v2');
      expect(db.getByKeyHash('lading', 'secret', sha256('pvt'))?.version).toEqual({ blockNum: 3, txNum: 0 });
      expect(db.history('lading', 'pub').map((h) => h.value.toString())).toEqual(['v1', 'v2', 'v1', 'v2', 'v2']);
      expect(db.range('lading', '', '', '', 10).map((kv) => kv.key)).toEqual(['pub']);
      expect(db.allPublic().map((row) => row.key)).toEqual(['pub']);
    } finally {
      db.close();
    }
    // The old directory keeps its old schema: nothing was migrated.
    const raw = openDatabaseWithoutSchema(path);
    try {
      expect(String(raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'history'").get()?.sql)).toContain('WITHOUT ROWID');
      expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'history_key'").get()).toBeUndefined();
    } finally {
      raw.close();
    }
  });
});

/** A plain better-sqlite3 handle, without devnet's schema. */
function openDatabaseWithoutSchema(path: string): ReturnType<typeof openDatabase> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const BetterSqlite3 = require('better-sqlite3') as new (p: string) => ReturnType<typeof openDatabase>;
  return new BetterSqlite3(path);
}
