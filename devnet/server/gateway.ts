/**
 * gateway.Gateway: Evaluate, Endorse, Submit, CommitStatus and ChaincodeEvents with Fabric's
 * status codes and error details (internal/pkg/gateway), so the fabric-gateway client raises
 * its EndorseError / SubmitError / CommitStatusError / CommitError as against a real peer.
 */
import { status, type handleServerStreamingCall, type handleUnaryCall, type ServerUnaryCall, type ServerWritableStream } from '@grpc/grpc-js';
import { gateway, peer, type orderer } from '@hyperledger/fabric-protos';
import type { Faults } from '../admin/faults';
import { IdentityError, type MspRegistry } from '../identity/msp';
import { parseEnvelope, EnvelopeFormatError } from '../protocol/envelope';
import { GatewayRpcError, toRpcError } from '../protocol/errors';
import { prepareTransaction, type Endorser } from '../protocol/prepare';
import { ProposalFormatError, ProposalValidationError, unpackProposal } from '../protocol/proposal';
import { checkSignature } from '../identity/ecdsa';
import type { Ledger } from '../ledger/ledger';
import type { Orderer } from '../ledger/orderer';
import { chaincodeEventsOf } from './blockevents';
import { ChaincodeFailure, PeerFailure, type ProposalProcessor } from './endorser';
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

export const REFUSED_MESSAGE = 'connection refused by devnet fault injection';

/** Wraps a unary handler: refusal fault, error conversion, one place for the callback. */
function unary<Req, Res>(
  options: Pick<GatewayServiceOptions, 'faults' | 'shutdown'>,
  fallback: status,
  run: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    if (options.faults.refusing()) {
      callback(new GatewayRpcError(status.UNAVAILABLE, REFUSED_MESSAGE));
      return;
    }
    run(call.request, call).then(
      (response) => callback(null, response),
      (err: unknown) =>
        callback(options.shutdown.aborted && !(err instanceof GatewayRpcError) ? new GatewayRpcError(status.UNAVAILABLE, 'devnet is shutting down') : toRpcError(err, fallback)),
    );
  };
}

/** An AbortSignal that fires when the client cancels the call or devnet shuts down. */
export function callSignal(call: { on(event: 'cancelled', listener: () => void): unknown }, shutdown: AbortSignal): AbortSignal {
  const controller = new AbortController();
  call.on('cancelled', () => controller.abort(new Error('call cancelled')));
  return AbortSignal.any([controller.signal, shutdown]);
}

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

  const chaincodeEvents: handleServerStreamingCall<gateway.SignedChaincodeEventsRequest, gateway.ChaincodeEventsResponse> = (call) => {
    if (faults.refusing()) {
      call.emit('error', new GatewayRpcError(status.UNAVAILABLE, REFUSED_MESSAGE));
      return;
    }
    streamChaincodeEvents(options, call).catch((err: unknown) => call.emit('error', toRpcError(err, status.ABORTED)));
  };

  return { evaluate, endorse, submit, commitStatus, chaincodeEvents };
}

/** Fabric's SignedData check behind the gateway ACLs; failures are PERMISSION_DENIED. */
export function checkSignedRequest(msps: MspRegistry, identity: Uint8Array, data: Uint8Array, signature: Uint8Array): void {
  try {
    msps.verifySignedData(identity, data, signature);
  } catch (err) {
    if (err instanceof IdentityError) throw new GatewayRpcError(status.PERMISSION_DENIED, `failed evaluating policy on signed data during check policy [/Channel/Application/Readers]: ${err.message}`);
    throw err;
  }
}

function startBlock(ledger: Ledger, request: gateway.ChaincodeEventsRequest): number {
  const after = request.getAfterTransactionId();
  if (after) {
    const found = ledger.txStatus(after);
    if (found) return found.blockNum;
  }
  const position: orderer.SeekPosition | undefined = request.getStartPosition();
  if (position?.hasSpecified()) return position.getSpecified()?.getNumber() ?? 0;
  if (position?.hasOldest()) return 0;
  if (position && !position.hasNextCommit() && !position.hasNewest() && position.getTypeCase() !== 0) {
    throw new GatewayRpcError(status.INVALID_ARGUMENT, `invalid start position type: ${position.getTypeCase()}`);
  }
  return ledger.height;
}

async function streamChaincodeEvents(
  options: GatewayServiceOptions,
  call: ServerWritableStream<gateway.SignedChaincodeEventsRequest, gateway.ChaincodeEventsResponse>,
): Promise<void> {
  const signed = call.request;
  const requestBytes = signed.getRequest_asU8();
  if (requestBytes.length === 0) throw new GatewayRpcError(status.INVALID_ARGUMENT, 'a chaincode events request is required');
  let request: gateway.ChaincodeEventsRequest;
  try {
    request = gateway.ChaincodeEventsRequest.deserializeBinary(requestBytes);
  } catch (err) {
    throw new GatewayRpcError(status.INVALID_ARGUMENT, `invalid chaincode events request: ${String(err)}`);
  }
  checkSignedRequest(options.msps, request.getIdentity_asU8(), requestBytes, signed.getSignature_asU8());
  if (request.getChannelId() !== options.channelId) throw new GatewayRpcError(status.NOT_FOUND, `channel '${request.getChannelId()}' not found`);

  const dropped = new AbortController();
  const signal = AbortSignal.any([callSignal(call, options.shutdown), dropped.signal]);
  const unregister = options.streams.add((error) => {
    dropped.abort(error);
    call.emit('error', error);
  });
  const chaincodeId = request.getChaincodeId();
  // With after_transaction_id, events are skipped up to and including that transaction.
  let skipUntil = request.getAfterTransactionId() || undefined;
  if (skipUntil && !options.ledger.txStatus(skipUntil)) skipUntil = undefined;

  try {
    for (let blockNum = startBlock(options.ledger, request); !signal.aborted; blockNum++) {
      const block = await options.ledger.waitForBlock(blockNum, signal);
      const events: peer.ChaincodeEvent[] = [];
      for (const tx of chaincodeEventsOf(block)) {
        if (skipUntil) {
          if (tx.txId === skipUntil) skipUntil = undefined;
          continue;
        }
        if (tx.valid && tx.event && tx.event.getChaincodeId() === chaincodeId) events.push(tx.event);
      }
      if (events.length === 0) continue;
      const response = new gateway.ChaincodeEventsResponse();
      response.setBlockNumber(blockNum);
      response.setEventsList(events);
      if (!call.write(response)) await new Promise<void>((resolve) => call.once('drain', resolve));
    }
  } catch (err) {
    if (dropped.signal.aborted) return; // already ended with the fault's status
    if (signal.aborted && !options.shutdown.aborted) return; // client went away
    if (options.shutdown.aborted) throw new GatewayRpcError(status.UNAVAILABLE, 'devnet is shutting down');
    throw err;
  } finally {
    unregister();
  }
}
