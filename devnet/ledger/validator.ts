/**
 * Commit-time validation of a block's transactions, in order, as Fabric's committer does:
 * envelope structure and creator signature, duplicate tx id, endorsement signatures, then MVCC on the read set (and phantom reads on
 * ranges) against committed state plus the writes of earlier valid transactions in the block.
 */
import { peer } from '@hyperledger/fabric-protos';
import { checkSignature } from '../identity/ecdsa';
import type { MspRegistry } from '../identity/msp';
import { satisfies, type EndorsementPolicy, type PolicySigner } from '../policy/endorsement';
import type { ParsedEnvelope } from '../protocol/envelope';
import { decodeResults, type CommittedNamespaceRwset, type KeyRead, type RangeRead, type Version } from '../protocol/rwset';
import type { StateDb } from './statedb';
import { checkTransaction } from './txcheck';

/** Fabric's default endorsement policy needs peers: a client's own signature does not endorse. */
const ENDORSER_ROLE = 'peer';

const Code = peer.TxValidationCode;

export interface ValidationContext {
  state: StateDb;
  msps: MspRegistry;
  /** Called once per transaction that passed the structural checks; true forces MVCC_READ_CONFLICT. */
  forceConflict(): boolean;
  /** The chaincode's endorsement policy; undefined: every endorsement must be a valid peer signature (devnet's single-peer rule). */
  endorsementPolicy?: EndorsementPolicy;
}

function sameVersion(a: Version | undefined, b: Version | undefined): boolean {
  if (!a || !b) return a === b;
  return a.blockNum === b.blockNum && a.txNum === b.txNum;
}

/** Keys written by earlier valid transactions of the block being validated. */
class BlockUpdates {
  readonly #public = new Set<string>();
  readonly #hashed = new Set<string>();

  static #id(ns: string, key: string): string {
    return `${ns}\u0000${key}`;
  }

  touchedPublic(ns: string, key: string): boolean {
    return this.#public.has(BlockUpdates.#id(ns, key));
  }

  touchedHashed(ns: string, coll: string, keyHash: Buffer): boolean {
    return this.#hashed.has(`${ns}\u0000${coll}\u0000${keyHash.toString('hex')}`);
  }

  anyPublicIn(ns: string, start: string, end: string, endInclusive: boolean): boolean {
    for (const id of this.#public) {
      const [idNs, key = ''] = id.split('\u0000');
      if (idNs !== ns || key < start) continue;
      if (end === '' || key < end || (endInclusive && key === end)) return true;
    }
    return false;
  }

  add(rwsets: CommittedNamespaceRwset[]): void {
    for (const ns of rwsets) {
      for (const write of ns.writes) this.#public.add(BlockUpdates.#id(ns.namespace, write.key));
      for (const coll of ns.collections) {
        for (const write of coll.hashedWrites) this.#hashed.add(`${ns.namespace}\u0000${coll.name}\u0000${write.keyHash.toString('hex')}`);
      }
    }
  }
}

function readsValid(ctx: ValidationContext, updates: BlockUpdates, ns: string, reads: KeyRead[]): boolean {
  return reads.every((read) => !updates.touchedPublic(ns, read.key) && sameVersion(ctx.state.get(ns, '', read.key)?.version, read.version));
}

function rangeValid(ctx: ValidationContext, updates: BlockUpdates, ns: string, range: RangeRead): boolean {
  // An unexhausted range only saw keys up to its last read; an exhausted one covers [start, end).
  const last = range.reads[range.reads.length - 1]?.key;
  const limitEnd = range.exhausted ? range.endKey : last ?? range.startKey;
  if (updates.anyPublicIn(ns, range.startKey, limitEnd, !range.exhausted)) return false;
  const current = ctx.state.range(ns, '', range.startKey, range.endKey, range.reads.length + (range.exhausted ? 1 : 0));
  if (current.length !== range.reads.length) return false;
  return current.every((kv, i) => kv.key === range.reads[i]?.key && sameVersion(kv.version, range.reads[i]?.version));
}

function privateReadsValid(ctx: ValidationContext, updates: BlockUpdates, ns: CommittedNamespaceRwset): boolean {
  return ns.collections.every((coll) =>
    coll.hashedReads.every(
      (read) =>
        !updates.touchedHashed(ns.namespace, coll.name, read.keyHash) &&
        sameVersion(ctx.state.getByKeyHash(ns.namespace, coll.name, read.keyHash)?.version, read.version),
    ),
  );
}

function endorsementsValid(ctx: ValidationContext, tx: ParsedEnvelope): boolean {
  const action = tx.action;
  if (!action || action.endorsements.length === 0) return false;
  return action.endorsements.every((endorsement) => {
    try {
      const identity = ctx.msps.validateCreator(endorsement.endorser);
      if (!identity.roles.includes(ENDORSER_ROLE)) return false;
      const signed = Buffer.concat([action.responsePayloadBytes, endorsement.endorser]);
      return checkSignature(identity.publicKey, signed, endorsement.signature) === 'ok';
    } catch {
      return false;
    }
  });
}

/**
 * Fabric's VSCC: endorsements whose signature over the response does not verify, or whose
 * identity is not valid, are left out (a signature over a different response is one of them),
 * each identity counts once, and what remains must satisfy the policy.
 */
function policySatisfied(ctx: ValidationContext, tx: ParsedEnvelope, policy: EndorsementPolicy): boolean {
  const action = tx.action;
  if (!action) return false;
  const signers: PolicySigner[] = [];
  const seen = new Set<string>();
  for (const endorsement of action.endorsements) {
    const key = Buffer.from(endorsement.endorser).toString('base64');
    if (seen.has(key)) continue;
    try {
      const identity = ctx.msps.validateCreator(endorsement.endorser);
      const signed = Buffer.concat([action.responsePayloadBytes, endorsement.endorser]);
      if (checkSignature(identity.publicKey, signed, endorsement.signature) !== 'ok') continue;
      seen.add(key);
      signers.push({ mspId: identity.mspId, roles: identity.roles });
    } catch {
      // An endorser that is not a valid identity signs nothing.
    }
  }
  return satisfies(policy, signers);
}

export interface ValidatedTx {
  code: number;
  /** Decoded read-write sets; empty for invalid or non-endorser transactions. */
  rwsets: CommittedNamespaceRwset[];
}

/** Validates the block's transactions in order; `undefined` entries are envelopes that could not be parsed. */
export function validateBlock(ctx: ValidationContext, txs: ReadonlyArray<ParsedEnvelope | undefined>): ValidatedTx[] {
  const updates = new BlockUpdates();
  const seen = new Set<string>();
  return txs.map((tx): ValidatedTx => {
    const structural = checkTransaction(ctx.msps, tx);
    if (!tx || !tx.action || structural !== Code.VALID) return { code: structural === Code.VALID ? Code.INVALID_OTHER_REASON : structural, rwsets: [] };
    if (seen.has(tx.txId) || ctx.state.txStatus(tx.txId)) return { code: Code.DUPLICATE_TXID, rwsets: [] };
    seen.add(tx.txId);
    const endorsed = ctx.endorsementPolicy ? policySatisfied(ctx, tx, ctx.endorsementPolicy) : endorsementsValid(ctx, tx);
    if (!endorsed) return { code: Code.ENDORSEMENT_POLICY_FAILURE, rwsets: [] };
    let rwsets: CommittedNamespaceRwset[];
    try {
      rwsets = decodeResults(tx.action.results);
    } catch {
      return { code: Code.BAD_RWSET, rwsets: [] };
    }
    if (ctx.forceConflict()) return { code: Code.MVCC_READ_CONFLICT, rwsets: [] };
    for (const ns of rwsets) {
      if (!readsValid(ctx, updates, ns.namespace, ns.reads) || !privateReadsValid(ctx, updates, ns)) {
        return { code: Code.MVCC_READ_CONFLICT, rwsets: [] };
      }
      if (!ns.rangeQueries.every((range) => rangeValid(ctx, updates, ns.namespace, range))) {
        return { code: Code.PHANTOM_READ_CONFLICT, rwsets: [] };
      }
    }
    updates.add(rwsets);
    return { code: Code.VALID, rwsets };
  });
}
