import { peer } from '@hyperledger/fabric-protos';

/**
 * ChaincodeMessage plumbing. Messages are built with @hyperledger/fabric-protos 0.3.7, the copy
 * whose ChaincodeService this runtime dials with (generated serializers check instanceof). The
 * chaincode process uses its own copy; the bytes on the wire are the same.
 */
export type ChaincodeMessage = peer.ChaincodeMessage;
export type MessageType = peer.ChaincodeMessage.TypeMap[keyof peer.ChaincodeMessage.TypeMap];
export const MessageType = peer.ChaincodeMessage.Type;

const TYPE_NAMES = new Map<number, string>(Object.entries(peer.ChaincodeMessage.Type).map(([name, value]) => [value, name]));

export function typeName(type: number): string {
  return TYPE_NAMES.get(type) ?? `UNKNOWN(${type})`;
}

export interface MessageFields {
  type: MessageType;
  payload?: Uint8Array;
  txid?: string;
  channelId?: string;
}

export function newMessage(fields: MessageFields): ChaincodeMessage {
  const message = new peer.ChaincodeMessage();
  message.setType(fields.type);
  if (fields.payload) message.setPayload(fields.payload);
  if (fields.txid) message.setTxid(fields.txid);
  if (fields.channelId) message.setChannelId(fields.channelId);
  return message;
}

/** RESPONSE to a chaincode request, echoing its txid and channel as the shim matches on both. */
export function responseTo(request: ChaincodeMessage, payload: Uint8Array): ChaincodeMessage {
  return newMessage({ type: MessageType.RESPONSE, payload, txid: request.getTxid(), channelId: request.getChannelId() });
}

/**
 * ERROR to a chaincode request. The text follows the peer's "<TYPE> failed: transaction ID:
 * <txid>: <reason>", which the shim hands to the contract as the error message.
 */
export function errorTo(request: ChaincodeMessage, reason: string): ChaincodeMessage {
  const text = `${typeName(request.getType())} failed: transaction ID: ${request.getTxid()}: ${reason}`;
  return newMessage({ type: MessageType.ERROR, payload: Buffer.from(text, 'utf8'), txid: request.getTxid(), channelId: request.getChannelId() });
}

/** The key the shim and the peer use to tell concurrent transactions apart. */
export function transactionKey(channelId: string, txId: string): string {
  return `${channelId}\u0000${txId}`;
}
