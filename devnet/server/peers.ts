/**
 * The peers of a multi-peer devnet: one per organisation, each with its own gRPC endpoint, its
 * own signing identity and its own up/down state. They share the committed ledger (see README,
 * "Several peers"), so each one endorses with its own simulation and signature, but commits
 * happen once.
 */
import type { Endorser } from '../protocol/prepare';
import type { StreamRegistry } from './streams';

export interface PeerNode {
  mspId: string;
  /** host:port once bound ('' before). */
  address: string;
  /** The organisation's peer identity, which signs this peer's endorsements. */
  endorser: Endorser;
  /** This peer's open event streams, dropped when it stops. */
  streams: StreamRegistry;
  /** A stopped peer answers every call UNAVAILABLE and cannot be reached by other peers' gateways. */
  stopped: boolean;
  /** The next N endorsements by this peer sign a response that differs from its honest one (a faulty or malicious peer). */
  tamperEndorsements: number;
}

export interface PeerStatus {
  mspId: string;
  address: string;
  stopped: boolean;
  tamperEndorsements: number;
  openStreams: number;
}

export interface PeerSettings {
  stopped?: boolean;
  tamperEndorsements?: number;
}

export class UnknownPeerError extends Error {
  override readonly name = 'UnknownPeerError';
}

export class PeerSet {
  readonly #nodes = new Map<string, PeerNode>();
  readonly #onStop: (node: PeerNode) => void;

  /** `onStop` runs when a peer goes down (drops its streams). */
  constructor(nodes: PeerNode[], onStop: (node: PeerNode) => void) {
    for (const node of nodes) this.#nodes.set(node.mspId, node);
    this.#onStop = onStop;
  }

  get mspIds(): string[] {
    return [...this.#nodes.keys()];
  }

  get(mspId: string): PeerNode | undefined {
    return this.#nodes.get(mspId);
  }

  /** Validates first, then applies, so a bad request changes nothing. */
  apply(mspId: string, settings: PeerSettings): PeerStatus {
    const node = this.#nodes.get(mspId);
    if (!node) throw new UnknownPeerError(`no peer for ${mspId} (peers: ${this.mspIds.join(', ')})`);
    const tamper = settings.tamperEndorsements;
    if (tamper !== undefined && !(Number.isInteger(tamper) && tamper >= 0)) throw new RangeError('tamperEndorsements must be a non-negative integer');
    if (settings.stopped !== undefined && typeof settings.stopped !== 'boolean') throw new RangeError('stopped must be a boolean');
    if (tamper !== undefined) node.tamperEndorsements = tamper;
    if (settings.stopped !== undefined) {
      const stopping = settings.stopped && !node.stopped;
      node.stopped = settings.stopped;
      if (stopping) this.#onStop(node);
    }
    return PeerSet.#status(node);
  }

  /** Consumes one tampering, if any is pending for that peer. */
  takeTamper(node: PeerNode): boolean {
    if (node.tamperEndorsements === 0) return false;
    node.tamperEndorsements--;
    return true;
  }

  status(): PeerStatus[] {
    return [...this.#nodes.values()].map(PeerSet.#status);
  }

  static #status(node: PeerNode): PeerStatus {
    return { mspId: node.mspId, address: node.address, stopped: node.stopped, tamperEndorsements: node.tamperEndorsements, openStreams: node.streams.size };
  }
}
