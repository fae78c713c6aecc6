/**
 * The endorsing peer: validates a proposal, runs the chaincode against a fresh simulator and
 * returns the response with its read-write set. Failures are typed by where Fabric would raise
 * them, so the gateway can map them to the codes the client expects.
 */
import type { Faults } from '../admin/faults';
import type { Identity, MspRegistry } from '../identity/msp';
import { encodeResults, type EncodedResults } from '../protocol/rwset';
import { ProposalValidationError, validateProposal, type UnpackedProposal } from '../protocol/proposal';
import type { ChaincodeResult, ChaincodeRuntime } from '../shim/types';
import type { CollectionPolicy } from '../ledger/collections';
import type { Ledger } from '../ledger/ledger';
import { Simulator } from '../ledger/simulator';

/** The peer answered with status 500 and no chaincode payload (simulation could not run). */
export class PeerFailure extends Error {
  override readonly name = 'PeerFailure';
}

/** The chaincode ran and answered with status >= 400. */
export class ChaincodeFailure extends Error {
  override readonly name = 'ChaincodeFailure';
  readonly status: number;
  constructor(status: number, message: string) {
    super(`chaincode response ${status}, ${message}`);
    this.status = status;
  }
}

export interface EndorserOptions {
  channelId: string;
  chaincodeName: string;
  ledger: Ledger;
  msps: MspRegistry;
  policy: CollectionPolicy;
  faults: Faults;
  runtime: () => Promise<ChaincodeRuntime>;
}

export interface Endorsement {
  identity: Identity;
  result: ChaincodeResult;
  encoded: EncodedResults;
}

export class ProposalProcessor {
  readonly #options: EndorserOptions;

  constructor(options: EndorserOptions) {
    this.#options = options;
  }

  /** Peer-side admission: header, signature, channel, chaincode, duplicate tx id. */
  admit(proposal: UnpackedProposal): Identity {
    const { channelId, chaincodeName, ledger, msps } = this.#options;
    const identity = validateProposal(proposal, msps);
    if (proposal.channelId !== channelId) throw new ProposalValidationError(`channel '${proposal.channelId}' not found`);
    if (proposal.chaincodeName !== chaincodeName) {
      throw new ProposalValidationError(`make sure the chaincode ${proposal.chaincodeName} has been successfully defined on channel ${proposal.channelId} and try again: chaincode ${proposal.chaincodeName} not found`);
    }
    if (ledger.txStatus(proposal.txId)) {
      throw new ProposalValidationError(`duplicate transaction found [${proposal.txId}]. Creator [${Buffer.from(proposal.signatureHeader.getCreator_asU8()).toString('hex')}]`);
    }
    return identity;
  }

  /** Runs the chaincode; `forEndorsement` enables the injected endorsement failures. */
  async process(proposal: UnpackedProposal, forEndorsement: boolean): Promise<Endorsement> {
    const identity = this.admit(proposal);
    if (forEndorsement && this.#options.faults.takeEndorseFailure()) {
      throw new PeerFailure('error in simulation: devnet fault injection: endorsement failure');
    }
    const simulator = new Simulator(this.#options.ledger.state, this.#options.chaincodeName, identity.mspId, this.#options.policy);
    let result: ChaincodeResult;
    try {
      const runtime = await this.#options.runtime();
      result = await runtime.execute(
        { channelId: proposal.channelId, txId: proposal.txId, signedProposal: Buffer.from(proposal.signedProposalBytes), args: proposal.args, isInit: proposal.isInit },
        simulator,
      );
    } catch (err) {
      throw new PeerFailure(`error in simulation: failed to execute transaction ${proposal.txId}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (result.status < 200 || result.status >= 400) throw new ChaincodeFailure(result.status, result.message);
    return { identity, result, encoded: encodeResults(simulator.results()) };
  }
}
