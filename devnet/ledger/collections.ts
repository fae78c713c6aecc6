/**
 * Private data collection definitions in Fabric's collections_config.json format. Membership is
 * the set of MSP ids named in the collection's `policy` (e.g. "OR('ShipperMSP.member',
 * 'CarrierMSP.member')"): devnet does not evaluate signature policies, it only needs members.
 */
import { existsSync, readFileSync } from 'node:fs';

export interface CollectionDefinition {
  name: string;
  members: Set<string>;
  memberOnlyRead: boolean;
  memberOnlyWrite: boolean;
  blockToLive: number;
}

export class CollectionAccessError extends Error {
  override readonly name = 'CollectionAccessError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function membersOf(policy: unknown): Set<string> {
  if (typeof policy !== 'string') return new Set();
  return new Set([...policy.matchAll(/'([^'.]+)\.(?:member|peer|admin|client|orderer)'/g)].map((m) => m[1] ?? ''));
}

export function parseCollections(json: unknown, source: string): Map<string, CollectionDefinition> {
  if (!Array.isArray(json)) throw new Error(`${source}: a JSON array of collection definitions is expected`);
  const result = new Map<string, CollectionDefinition>();
  for (const entry of json) {
    if (!isRecord(entry) || typeof entry.name !== 'string' || !entry.name) {
      throw new Error(`${source}: every collection needs a "name"`);
    }
    result.set(entry.name, {
      name: entry.name,
      members: membersOf(entry.policy),
      memberOnlyRead: entry.memberOnlyRead === true,
      memberOnlyWrite: entry.memberOnlyWrite === true,
      blockToLive: typeof entry.blockToLive === 'number' ? entry.blockToLive : 0,
    });
  }
  return result;
}

/** Loads the file if it exists; no file means the chaincode has no collections. */
export function loadCollections(path: string | undefined): Map<string, CollectionDefinition> {
  if (!path || !existsSync(path)) return new Map();
  return parseCollections(JSON.parse(readFileSync(path, 'utf8')) as unknown, path);
}

export class CollectionPolicy {
  readonly #collections: Map<string, CollectionDefinition>;
  readonly #namespace: string;

  constructor(namespace: string, collections: Map<string, CollectionDefinition>) {
    this.#namespace = namespace;
    this.#collections = collections;
  }

  #get(collection: string): CollectionDefinition {
    const definition = this.#collections.get(collection);
    if (!definition) {
      throw new CollectionAccessError(`collection ${collection} not defined in the collection config for chaincode [${this.#namespace}]`);
    }
    return definition;
  }

  /** Fabric's message when memberOnlyRead denies a non-member. */
  checkRead(collection: string, mspId: string): void {
    const definition = this.#get(collection);
    if (definition.memberOnlyRead && !definition.members.has(mspId)) {
      throw new CollectionAccessError(
        `tx creator does not have read access permission on privatedata in chaincodeName:${this.#namespace} collectionName: ${collection}`,
      );
    }
  }

  checkWrite(collection: string, mspId: string): void {
    const definition = this.#get(collection);
    if (definition.memberOnlyWrite && !definition.members.has(mspId)) {
      throw new CollectionAccessError(
        `tx creator does not have write access permission on privatedata in chaincodeName:${this.#namespace} collectionName: ${collection}`,
      );
    }
  }

  /** Whether the organisation is a member of the collection (false for unknown collections). */
  isMember(collection: string, mspId: string): boolean {
    return this.#collections.get(collection)?.members.has(mspId) ?? false;
  }

  /** Hash reads are allowed to anyone, but the collection must exist. */
  checkExists(collection: string): void {
    this.#get(collection);
  }
}
