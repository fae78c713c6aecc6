import { peer } from '@hyperledger/fabric-protos';
import { answerRequest, type QueryLimits } from './callbacks';
import type { ChaincodeStream } from './chaincode-stream';
import { ChaincodeConnection } from './connection';
import { ChaincodeExecutionTimeoutError, ChaincodeInvocationRejectedError, ChaincodeStreamTerminatedError } from './errors';
import { chaincodeNameOf, decodeSignedProposal } from './proposal';
import { type ChaincodeMessage, errorTo, MessageType, newMessage, transactionKey } from './protocol';
import { RunningTransaction } from './transaction';
import type { ChaincodeInvocation, ChaincodeResult, ChaincodeRuntime, TxSimulator } from './types';

export interface ConnectChaincodeOptions {
  /** host:port the chaincode server listens on (its --chaincode-address / CHAINCODE_SERVER_ADDRESS). */
  address: string;
  /** The id the chaincode registers with (its --chaincode-id / CHAINCODE_ID), e.g. `lading_1.0:<hash>`. */
  chaincodeId: string;
  /** How long connectChaincode, and an execute() while reconnecting, wait for a registered stream. Default 10000. */
  connectTimeoutMs?: number;
  /** How long a transaction may run before it fails (Fabric's chaincode.executetimeout). Default 30000. */
  executeTimeoutMs?: number;
  /** Results per batch between peer and shim. Default 100, as Fabric. */
  queryBatchSize?: number;
  /** Results per query in total. Default 10000, as Fabric's ledger.state.totalQueryLimit. */
  totalQueryLimit?: number;
  /** Where connection news goes (lost, reconnected). Default: console.warn. */
  log?: (line: string) => void;
}

/**
 * Dials a chaincode-as-a-service process and returns once it has registered. The connection is
 * kept: when the process restarts, the runtime dials again by itself.
 */
export async function connectChaincode(options: ConnectChaincodeOptions): Promise<ChaincodeRuntime> {
  const runtime = new ShimRuntime(options);
  try {
    await runtime.ready();
  } catch (err) {
    await runtime.close();
    throw err;
  }
  return runtime;
}

class ShimRuntime implements ChaincodeRuntime {
  private readonly executeTimeoutMs: number;
  private readonly limits: QueryLimits;
  private readonly connection: ChaincodeConnection;
  private readonly running = new Map<string, RunningTransaction>();
  private closed = false;

  constructor(private readonly options: ConnectChaincodeOptions) {
    this.executeTimeoutMs = options.executeTimeoutMs ?? 30_000;
    this.limits = { batchSize: options.queryBatchSize ?? 100, totalQueryLimit: options.totalQueryLimit ?? 10_000 };
    this.connection = new ChaincodeConnection(
      {
        address: options.address,
        chaincodeId: options.chaincodeId,
        connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
        log: options.log ?? ((line) => console.warn(line)),
      },
      { onMessage: (stream, message) => this.onMessage(stream, message), onLost: (stream, reason) => this.onLost(stream, reason) },
    );
  }

  async execute(invocation: ChaincodeInvocation, simulator: TxSimulator): Promise<ChaincodeResult> {
    const { channelId, txId } = invocation;
    const key = transactionKey(channelId, txId);
    if (this.closed) throw this.rejected(txId, 'the chaincode runtime is closed');
    if (this.running.has(key)) throw this.rejected(txId, `transaction ${txId} is already executing on channel ${channelId}`);

    const signedProposal = this.decodeProposal(invocation);
    const tx = new RunningTransaction(channelId, txId, simulator, chaincodeNameOf(signedProposal), invocation.isInit === true);
    this.running.set(key, tx);
    let timer: NodeJS.Timeout | undefined;
    try {
      const stream = await this.connection.waitForStream(txId);
      timer = setTimeout(() => tx.fail(this.timedOut(txId)), this.executeTimeoutMs);
      tx.sentOn = stream;
      stream.send(transactionMessage(invocation, signedProposal));
      return await tx.completion;
    } finally {
      clearTimeout(timer);
      this.running.delete(key);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const tx of this.running.values()) tx.fail(this.rejected(tx.txId, 'the chaincode runtime was closed'));
    this.connection.close();
  }

  /** Resolves once a stream is registered (connectChaincode's wait). */
  async ready(): Promise<void> {
    await this.connection.waitForStream();
  }

  private onMessage(stream: ChaincodeStream, message: ChaincodeMessage): void {
    const tx = this.running.get(transactionKey(message.getChannelId(), message.getTxid()));
    const type = message.getType();
    if (type === MessageType.COMPLETED || type === MessageType.ERROR) {
      if (tx && tx.sentOn === stream) tx.complete(resultOf(message));
      return;
    }
    if (!message.getTxid()) return; // nothing to answer to; the node shim never sends such messages
    if (!tx || tx.isSettled || tx.sentOn !== stream) {
      stream.send(errorTo(message, 'no ledger context'));
      return;
    }
    tx.serialize(async () => {
      const reply = await answerRequest(tx, message, this.limits).catch((err: unknown) => errorTo(message, reasonOf(err)));
      stream.send(reply);
    });
  }

  private onLost(stream: ChaincodeStream, reason: Error): void {
    for (const tx of this.running.values()) {
      if (tx.sentOn !== stream) continue;
      tx.fail(new ChaincodeStreamTerminatedError({ ...this.target(), txId: tx.txId, message: `chaincode stream terminated: ${reason.message}`, cause: reason }));
    }
  }

  private decodeProposal(invocation: ChaincodeInvocation): peer.SignedProposal {
    try {
      return decodeSignedProposal(invocation.signedProposal);
    } catch (err) {
      throw this.rejected(invocation.txId, `signedProposal of transaction ${invocation.txId} is not a protos.SignedProposal: ${reasonOf(err)}`);
    }
  }

  private target(): { chaincodeId: string; address: string } {
    return { chaincodeId: this.options.chaincodeId, address: this.options.address };
  }

  private timedOut(txId: string): ChaincodeExecutionTimeoutError {
    return new ChaincodeExecutionTimeoutError({ ...this.target(), txId, message: `timeout expired while executing transaction ${txId} (${this.executeTimeoutMs} ms)` });
  }

  private rejected(txId: string | undefined, message: string): ChaincodeInvocationRejectedError {
    return new ChaincodeInvocationRejectedError({ ...this.target(), txId, message });
  }
}

function transactionMessage(invocation: ChaincodeInvocation, signedProposal: peer.SignedProposal): ChaincodeMessage {
  const input = new peer.ChaincodeInput();
  input.setArgsList(invocation.args.map((arg) => new Uint8Array(arg)));
  input.setIsInit(invocation.isInit === true);
  const message = newMessage({
    type: invocation.isInit ? MessageType.INIT : MessageType.TRANSACTION,
    payload: input.serializeBinary(),
    txid: invocation.txId,
    channelId: invocation.channelId,
  });
  message.setProposal(signedProposal);
  return message;
}

/**
 * COMPLETED carries the chaincode's peer.Response and its last event. ERROR means the shim could
 * not run the transaction at all (e.g. an undecodable proposal); a peer fails the proposal with
 * "transaction returned with failure", reported here as a status 500 result.
 */
function resultOf(message: ChaincodeMessage): ChaincodeResult {
  if (message.getType() === MessageType.ERROR) {
    const text = Buffer.from(message.getPayload_asU8()).toString('utf8');
    return { status: 500, message: `transaction returned with failure: ${text}`, payload: Buffer.alloc(0) };
  }
  const response = peer.Response.deserializeBinary(message.getPayload_asU8());
  const result: ChaincodeResult = {
    status: response.getStatus(),
    message: response.getMessage(),
    payload: Buffer.from(response.getPayload_asU8()),
  };
  const event = message.getChaincodeEvent();
  if (event && event.getEventName() !== '') {
    result.event = { eventName: event.getEventName(), payload: Buffer.from(event.getPayload_asU8()) };
  }
  return result;
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
