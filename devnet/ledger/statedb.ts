/**
 * World state, private data, history and the tx-id index, all versioned by (block, tx number)
 * and updated once per block in one SQLite transaction, so state always matches a block boundary.
 */
import { sha256, type Version } from '../protocol/rwset';
import { asBuffer, asNumber, asString, openDatabase, type Database, type RawStatement, type Row, type SqlValue, type Statement } from './db';

export interface VersionedValue {
  value: Buffer;
  version: Version;
}

export interface VersionedKV extends VersionedValue {
  key: string;
}

export interface HistoryEntry {
  txId: string;
  value: Buffer;
  timestamp: Date;
  isDelete: boolean;
}

export interface TxStatus {
  blockNum: number;
  txNum: number;
  code: number;
}

export interface StateWrite {
  ns: string;
  /** '' for public state. */
  coll: string;
  key: string;
  value: Buffer;
  isDelete: boolean;
  txNum: number;
  txId: string;
  timestamp: Date;
}

export interface BlockUpdate {
  blockNum: number;
  headerHash: Buffer;
  txs: Array<{ txId: string; txNum: number; code: number }>;
  writes: StateWrite[];
  privateData: Array<{ txNum: number; data: Uint8Array }>;
}

const TRANSIENT_RETENTION_MS = 24 * 3600 * 1000;

function version(row: Row): Version {
  return { blockNum: asNumber(row.block), txNum: asNumber(row.txnum) };
}

/** A raw `value, block, txnum` row (point reads, the hot path of a chaincode's GetState). */
function versionedValue(row: SqlValue[]): VersionedValue {
  return { value: asBuffer(row[0]), version: { blockNum: asNumber(row[1]), txNum: asNumber(row[2]) } };
}

/** A raw `key, value, block, txnum` row (range reads). */
function versionedKV(row: SqlValue[]): VersionedKV {
  return { key: asString(row[0]), value: asBuffer(row[1]), version: { blockNum: asNumber(row[2]), txNum: asNumber(row[3]) } };
}

export class StateDb {
  readonly #db: Database;
  readonly #get: RawStatement;
  readonly #getByHash: RawStatement;
  readonly #rangeBounded: RawStatement;
  readonly #rangeOpen: RawStatement;
  readonly #history: Statement;
  readonly #txStatus: Statement;
  readonly #lastBlock: Statement;
  readonly #apply: (update: BlockUpdate) => void;

  constructor(path: string) {
    this.#db = openDatabase(path);
    const db = this.#db;
    // Reads answer rows as arrays: no object per row keyed by column name (a page is 500+ rows).
    this.#get = db.prepare('SELECT value, block, txnum FROM state WHERE ns = ? AND coll = ? AND key = ?').raw(true);
    // Key hashes are private only: `coll <> ''` matches the partial index of private rows, named
    // because the planner prefers the primary key's (ns, coll) prefix otherwise (valid on old files too).
    this.#getByHash = db
      .prepare("SELECT value, block, txnum FROM state INDEXED BY state_by_hash WHERE ns = ? AND coll = ? AND coll <> '' AND key_hash = ?")
      .raw(true);
    this.#rangeBounded = db
      .prepare('SELECT key, value, block, txnum FROM state WHERE ns = ? AND coll = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?')
      .raw(true);
    this.#rangeOpen = db.prepare('SELECT key, value, block, txnum FROM state WHERE ns = ? AND coll = ? AND key >= ? ORDER BY key LIMIT ?').raw(true);
    this.#history = db.prepare('SELECT tx_id, is_delete, value, ts_ms FROM history WHERE ns = ? AND key = ? ORDER BY block, txnum');
    this.#txStatus = db.prepare('SELECT block, txnum, code FROM txids WHERE tx_id = ?');
    this.#lastBlock = db.prepare('SELECT number, header_hash FROM blocks ORDER BY number DESC LIMIT 1');

    const upsert = db.prepare(
      'INSERT INTO state (ns, coll, key, key_hash, value, block, txnum) VALUES (?, ?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT (ns, coll, key) DO UPDATE SET value = excluded.value, block = excluded.block, txnum = excluded.txnum',
    );
    const remove = db.prepare('DELETE FROM state WHERE ns = ? AND coll = ? AND key = ?');
    const addHistory = db.prepare('INSERT OR REPLACE INTO history (ns, key, block, txnum, tx_id, is_delete, value, ts_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    // The index keeps the first occurrence of a tx id, as Fabric's block index answers lookups.
    const addTx = db.prepare('INSERT OR IGNORE INTO txids (tx_id, block, txnum, code) VALUES (?, ?, ?, ?)');
    const addBlock = db.prepare('INSERT INTO blocks (number, header_hash, tx_count, valid_count) VALUES (?, ?, ?, ?)');
    const addPvt = db.prepare('INSERT OR REPLACE INTO pvtdata (block, txnum, data) VALUES (?, ?, ?)');
    const dropTransient = db.prepare('DELETE FROM transient WHERE tx_id = ?');
    // Private data of proposals never submitted: Fabric's transient store purges it after a while too.
    const purgeTransient = db.prepare('DELETE FROM transient WHERE created_ms < ?');

    this.#apply = db.transaction((update: BlockUpdate) => {
      for (const w of update.writes) {
        if (w.isDelete) remove.run(w.ns, w.coll, w.key);
        else upsert.run(w.ns, w.coll, w.key, sha256(w.key), w.value, update.blockNum, w.txNum);
        // Fabric keeps history for public keys only.
        if (w.coll === '') {
          addHistory.run(w.ns, w.key, update.blockNum, w.txNum, w.txId, w.isDelete ? 1 : 0, w.isDelete ? Buffer.alloc(0) : w.value, w.timestamp.getTime());
        }
      }
      for (const tx of update.txs) {
        addTx.run(tx.txId, update.blockNum, tx.txNum, tx.code);
        dropTransient.run(tx.txId);
      }
      for (const pvt of update.privateData) addPvt.run(update.blockNum, pvt.txNum, Buffer.from(pvt.data));
      purgeTransient.run(Date.now() - TRANSIENT_RETENTION_MS);
      const valid = update.txs.filter((tx) => tx.code === 0).length;
      addBlock.run(update.blockNum, update.headerHash, update.txs.length, valid);
    });
  }

  get(ns: string, coll: string, key: string): VersionedValue | undefined {
    const row = this.#get.get(ns, coll, key);
    return row ? versionedValue(row) : undefined;
  }

  getByKeyHash(ns: string, coll: string, keyHash: Buffer): VersionedValue | undefined {
    const row = this.#getByHash.get(ns, coll, keyHash);
    return row ? versionedValue(row) : undefined;
  }

  /** Keys in [startKey, endKey) ascending; an empty endKey means no upper bound. */
  range(ns: string, coll: string, startKey: string, endKey: string, limit: number): VersionedKV[] {
    const rows = endKey === '' ? this.#rangeOpen.all(ns, coll, startKey, limit) : this.#rangeBounded.all(ns, coll, startKey, endKey, limit);
    return rows.map(versionedKV);
  }

  history(ns: string, key: string): HistoryEntry[] {
    return this.#history.all(ns, key).map((row) => ({
      txId: asString(row.tx_id),
      isDelete: asNumber(row.is_delete) === 1,
      value: asBuffer(row.value),
      timestamp: new Date(asNumber(row.ts_ms)),
    }));
  }

  txStatus(txId: string): TxStatus | undefined {
    const row = this.#txStatus.get(txId);
    return row ? { blockNum: asNumber(row.block), txNum: asNumber(row.txnum), code: asNumber(row.code) } : undefined;
  }

  /** Number of blocks whose effects are in state (the state height). */
  height(): number {
    const row = this.#lastBlock.get();
    return row ? asNumber(row.number) + 1 : 0;
  }

  lastHeaderHash(): Buffer | undefined {
    const row = this.#lastBlock.get();
    return row ? asBuffer(row.header_hash) : undefined;
  }

  countTransactions(): { total: number; valid: number } {
    const row = this.#db.prepare('SELECT COALESCE(SUM(tx_count), 0) AS total, COALESCE(SUM(valid_count), 0) AS valid FROM blocks').get();
    return { total: asNumber(row?.total), valid: asNumber(row?.valid) };
  }

  apply(update: BlockUpdate): void {
    this.#apply(update);
  }

  /** Private write sets (TxPvtReadWriteSet bytes) of a block's valid transactions. */
  privateDataOf(blockNum: number): Array<{ txNum: number; data: Buffer }> {
    return this.#db
      .prepare('SELECT txnum, data FROM pvtdata WHERE block = ? ORDER BY txnum')
      .all(blockNum)
      .map((row) => ({ txNum: asNumber(row.txnum), data: asBuffer(row.data) }));
  }

  putTransient(txId: string, data: Uint8Array): void {
    this.#db.prepare('INSERT OR REPLACE INTO transient (tx_id, data, created_ms) VALUES (?, ?, ?)').run(txId, Buffer.from(data), Date.now());
  }

  getTransient(txId: string): Buffer | undefined {
    const row = this.#db.prepare('SELECT data FROM transient WHERE tx_id = ?').get(txId);
    return row ? asBuffer(row.data) : undefined;
  }

  /** Header hash of every block as recorded when it was committed (for verify). */
  recordedHeaderHashes(): Map<number, Buffer> {
    return new Map(this.#db.prepare('SELECT number, header_hash FROM blocks').all().map((row) => [asNumber(row.number), asBuffer(row.header_hash)]));
  }

  /** All public state rows ordered by namespace and key (for verify). */
  allPublic(): Array<{ ns: string; key: string; value: Buffer; version: Version }> {
    return this.#db
      .prepare("SELECT ns, key, value, block, txnum FROM state WHERE coll = '' ORDER BY ns, key")
      .all()
      .map((row) => ({ ns: asString(row.ns), key: asString(row.key), value: asBuffer(row.value), version: version(row) }));
  }

  close(): void {
    this.#db.close();
  }
}
