/**
 * gateway.Gateway: Evaluate, Endorse, Submit, CommitStatus and ChaincodeEvents with Fabric's
 * status codes and error details (internal/pkg/gateway), so the fabric-gateway client raises
 * its EndorseError / SubmitError / CommitStatusError / CommitError as against a real peer.
 */
import { status } from '@grpc/grpc-js';
import { gateway, peer } from '@hyperledger/fabric-protos';
import type { Faults } from '../admin/faults';
import { IdentityError, type MspRegistry } from '../identity/msp';
import { parseEnvelope, EnvelopeFormatError } from '../protocol/envelope';
import { GatewayRpcError } from '../protocol/errors';
import { prepareTransaction, type Endorser } from '../protocol/prepare';
import { ProposalFormatError, ProposalValidationError, unpackProposal } from '../protocol/proposal';
import { checkSignature } from '../identity/ecdsa';
import type { Ledger } from '../ledger/ledger';
import type { Orderer } from '../ledger/orderer';
import { chaincodeEventsHandler } from './chaincodeevents';
import { ChaincodeFailure, PeerFailure, type ProposalProcessor } from './endorser';
import { callSignal, checkSignedRequest, unary } from './rpc';
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
}

export type GatewayHandlers = gateway.IGatewayServer;

export function gatewayHandlers(options: GatewayServiceOptions): GatewayHandlers {
  const { faults, processor, channelId, msps, ledger } = options;
  const detailFor = (mspId: string, message: string): { address: string; mspId: string; message: string } => ({ address: options.address(), mspId, message });

  const creatorMsp = (bytes: Uint8Array): string => {
    try {
      return msps.validateCreator(bytes).mspId;
    } catch {
      return msps.mspIds[0] ?? '';
    }
  };

  const unpack = (signed: peer.SignedProposal | undefined): ReturnType<typeof unpackProposal> => {
    try {
      return unpackProposal(signed);
    } catch (err) {
      if (err instanceof ProposalFormatError) throw new GatewayRpcError(status.INVALID_ARGUMENT, err.message);
      throw err;
    }
  };

  const evaluate = unary<gateway.EvaluateRequest, gateway.EvaluateResponse>(options, status.UNKNOWN, async (request) => {
    const proposal = unpack(request.getProposedTransaction());
    const mspId = creatorMsp(proposal.signatureHeader.getCreator_asU8());
    try {
      const endorsement = await processor.process(proposal, false);
      const response = new peer.Response();
      response.setStatus(endorsement.result.status);
      response.setMessage(endorsement.result.message);
      response.setPayload(endorsement.result.payload);
      const result = new gateway.EvaluateResponse();
      result.setResult(response);
      return result;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const details = [detailFor(mspId, message)];
      if (err instanceof ChaincodeFailure) throw new GatewayRpcError(status.UNKNOWN, `evaluate call to endorser returned error: ${message}`, details);
      if (err instanceof ProposalValidationError) throw new GatewayRpcError(status.FAILED_PRECONDITION, `evaluate call to endorser returned error: ${message}`, details);
      if (err instanceof PeerFailure) throw new GatewayRpcError(status.ABORTED, 'failed to evaluate transaction, see attached details for more info', details);
      throw err;
    }
  });

  const endorse = unary<gateway.EndorseRequest, gateway.EndorseResponse>(options, status.ABORTED, async (request) => {
    const proposal = unpack(request.getProposedTransaction());
    const mspId = creatorMsp(proposal.signatureHeader.getCreator_asU8());
    try {
      const endorsement = await processor.process(proposal, true);
      const endorser = options.endorsers.get(endorsement.identity.mspId);
      if (!endorser) throw new PeerFailure(`no endorsing peer for ${endorsement.identity.mspId}`);
      if (endorsement.encoded.privateData) ledger.state.putTransient(proposal.txId, endorsement.encoded.privateData);
      const { result } = endorsement;
      const envelope = prepareTransaction(
        proposal,
        {
          chaincodeName: options.chaincodeName,
          chaincodeVersion: options.chaincodeVersion,
          status: result.status,
          message: result.message,
          payload: result.payload,
          results: endorsement.encoded.results,
          event: result.event,
        },
        endorser,
      );
      const response = new gateway.EndorseResponse();
      response.setPreparedTransaction(envelope);
      return response;
    } catch (err) {
      if (err instanceof ChaincodeFailure || err instanceof ProposalValidationError || err instanceof PeerFailure) {
        throw new GatewayRpcError(status.ABORTED, 'failed to endorse transaction, see attached details for more info', [detailFor(mspId, err.message)]);
      }
      throw err;
    }
  });

  const submit = unary<gateway.SubmitRequest, gateway.SubmitResponse>(options, status.UNAVAILABLE, async (request) => {
    const envelope = request.getPreparedTransaction();
    if (!envelope) throw new GatewayRpcError(status.INVALID_ARGUMENT, 'a prepared transaction is required');
    if (envelope.getSignature_asU8().length === 0) throw new GatewayRpcError(status.INVALID_ARGUMENT, 'prepared transaction must be signed');
    const ordererRejects = (info: string, mspId: string, statusName = 'BAD_REQUEST'): GatewayRpcError =>
      new GatewayRpcError(status.ABORTED, `received unsuccessful response from orderer: status=${statusName}, info=${info}`, [detailFor(mspId, info)]);
    let parsed;
    try {
      parsed = parseEnvelope(envelope);
    } catch (err) {
      if (err instanceof EnvelopeFormatError) throw ordererRejects(err.message, msps.mspIds[0] ?? '');
      throw err;
    }
    if (parsed.channelId !== channelId) throw ordererRejects(`channel '${parsed.channelId}' not found`, msps.mspIds[0] ?? '', 'NOT_FOUND');
    // The orderer checks the client's signature over the payload (channel Writers policy).
    try {
      const identity = msps.validateCreator(parsed.creator);
      const check = checkSignature(identity.publicKey, parsed.payloadBytes, parsed.signature);
      if (check !== 'ok') throw new IdentityError(`implicit policy evaluation failed - 0 sub-policies were satisfied: signature ${check}`);
    } catch (err) {
      if (err instanceof IdentityError) throw ordererRejects(err.message, creatorMsp(parsed.creator), 'FORBIDDEN');
      throw err;
    }
    options.orderer.broadcast(envelope.serializeBinary(), parsed);
    return new gateway.SubmitResponse();
  });

  const commitStatus = unary<gateway.SignedCommitStatusRequest, gateway.CommitStatusResponse>(options, status.ABORTED, async (signed, call) => {
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
    checkSignedRequest(msps, request.getIdentity_asU8(), requestBytes, signed.getSignature_asU8());
    if (request.getChannelId() !== channelId) throw new GatewayRpcError(status.NOT_FOUND, `channel '${request.getChannelId()}' not found`);
    const txStatus = await ledger.waitForTx(request.getTransactionId(), callSignal(call, options.shutdown));
    const response = new gateway.CommitStatusResponse();
    response.setResult(txStatus.code as peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap]);
    response.setBlockNumber(txStatus.blockNum);
    return response;
  });

  const chaincodeEvents = chaincodeEventsHandler(options);

  return { evaluate, endorse, submit, commitStatus, chaincodeEvents };
}
