/**
 * The gateway's endorsement step on a multi-peer devnet, following Fabric's
 * internal/pkg/gateway Endorse: endorse first on the gateway's own peer, then walk the layouts
 * that satisfy the endorsement policy (those containing the local organisation first), asking
 * each missing organisation's peer; a peer that fails is dropped and the next layout is tried.
 * When no layout can be completed the client gets ABORTED "failed to collect enough transaction
 * endorsements" with one ErrorDetail per failed endpoint; when the peers of a layout signed
 * different responses, ABORTED "failed to assemble transaction: ProposalResponsePayloads do not
 * match". Errors are GatewayRpcErrors, ready for the client's EndorseError.
 */
import { status } from '@grpc/grpc-js';
import type { common, peer } from '@hyperledger/fabric-protos';
import type { Ledger } from '../ledger/ledger';
import { layouts, type EndorsementPolicy } from '../policy/endorsement';
import { GatewayRpcError, type ErrorDetail } from '../protocol/errors';
import { assembleTransaction, endorse, proposalResponsePayload, type ChaincodeOutcome } from '../protocol/prepare';
import { ProposalValidationError, type UnpackedProposal } from '../protocol/proposal';
import type { EncodedResults } from '../protocol/rwset';
import { ChaincodeFailure, PeerFailure, type ProposalProcessor } from './endorser';
import type { PeerNode, PeerSet } from './peers';

export interface CollectorOptions {
  channelId: string;
  chaincodeName: string;
  chaincodeVersion: string;
  processor: ProposalProcessor;
  ledger: Ledger;
  peers: PeerSet;
  /** undefined: the gateway's own peer endorses alone (devnet's single-peer rule). */
  policy: EndorsementPolicy | undefined;
}

interface PeerResponse {
  node: PeerNode;
  responsePayloadBytes: Uint8Array;
  endorsement: peer.Endorsement;
  privateData: EncodedResults['privateData'];
}

/** One endpoint's failure, as the gateway reports it in an ErrorDetail. */
class EndpointFailure extends Error {
  override readonly name = 'EndpointFailure';
}

const COLLECT_FAILED = 'failed to collect enough transaction endorsements, see attached details for more info';
const MISMATCH = 'ProposalResponsePayloads do not match';

export class EndorsementCollector {
  readonly #options: CollectorOptions;

  constructor(options: CollectorOptions) {
    this.#options = options;
  }

  /** Simulates and signs on one peer, as its ProcessProposal would. */
  async #endorseOn(node: PeerNode, proposal: UnpackedProposal): Promise<PeerResponse> {
    const { processor, peers, chaincodeName, chaincodeVersion } = this.#options;
    if (node.stopped) {
      // What grpc-go reports when the gateway dials a peer that is down.
      throw new EndpointFailure(`rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp ${node.address}: connect: connection refused"`);
    }
    let endorsed;
    try {
      endorsed = await processor.process(proposal, true);
    } catch (err) {
      if (err instanceof ChaincodeFailure || err instanceof PeerFailure || err instanceof ProposalValidationError) throw new EndpointFailure(err.message);
      throw err;
    }
    const { result, encoded } = endorsed;
    const honest: ChaincodeOutcome = {
      chaincodeName,
      chaincodeVersion,
      status: result.status,
      message: result.message,
      payload: result.payload,
      results: encoded.results,
      event: result.event,
    };
    // A tampering peer signs a response other than the one its simulation produced.
    const outcome = peers.takeTamper(node) ? { ...honest, payload: Buffer.concat([Buffer.from(result.payload), Buffer.from(` (altered by ${node.mspId})`)]) } : honest;
    const responsePayloadBytes = proposalResponsePayload(proposal, outcome);
    return { node, responsePayloadBytes, endorsement: endorse(responsePayloadBytes, node.endorser), privateData: encoded.privateData };
  }

  /**
   * Collects endorsements for the proposal on behalf of the gateway of `localMspId`'s peer;
   * `endorsingOrgs` is the client's `endorsing_organizations` (empty: the gateway decides).
   */
  async collect(proposal: UnpackedProposal, localMspId: string, endorsingOrgs: readonly string[]): Promise<common.Envelope> {
    const { peers, policy } = this.#options;
    const responses = new Map<string, PeerResponse>();
    const failed = new Set<string>();
    const details: ErrorDetail[] = [];
    const attempt = async (node: PeerNode): Promise<boolean> => {
      try {
        responses.set(node.mspId, await this.#endorseOn(node, proposal));
        return true;
      } catch (err) {
        if (!(err instanceof EndpointFailure)) throw err;
        details.push({ address: node.address, mspId: node.mspId, message: err.message });
        failed.add(node.mspId);
        return false;
      }
    };

    let plan: string[][];
    if (endorsingOrgs.length > 0) {
      // The client names the organisations and takes responsibility for the policy.
      const missing = endorsingOrgs.filter((mspId) => !peers.get(mspId));
      if (missing.length > 0) throw new GatewayRpcError(status.UNAVAILABLE, `failed to find any endorsing peers for org(s): ${missing.join(', ')}`);
      plan = [[...new Set(endorsingOrgs)]];
    } else {
      const local = peers.get(localMspId);
      if (!local) throw new GatewayRpcError(status.UNAVAILABLE, `failed to find any endorsing peers for org(s): ${localMspId}`);
      if (!(await attempt(local))) throw new GatewayRpcError(status.ABORTED, 'failed to endorse transaction, see attached details for more info', details);
      const all = policy ? layouts(policy, peers.mspIds) : [[localMspId]];
      if (all.length === 0) {
        throw new GatewayRpcError(status.FAILED_PRECONDITION, `no combination of peers can be derived which satisfy the endorsement policy of chaincode ${this.#options.chaincodeName}`);
      }
      plan = [...all.filter((layout) => layout.includes(localMspId)), ...all.filter((layout) => !layout.includes(localMspId))];
    }

    for (const layout of plan) {
      if (layout.some((mspId) => failed.has(mspId))) continue;
      let complete = true;
      for (const mspId of layout) {
        const node = peers.get(mspId);
        if (!node || (!responses.has(mspId) && !(await attempt(node)))) {
          complete = false;
          break;
        }
      }
      if (complete) return this.#assemble(proposal, layout.map((mspId) => responses.get(mspId)).filter((r): r is PeerResponse => r !== undefined), localMspId);
    }
    throw new GatewayRpcError(status.ABORTED, COLLECT_FAILED, details);
  }

  #assemble(proposal: UnpackedProposal, layout: PeerResponse[], localMspId: string): common.Envelope {
    // The gateway's own response is the reference the others must match, as the first endorsement in Fabric.
    const ordered = [...layout].sort((a, b) => Number(b.node.mspId === localMspId) - Number(a.node.mspId === localMspId));
    const [first] = ordered;
    if (!first) throw new GatewayRpcError(status.ABORTED, COLLECT_FAILED);
    const reference = Buffer.from(first.responsePayloadBytes);
    const differing = ordered.filter((response) => !reference.equals(Buffer.from(response.responsePayloadBytes)));
    if (differing.length > 0) {
      throw new GatewayRpcError(
        status.ABORTED,
        `failed to assemble transaction: ${MISMATCH}`,
        differing.map((response) => ({ address: response.node.address, mspId: response.node.mspId, message: MISMATCH })),
      );
    }
    // Private writes wait beside the transaction until it commits, as in Fabric's transient store.
    if (first.privateData) this.#options.ledger.state.putTransient(proposal.txId, first.privateData);
    return assembleTransaction(
      proposal,
      first.responsePayloadBytes,
      ordered.map((response) => response.endorsement),
    );
  }
}
