/**
 * gateway.Gateway/ChaincodeEvents: events of valid transactions of one chaincode, block by block
 * from the requested start (specified block, next commit, or the block of
 * after_transaction_id, skipping up to and including that transaction). The stream never ends
 * by itself; a fault or shutdown ends it with UNAVAILABLE.
 */
import { status, type handleServerStreamingCall, type ServerWritableStream } from '@grpc/grpc-js';
import { gateway, type orderer, type peer } from '@hyperledger/fabric-protos';
import type { Faults } from '../admin/faults';
import type { MspRegistry } from '../identity/msp';
import { GatewayRpcError, toRpcError } from '../protocol/errors';
import type { Ledger } from '../ledger/ledger';
import { chaincodeEventsOf } from './blockevents';
import { callSignal, checkSignedRequest, refused, REFUSED_MESSAGE } from './rpc';
import type { StreamRegistry } from './streams';

export interface ChaincodeEventsOptions {
  channelId: string;
  ledger: Ledger;
  msps: MspRegistry;
  faults: Faults;
  /** True while this peer is stopped (multi-peer devnet). */
  down?: () => boolean;
  streams: StreamRegistry;
  shutdown: AbortSignal;
}

type EventsCall = ServerWritableStream<gateway.SignedChaincodeEventsRequest, gateway.ChaincodeEventsResponse>;

export function chaincodeEventsHandler(options: ChaincodeEventsOptions): handleServerStreamingCall<gateway.SignedChaincodeEventsRequest, gateway.ChaincodeEventsResponse> {
  return (call) => {
    if (refused(options)) {
      call.emit('error', new GatewayRpcError(status.UNAVAILABLE, REFUSED_MESSAGE));
      return;
    }
    streamChaincodeEvents(options, call).catch((err: unknown) => call.emit('error', toRpcError(err, status.ABORTED)));
  };
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

async function streamChaincodeEvents(options: ChaincodeEventsOptions, call: EventsCall): Promise<void> {
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
