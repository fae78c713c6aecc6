/**
 * A transaction simulator for one proposal: answers the chaincode's reads from committed state
 * (no read-your-own-writes, as in Fabric) and records what MVCC validation needs: every key read
 * with its version, every range scanned, every write, public and private.
 */
import type { KeyModification, RangePage, StateKV, TxSimulator } from '../shim/types';
import { sha256, type CollectionResults, type KeyRead, type KeyWrite, type RangeRead, type SimulationResults, type Version } from '../protocol/rwset';
import type { CollectionPolicy } from './collections';
import type { StateDb } from './statedb';

interface CollectionRecord {
  reads: Map<string, Version | undefined>;
  writes: Map<string, KeyWrite>;
}

export class Simulator implements TxSimulator {
  readonly #state: StateDb;
  readonly #namespace: string;
  readonly #creatorMsp: string;
  readonly #policy: CollectionPolicy;
  readonly #reads = new Map<string, Version | undefined>();
  readonly #ranges: RangeRead[] = [];
  readonly #writes = new Map<string, KeyWrite>();
  readonly #collections = new Map<string, CollectionRecord>();

  constructor(state: StateDb, namespace: string, creatorMsp: string, policy: CollectionPolicy) {
    this.#state = state;
    this.#namespace = namespace;
    this.#creatorMsp = creatorMsp;
    this.#policy = policy;
  }

  #collection(name: string): CollectionRecord {
    let record = this.#collections.get(name);
    if (!record) {
      record = { reads: new Map(), writes: new Map() };
      this.#collections.set(name, record);
    }
    return record;
  }

  /** Fabric records the version of the first read of a key in a transaction. */
  static #recordRead(reads: Map<string, Version | undefined>, key: string, version: Version | undefined): void {
    if (!reads.has(key)) reads.set(key, version);
  }

  async getState(collection: string, key: string): Promise<Buffer | undefined> {
    if (collection !== '') this.#policy.checkRead(collection, this.#creatorMsp);
    const found = this.#state.get(this.#namespace, collection, key);
    Simulator.#recordRead(collection === '' ? this.#reads : this.#collection(collection).reads, key, found?.version);
    return found?.value;
  }

  async putState(collection: string, key: string, value: Buffer): Promise<void> {
    this.#write(collection, { key, value, isDelete: false });
  }

  async delState(collection: string, key: string): Promise<void> {
    this.#write(collection, { key, value: Buffer.alloc(0), isDelete: true });
  }

  #write(collection: string, write: KeyWrite): void {
    if (collection === '') {
      this.#writes.set(write.key, write);
      return;
    }
    this.#policy.checkWrite(collection, this.#creatorMsp);
    this.#collection(collection).writes.set(write.key, write);
  }

  async getStateByRange(collection: string, startKey: string, endKey: string, limit: number): Promise<RangePage> {
    if (collection !== '') this.#policy.checkRead(collection, this.#creatorMsp);
    // One extra row tells whether the range continues after this page.
    const rows = this.#state.range(this.#namespace, collection, startKey, endKey, limit + 1);
    const hasMore = rows.length > limit;
    const count = hasMore ? limit : rows.length;
    // One pass over the page (500+ rows when a contract pages through heads): reads and results.
    const reads: KeyRead[] = new Array<KeyRead>(count);
    const results: StateKV[] = new Array<StateKV>(count);
    for (let i = 0; i < count; i++) {
      const row = rows[i];
      reads[i] = { key: row.key, version: row.version };
      results[i] = { key: row.key, value: row.value };
    }
    if (collection === '') {
      this.#ranges.push({ startKey, endKey, exhausted: !hasMore, reads });
    } else {
      // Fabric does not check phantoms for private ranges, but the keys read count as reads.
      const record = this.#collection(collection);
      for (const read of reads) Simulator.#recordRead(record.reads, read.key, read.version);
    }
    return { results, hasMore };
  }

  async getHistoryForKey(key: string): Promise<KeyModification[]> {
    return this.#state.history(this.#namespace, key);
  }

  async getPrivateDataHash(collection: string, key: string): Promise<Buffer | undefined> {
    this.#policy.checkExists(collection);
    const found = this.#state.get(this.#namespace, collection, key);
    Simulator.#recordRead(this.#collection(collection).reads, key, found?.version);
    return found ? sha256(found.value) : undefined;
  }

  results(): SimulationResults {
    const collections: CollectionResults[] = [...this.#collections].map(([name, record]) => ({
      name,
      reads: [...record.reads].map(([key, version]) => ({ key, version })),
      writes: [...record.writes.values()],
    }));
    return {
      namespace: this.#namespace,
      reads: [...this.#reads].map(([key, version]) => ({ key, version })),
      rangeQueries: this.#ranges,
      writes: [...this.#writes.values()],
      collections,
    };
  }
}
