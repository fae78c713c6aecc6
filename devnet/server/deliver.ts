/**
 * protos.Deliver: Deliver (full blocks), DeliverFiltered (tx ids, codes, events without payload)
 * and DeliverWithPrivateData (blocks with the private data of collections the requester is a
 * member of). Each request
 * Envelope carries a signed SeekInfo; errors are answered with a status response, as Fabric does.
 */
import { status, type handleBidiStreamingCall, type ServerDuplexStream } from '@grpc/grpc-js';
import { common, ledger as ledgerProtos, orderer, peer } from '@hyperledger/fabric-protos';
import type { Faults } from '../admin/faults';
import { IdentityError, type MspRegistry } from '../identity/msp';
import { GatewayRpcError } from '../protocol/errors';
import type { CollectionPolicy } from '../ledger/collections';
import type { Ledger } from '../ledger/ledger';
import { chaincodeEventsOf } from './blockevents';
import { callSignal, refused, REFUSED_MESSAGE } from './rpc';
import type { StreamRegistry } from './streams';

type Content = 'block' | 'filtered' | 'private';
type StatusCode = common.StatusMap[keyof common.StatusMap];
type DeliverCall = ServerDuplexStream<common.Envelope, peer.DeliverResponse>;

export interface DeliverServiceOptions {
  channelId: string;
  ledger: Ledger;
  policy: CollectionPolicy;
  msps: MspRegistry;
  faults: Faults;
  /** True while this peer is stopped (multi-peer devnet). */
  down?: () => boolean;
  streams: StreamRegistry;
  shutdown: AbortSignal;
}

export type DeliverHandlers = peer.IDeliverServer;

class DeliverRefusal extends Error {
  readonly status: StatusCode;
  constructor(code: StatusCode, message: string) {
    super(message);
    this.status = code;
  }
}

interface SeekRange {
  start: number;
  stop: number;
  failIfNotReady: boolean;
  /** The requester's organisation, for private data eligibility. */
  mspId: string;
}

/** jspb.Map is untyped (google-protobuf has no declarations); this is the one method used. */
interface ProtoMap<K, V> {
  set(key: K, value: V): unknown;
}

function position(ledger: Ledger, seek: orderer.SeekPosition | undefined, isStart: boolean): number {
  if (!seek || seek.hasNewest()) return Math.max(ledger.height - 1, 0);
  if (seek.hasOldest()) return 0;
  if (seek.hasSpecified()) return seek.getSpecified()?.getNumber() ?? 0;
  if (seek.hasNextCommit() && isStart) return ledger.height;
  throw new DeliverRefusal(common.Status.BAD_REQUEST, 'unknown seek position type');
}

/** Checks the envelope like Fabric's deliver handler: header, channel, signature of a channel member. */
function admit(options: DeliverServiceOptions, envelope: common.Envelope): SeekRange {
  let payload: common.Payload;
  let channelHeader: common.ChannelHeader;
  let signatureHeader: common.SignatureHeader;
  let seekInfo: orderer.SeekInfo;
  try {
    payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const header = payload.getHeader();
    if (!header) throw new Error('no header');
    channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
    seekInfo = orderer.SeekInfo.deserializeBinary(payload.getData_asU8());
  } catch (err) {
    throw new DeliverRefusal(common.Status.BAD_REQUEST, `malformed deliver request: ${String(err)}`);
  }
  if (channelHeader.getType() !== common.HeaderType.DELIVER_SEEK_INFO) throw new DeliverRefusal(common.Status.BAD_REQUEST, 'header type is not DELIVER_SEEK_INFO');
  if (channelHeader.getChannelId() !== options.channelId) throw new DeliverRefusal(common.Status.NOT_FOUND, `channel ${channelHeader.getChannelId()} not found`);
  let mspId: string;
  try {
    mspId = options.msps.verifySignedData(signatureHeader.getCreator_asU8(), envelope.getPayload_asU8(), envelope.getSignature_asU8()).mspId;
  } catch (err) {
    if (err instanceof IdentityError) throw new DeliverRefusal(common.Status.FORBIDDEN, err.message);
    throw err;
  }
  const start = position(options.ledger, seekInfo.getStart(), true);
  const stop = position(options.ledger, seekInfo.getStop(), false);
  if (stop < start) throw new DeliverRefusal(common.Status.BAD_REQUEST, `start number ${start} greater than stop number ${stop}`);
  return { start, stop, failIfNotReady: seekInfo.getBehavior() === orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY, mspId };
}

function filteredBlock(channelId: string, block: common.Block): peer.FilteredBlock {
  const result = new peer.FilteredBlock();
  result.setChannelId(channelId);
  result.setNumber(block.getHeader()?.getNumber() ?? 0);
  result.setFilteredTransactionsList(
    chaincodeEventsOf(block).map((tx) => {
      const filtered = new peer.FilteredTransaction();
      filtered.setTxid(tx.txId);
      filtered.setType(tx.type as common.HeaderTypeMap[keyof common.HeaderTypeMap]);
      filtered.setTxValidationCode(tx.code as peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap]);
      if (tx.event) {
        // Filtered blocks carry event names, never payloads.
        const event = new peer.ChaincodeEvent();
        event.setChaincodeId(tx.event.getChaincodeId());
        event.setTxId(tx.event.getTxId());
        event.setEventName(tx.event.getEventName());
        const action = new peer.FilteredChaincodeAction();
        action.setChaincodeEvent(event);
        const actions = new peer.FilteredTransactionActions();
        actions.setChaincodeActionsList([action]);
        filtered.setTransactionActions(actions);
      }
      return filtered;
    }),
  );
  return result;
}

/** The private write sets of the block's transactions, limited to collections the requester belongs to. */
function eligiblePrivateData(options: DeliverServiceOptions, blockNum: number, mspId: string): Array<[number, ledgerProtos.rwset.TxPvtReadWriteSet]> {
  const result: Array<[number, ledgerProtos.rwset.TxPvtReadWriteSet]> = [];
  for (const { txNum, data } of options.ledger.state.privateDataOf(blockNum)) {
    const tx = ledgerProtos.rwset.TxPvtReadWriteSet.deserializeBinary(data);
    const namespaces = tx.getNsPvtRwsetList().filter((ns) => {
      ns.setCollectionPvtRwsetList(ns.getCollectionPvtRwsetList().filter((c) => options.policy.isMember(c.getCollectionName(), mspId)));
      return ns.getCollectionPvtRwsetList().length > 0;
    });
    if (namespaces.length === 0) continue;
    tx.setNsPvtRwsetList(namespaces);
    result.push([txNum, tx]);
  }
  return result;
}

function response(options: DeliverServiceOptions, content: Content, block: common.Block, mspId: string): peer.DeliverResponse {
  const result = new peer.DeliverResponse();
  if (content === 'filtered') {
    result.setFilteredBlock(filteredBlock(options.channelId, block));
  } else if (content === 'private') {
    const withPrivate = new peer.BlockAndPrivateData();
    withPrivate.setBlock(block);
    const map = withPrivate.getPrivateDataMapMap() as ProtoMap<number, ledgerProtos.rwset.TxPvtReadWriteSet>;
    for (const [txNum, data] of eligiblePrivateData(options, block.getHeader()?.getNumber() ?? 0, mspId)) map.set(txNum, data);
    result.setBlockAndPrivateData(withPrivate);
  } else {
    result.setBlock(block);
  }
  return result;
}

function statusResponse(code: StatusCode): peer.DeliverResponse {
  const result = new peer.DeliverResponse();
  result.setStatus(code);
  return result;
}

async function write(call: DeliverCall, message: peer.DeliverResponse): Promise<void> {
  if (!call.write(message)) await new Promise<void>((resolve) => call.once('drain', resolve));
}

async function serve(options: DeliverServiceOptions, call: DeliverCall, content: Content, envelope: common.Envelope, signal: AbortSignal): Promise<void> {
  let range: SeekRange;
  try {
    range = admit(options, envelope);
  } catch (err) {
    if (err instanceof DeliverRefusal) {
      await write(call, statusResponse(err.status));
      return;
    }
    throw err;
  }
  if (range.failIfNotReady && range.start >= options.ledger.height) {
    await write(call, statusResponse(common.Status.NOT_FOUND));
    return;
  }
  for (let blockNum = range.start; blockNum <= range.stop && !signal.aborted; blockNum++) {
    const block = await options.ledger.waitForBlock(blockNum, signal);
    await write(call, response(options, content, block, range.mspId));
  }
  await write(call, statusResponse(common.Status.SUCCESS));
}

function handler(options: DeliverServiceOptions, content: Content): handleBidiStreamingCall<common.Envelope, peer.DeliverResponse> {
  return (call) => {
    if (refused(options)) {
      call.emit('error', new GatewayRpcError(status.UNAVAILABLE, REFUSED_MESSAGE));
      return;
    }
    const dropped = new AbortController();
    const signal = AbortSignal.any([callSignal(call, options.shutdown), dropped.signal]);
    const unregister = options.streams.add((error) => {
      dropped.abort(error);
      call.emit('error', error);
    });
    // Requests on one stream are served one after another, as Fabric's deliver loop does.
    let chain = Promise.resolve();
    call.on('data', (envelope: common.Envelope) => {
      chain = chain.then(() =>
        serve(options, call, content, envelope, signal).catch((err: unknown) => {
          if (dropped.signal.aborted) return; // already ended with the fault's status
          if (options.shutdown.aborted) {
            call.emit('error', new GatewayRpcError(status.UNAVAILABLE, 'devnet is shutting down'));
            return;
          }
          if (signal.aborted) return; // client went away
          call.emit('error', new GatewayRpcError(status.INTERNAL, err instanceof Error ? err.message : String(err)));
        }),
      );
    });
    call.on('end', () => {
      void chain.then(() => {
        unregister();
        if (!signal.aborted) call.end();
      });
    });
    signal.addEventListener('abort', unregister, { once: true });
  };
}

export function deliverHandlers(options: DeliverServiceOptions): DeliverHandlers {
  return {
    deliver: handler(options, 'block'),
    deliverFiltered: handler(options, 'filtered'),
    deliverWithPrivateData: handler(options, 'private'),
  };
}
