/**
 * gateway.Gateway: Evaluate, Endorse, Submit, CommitStatus and ChaincodeEvents with Fabric's
 * status codes and error details (internal/pkg/gateway), so the fabric-gateway client raises
 * its EndorseError / SubmitError / CommitStatusError / CommitError as against a real peer.
 */
import { status, type handleUnaryCall } from '@grpc/grpc-js';
import { gateway, peer } from '@hyperledger/fabric-protos';
import type { Faults } from '../admin/faults';
import { IdentityError, type MspRegistry } from '../identity/msp';
import { EnvelopeFormatError, parseEnvelope, type ParsedEnvelope } from '../protocol/envelope';
import { GatewayRpcError } from '../protocol/errors';
import { prepareTransaction, type Endorser } from '../protocol/prepare';
import { ProposalFormatError, ProposalValidationError, unpackProposal, type UnpackedProposal } from '../protocol/proposal';
import { checkSignature } from '../identity/ecdsa';
import type { Ledger } from '../ledger/ledger';
import type { Orderer } from '../ledger/orderer';
import { chaincodeEventsHandler } from './chaincodeevents';
import type { EndorsementCollector } from './collect';
import type { PeerSet } from './peers';
import { ChaincodeFailure, PeerFailure, type ProposalProcessor } from './endorser';
import { checkSignedRequest, unary, withCallSignal } from './rpc';
import type { StreamRegistry } from './streams';

export interface GatewayServiceOptions {
  address: () => string;
  channelId: string;
  chaincodeName: string;
  chaincodeVersion: string;
  processor: ProposalProcessor;
  ledger: Ledger;
  orderer: Orderer;
  msps: MspRegistry;
  faults: Faults;
  streams: StreamRegistry;
  /** The endorsing peer of each organisation. */
  endorsers: Map<string, Endorser>;
  /** Aborted at shutdown, ending waits on commits. */
  shutdown: AbortSignal;
  /** Multi-peer devnet: this peer's organisation and the collector that gathers endorsements from the peers the policy needs. */
  multiPeer?: { localMspId: string; collector: EndorsementCollector; peers: PeerSet };
  /** True while this peer is stopped (multi-peer devnet). */
  down?: () => boolean;
}

export type GatewayHandlers = gateway.IGatewayServer;

type Detail = { address: string; mspId: string; message: string };

/** Helpers the handlers share, bound to one service's options. */
class GatewayContext {
  readonly options: GatewayServiceOptions;

  constructor(options: GatewayServiceOptions) {
    this.options = options;
  }

  detail(mspId: string, message: string): Detail {
    return { address: this.options.address(), mspId, message };
  }

  /** The creator's MSP id for error details, even when the creator is not valid. */
  creatorMsp(bytes: Uint8Array): string {
    try {
      return this.options.msps.validateCreator(bytes).mspId;
    } catch {
      return this.options.msps.mspIds[0] ?? '';
    }
  }

  /** Unpacks the proposal; a malformed one is the client's fault (INVALID_ARGUMENT). */
  unpack(signed: peer.SignedProposal | undefined): UnpackedProposal {
    try {
      return unpackProposal(signed);
    } catch (err) {
      if (err instanceof ProposalFormatError) throw new GatewayRpcError(status.INVALID_ARGUMENT, err.message);
      throw err;
    }
  }
}

function evaluateHandler(ctx: GatewayContext): handleUnaryCall<gateway.EvaluateRequest, gateway.EvaluateResponse> {
  return unary(ctx.options, status.UNKNOWN, async (request) => {
    const proposal = ctx.unpack(request.getProposedTransaction());
    const targets = request.getTargetOrganizationsList();
    const multiPeer = ctx.options.multiPeer;
    if (multiPeer && targets.length > 0) {
      // All peers share the committed state, so any running peer of a target org answers the same; none running is Fabric's evaluator error.
      const running = targets.some((mspId) => multiPeer.peers.get(mspId)?.stopped === false);
      if (!running) throw new GatewayRpcError(status.UNAVAILABLE, `no peers available to evaluate chaincode ${ctx.options.chaincodeName} in channel ${ctx.options.channelId}`);
    }
    try {
      const { result } = await ctx.options.processor.process(proposal, false);
      const response = new peer.Response();
      response.setStatus(result.status);
      response.setMessage(result.message);
      response.setPayload(result.payload);
      const evaluated = new gateway.EvaluateResponse();
      evaluated.setResult(response);
      return evaluated;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const details = [ctx.detail(ctx.creatorMsp(proposal.signatureHeader.getCreator_asU8()), message)];
      // Codes as Fabric's evaluate.go: chaincode errors UNKNOWN, peer refusals FAILED_PRECONDITION, peer failures ABORTED.
      if (err instanceof ChaincodeFailure) throw new GatewayRpcError(status.UNKNOWN, `evaluate call to endorser returned error: ${message}`, details);
      if (err instanceof ProposalValidationError) throw new GatewayRpcError(status.FAILED_PRECONDITION, `evaluate call to endorser returned error: ${message}`, details);
      if (err instanceof PeerFailure) throw new GatewayRpcError(status.ABORTED, 'failed to evaluate transaction, see attached details for more info', details);
      throw err;
    }
  });
}

function endorseHandler(ctx: GatewayContext): handleUnaryCall<gateway.EndorseRequest, gateway.EndorseResponse> {
  const { options } = ctx;
  return unary(options, status.ABORTED, async (request) => {
    const proposal = ctx.unpack(request.getProposedTransaction());
    if (options.multiPeer) {
      const { localMspId, collector } = options.multiPeer;
      const response = new gateway.EndorseResponse();
      response.setPreparedTransaction(await collector.collect(proposal, localMspId, request.getEndorsingOrganizationsList()));
      return response;
    }
    try {
      const { identity, result, encoded } = await options.processor.process(proposal, true);
      const endorser = options.endorsers.get(identity.mspId);
      if (!endorser) throw new PeerFailure(`no endorsing peer for ${identity.mspId}`);
      // Private writes wait beside the transaction until it commits, as in Fabric's transient store.
      if (encoded.privateData) options.ledger.state.putTransient(proposal.txId, encoded.privateData);
      const outcome = {
        chaincodeName: options.chaincodeName,
        chaincodeVersion: options.chaincodeVersion,
        status: result.status,
        message: result.message,
        payload: result.payload,
        results: encoded.results,
        event: result.event,
      };
      const response = new gateway.EndorseResponse();
      response.setPreparedTransaction(prepareTransaction(proposal, outcome, endorser));
      return response;
    } catch (err) {
      if (err instanceof ChaincodeFailure || err instanceof ProposalValidationError || err instanceof PeerFailure) {
        const detail = ctx.detail(ctx.creatorMsp(proposal.signatureHeader.getCreator_asU8()), err.message);
        throw new GatewayRpcError(status.ABORTED, 'failed to endorse transaction, see attached details for more info', [detail]);
      }
      throw err;
    }
  });
}

function submitHandler(ctx: GatewayContext): handleUnaryCall<gateway.SubmitRequest, gateway.SubmitResponse> {
  const { options } = ctx;
  const { msps } = options;
  const ordererRejects = (info: string, mspId: string, statusName: string): GatewayRpcError =>
    new GatewayRpcError(status.ABORTED, `received unsuccessful response from orderer: status=${statusName}, info=${info}`, [ctx.detail(mspId, info)]);
  return unary(options, status.UNAVAILABLE, async (request) => {
    const envelope = request.getPreparedTransaction();
    if (!envelope) throw new GatewayRpcError(status.INVALID_ARGUMENT, 'a prepared transaction is required');
    if (envelope.getSignature_asU8().length === 0) throw new GatewayRpcError(status.INVALID_ARGUMENT, 'prepared transaction must be signed');
    let parsed: ParsedEnvelope;
    try {
      parsed = parseEnvelope(envelope);
    } catch (err) {
      if (err instanceof EnvelopeFormatError) throw ordererRejects(err.message, msps.mspIds[0] ?? '', 'BAD_REQUEST');
      throw err;
    }
    if (parsed.channelId !== options.channelId) throw ordererRejects(`channel '${parsed.channelId}' not found`, msps.mspIds[0] ?? '', 'NOT_FOUND');
    // The orderer checks the client's signature over the payload (channel Writers policy).
    try {
      const identity = msps.validateCreator(parsed.creator);
      const check = checkSignature(identity.publicKey, parsed.payloadBytes, parsed.signature);
      if (check !== 'ok') throw new IdentityError(`implicit policy evaluation failed - 0 sub-policies were satisfied: signature ${check}`);
    } catch (err) {
      if (err instanceof IdentityError) throw ordererRejects(err.message, ctx.creatorMsp(parsed.creator), 'FORBIDDEN');
      throw err;
    }
    options.orderer.broadcast(envelope.serializeBinary(), parsed);
    return new gateway.SubmitResponse();
  });
}

function commitStatusHandler(ctx: GatewayContext): handleUnaryCall<gateway.SignedCommitStatusRequest, gateway.CommitStatusResponse> {
  const { options } = ctx;
  return unary(options, status.ABORTED, async (signed, call) => {
    const requestBytes = signed.getRequest_asU8();
    if (requestBytes.length === 0) throw new GatewayRpcError(status.INVALID_ARGUMENT, 'a commit status request is required');
    let request: gateway.CommitStatusRequest;
    try {
      request = gateway.CommitStatusRequest.deserializeBinary(requestBytes);
    } catch (err) {
      throw new GatewayRpcError(status.INVALID_ARGUMENT, `invalid status request: ${String(err)}`);
    }
    if (request.getIdentity_asU8().length === 0) throw new GatewayRpcError(status.INVALID_ARGUMENT, 'no identity provided');
    if (!request.getChannelId()) throw new GatewayRpcError(status.INVALID_ARGUMENT, 'no channel ID provided');
    if (!request.getTransactionId()) throw new GatewayRpcError(status.INVALID_ARGUMENT, 'transaction ID should not be empty');
    checkSignedRequest(options.msps, request.getIdentity_asU8(), requestBytes, signed.getSignature_asU8());
    if (request.getChannelId() !== options.channelId) throw new GatewayRpcError(status.NOT_FOUND, `channel '${request.getChannelId()}' not found`);
    // Blocks until committed, as Fabric's gateway does; the client's deadline or cancel ends the wait.
    const txStatus = await withCallSignal(call, options.shutdown, (signal) => options.ledger.waitForTx(request.getTransactionId(), signal));
    const response = new gateway.CommitStatusResponse();
    response.setResult(txStatus.code as peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap]);
    response.setBlockNumber(txStatus.blockNum);
    return response;
  });
}

export function gatewayHandlers(options: GatewayServiceOptions): GatewayHandlers {
  const ctx = new GatewayContext(options);
  return {
    evaluate: evaluateHandler(ctx),
    endorse: endorseHandler(ctx),
    submit: submitHandler(ctx),
    commitStatus: commitStatusHandler(ctx),
    chaincodeEvents: chaincodeEventsHandler(options),
  };
}
