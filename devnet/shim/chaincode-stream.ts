import * as grpc from '@grpc/grpc-js';
import { peer } from '@hyperledger/fabric-protos';
import { type ChaincodeMessage, MessageType, newMessage, typeName } from './protocol';

/**
 * One Connect stream to a chaincode-as-a-service process, from dial to close. The peer dials;
 * the chaincode speaks first (REGISTER); the peer answers REGISTERED then READY. After that the
 * peer sends only TRANSACTION/INIT and answers (RESPONSE/ERROR): never KEEPALIVE, which the node
 * shim treats as an unknown message and exits on.
 */
export interface StreamTarget {
  address: string;
  chaincodeId: string;
}

export interface StreamListener {
  /** A message after the handshake. */
  onMessage(stream: ChaincodeStream, message: ChaincodeMessage): void;
  /** The stream ended or failed; called once. */
  onClosed(stream: ChaincodeStream, reason: Error): void;
}

/**
 * No client keepalive: the chaincode's grpc server decides how often pings may come
 * (fabric-chaincode-node permits one per 110 s), and a local process that dies closes its socket
 * anyway. Message sizes as unlimited as the shim's own server.
 */
const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_send_message_length': -1,
  'grpc.max_receive_message_length': -1,
};

/** The chaincode registered under another id than devnet expects: retrying will not help. */
export class ChaincodeIdMismatch extends Error {}

export class ChaincodeStream {
  private closed = false;

  private constructor(
    private readonly client: peer.ChaincodeClient,
    private readonly call: grpc.ClientDuplexStream<ChaincodeMessage, ChaincodeMessage>,
  ) {}

  /** Dials, completes the handshake and then hands every message to the listener. */
  static open(target: StreamTarget, handshakeTimeoutMs: number, listener: StreamListener): Promise<ChaincodeStream> {
    const client = new peer.ChaincodeClient(target.address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    const call = client.connect();
    const stream = new ChaincodeStream(client, call);
    return new Promise<ChaincodeStream>((resolve, reject) => {
      let ready = false;
      const fail = (reason: Error): void => {
        if (ready) return stream.closeWith(listener, reason);
        clearTimeout(timer);
        stream.shutdown();
        reject(reason);
      };
      const timer = setTimeout(() => fail(new Error(`no REGISTER from chaincode within ${handshakeTimeoutMs} ms`)), handshakeTimeoutMs);
      call.on('data', (message: ChaincodeMessage) => {
        if (ready) return listener.onMessage(stream, message);
        const refusal = registrationRefusal(message, target.chaincodeId);
        if (refusal) return fail(refusal);
        clearTimeout(timer);
        stream.send(newMessage({ type: MessageType.REGISTERED }));
        stream.send(newMessage({ type: MessageType.READY }));
        ready = true;
        resolve(stream);
      });
      call.on('error', (err: Error) => fail(err));
      call.on('end', () => fail(new Error('chaincode closed the stream')));
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  send(message: ChaincodeMessage): void {
    if (!this.closed) this.call.write(message);
  }

  /** Ends the stream from the peer side (devnet shutting down). */
  close(): void {
    this.shutdown();
  }

  private closeWith(listener: StreamListener, reason: Error): void {
    if (this.closed) return;
    this.shutdown();
    listener.onClosed(this, reason);
  }

  private shutdown(): void {
    this.closed = true;
    this.call.removeAllListeners('data');
    // A late 'error' after cancel must not go unhandled.
    this.call.on('error', () => undefined);
    this.call.cancel();
    this.client.close();
  }
}

function registrationRefusal(message: ChaincodeMessage, expectedId: string): Error | undefined {
  if (message.getType() !== MessageType.REGISTER) {
    return new Error(`chaincode sent ${typeName(message.getType())} before REGISTER`);
  }
  const name = peer.ChaincodeID.deserializeBinary(message.getPayload_asU8()).getName();
  if (name !== expectedId) {
    return new ChaincodeIdMismatch(`chaincode registered as "${name}" but devnet expects "${expectedId}" (CHAINCODE_ID / --chaincode-id)`);
  }
  return undefined;
}
