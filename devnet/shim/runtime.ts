import { peer } from '@hyperledger/fabric-protos';
import { answerRequest, type QueryLimits } from './callbacks';
import { ChaincodeIdMismatch, ChaincodeStream, type StreamListener } from './chaincode-stream';
import {
  ChaincodeExecutionTimeoutError,
  ChaincodeInvocationRejectedError,
  ChaincodeStreamTerminatedError,
  ChaincodeUnavailableError,
} from './errors';
import { chaincodeNameOf, decodeSignedProposal } from './proposal';
import { type ChaincodeMessage, errorTo, MessageType, newMessage, transactionKey, typeName } from './protocol';
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

const RECONNECT_FIRST_DELAY_MS = 50;
const RECONNECT_MAX_DELAY_MS = 1000;

/**
 * Dials a chaincode-as-a-service process and returns once it has registered. The connection is
 * kept: when the process restarts, the runtime dials again by itself.
 */
export async function connectChaincode(options: ConnectChaincodeOptions): Promise<ChaincodeRuntime> {
  const runtime = new ShimRuntime(options);
  try {
    await runtime.waitForStream();
  } catch (err) {
    await runtime.close();
    throw err;
  }
  return runtime;
}

class ShimRuntime implements ChaincodeRuntime, StreamListener {
  private readonly connectTimeoutMs: number;
  private readonly executeTimeoutMs: number;
  private readonly limits: QueryLimits;
  private readonly log: (line: string) => void;
  private readonly running = new Map<string, RunningTransaction>();
  private stream: Promise<ChaincodeStream> | undefined;
  private current: ChaincodeStream | undefined;
  private lastFailure: Error | undefined;
  private closed = false;
  private wakeRetry: (() => void) | undefined;

  constructor(private readonly options: ConnectChaincodeOptions) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.executeTimeoutMs = options.executeTimeoutMs ?? 30_000;
    this.limits = { batchSize: options.queryBatchSize ?? 100, totalQueryLimit: options.totalQueryLimit ?? 10_000 };
    this.log = options.log ?? ((line) => console.warn(line));
  }

  async execute(invocation: ChaincodeInvocation, simulator: TxSimulator): Promise<ChaincodeResult> {
    const { channelId, txId } = invocation;
    const key = transactionKey(channelId, txId);
    if (this.closed) throw this.rejected(txId, 'the chaincode runtime is closed');
    if (this.running.has(key)) throw this.rejected(txId, `transaction ${txId} is already executing on channel ${channelId}`);

    const signedProposal = decodeSignedProposal(invocation.signedProposal);
    const tx = new RunningTransaction(
      channelId,
      txId,
      simulator,
      chaincodeNameOf(signedProposal),
      invocation.isInit === true,
    );
    this.running.set(key, tx);
    let timer: NodeJS.Timeout | undefined;
    try {
      const stream = await this.waitForStream(txId);
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
    this.wakeRetry?.();
    for (const tx of this.running.values()) tx.fail(this.rejected(tx.txId, 'the chaincode runtime was closed'));
    this.current?.close();
    this.current = undefined;
  }

  /** A registered stream, dialing (and re-dialing) as needed, within the connect timeout. */
  waitForStream(txId?: string): Promise<ChaincodeStream> {
    if (this.current?.isOpen) return Promise.resolve(this.current);
    if (this.current) {
      // Closed before onClosed could tell (a race at registration): dial afresh.
      this.current = undefined;
      this.stream = undefined;
    }
    this.stream ??= this.dialUntilRegistered();
    const pending = this.stream;
    return new Promise<ChaincodeStream>((resolve, reject) => {
      const timer = setTimeout(() => reject(this.unavailable(txId)), this.connectTimeoutMs);
      pending.then(
        (stream) => (clearTimeout(timer), resolve(stream)),
        (err: unknown) => (clearTimeout(timer), reject(err)),
      );
    });
  }

  onMessage(stream: ChaincodeStream, message: ChaincodeMessage): void {
    const tx = this.running.get(transactionKey(message.getChannelId(), message.getTxid()));
    const type = message.getType();
    if (type === MessageType.COMPLETED || type === MessageType.ERROR) {
      if (tx && tx.sentOn === stream) tx.complete(resultOf(message));
      return;
    }
    if (!message.getTxid()) {
      this.log(`[devnet/shim] ignoring ${typeName(type)} without a transaction id from chaincode ${this.options.chaincodeId}`);
      return;
    }
    if (!tx || tx.isSettled || tx.sentOn !== stream) {
      stream.send(errorTo(message, 'no ledger context'));
      return;
    }
    tx.serialize(async () => {
      const reply = await answerRequest(tx, message, this.limits).catch((err: unknown) => errorTo(message, reasonOf(err)));
      stream.send(reply);
    });
  }

  onClosed(stream: ChaincodeStream, reason: Error): void {
    if (this.current !== stream) return;
    this.current = undefined;
    this.stream = undefined;
    for (const tx of this.running.values()) {
      if (tx.sentOn === stream) {
        tx.fail(new ChaincodeStreamTerminatedError({ ...this.target(), txId: tx.txId, message: `chaincode stream terminated: ${reason.message}`, cause: reason }));
      }
    }
    if (this.closed) return;
    this.log(`[devnet/shim] lost chaincode ${this.options.chaincodeId} at ${this.options.address} (${reason.message}); reconnecting`);
    // Dial again at once, so a restarted chaincode process is picked up without waiting for a transaction.
    this.stream = this.dialUntilRegistered();
    this.stream.catch(() => undefined);
  }

  /** Keeps dialing with a growing pause until the chaincode registers or the runtime closes. */
  private async dialUntilRegistered(): Promise<ChaincodeStream> {
    let delay = RECONNECT_FIRST_DELAY_MS;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw this.rejected(undefined, 'the chaincode runtime is closed');
      try {
        const stream = await ChaincodeStream.open(this.target(), this.connectTimeoutMs, this);
        if (this.closed) {
          stream.close();
          throw this.rejected(undefined, 'the chaincode runtime is closed');
        }
        this.current = stream;
        this.lastFailure = undefined;
        if (attempt > 1) this.log(`[devnet/shim] chaincode ${this.options.chaincodeId} registered at ${this.options.address}`);
        return stream;
      } catch (err) {
        if (err instanceof ChaincodeIdMismatch) {
          this.stream = undefined;
          throw new ChaincodeUnavailableError({ ...this.target(), message: err.message, cause: err });
        }
        this.lastFailure = err instanceof Error ? err : new Error(String(err));
      }
      await new Promise<void>((resolve) => {
        this.wakeRetry = resolve;
        setTimeout(resolve, delay).unref();
      });
      delay = Math.min(delay * 2, RECONNECT_MAX_DELAY_MS);
    }
  }

  private target(): { chaincodeId: string; address: string } {
    return { chaincodeId: this.options.chaincodeId, address: this.options.address };
  }

  private unavailable(txId: string | undefined): ChaincodeUnavailableError {
    const why = this.lastFailure ? `: ${this.lastFailure.message}` : '';
    return new ChaincodeUnavailableError({
      ...this.target(),
      txId,
      message: `chaincode ${this.options.chaincodeId} at ${this.options.address} did not register within ${this.connectTimeoutMs} ms${why}`,
      cause: this.lastFailure,
    });
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
