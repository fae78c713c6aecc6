import { ChaincodeIdMismatch, ChaincodeStream, type StreamListener } from './chaincode-stream';
import { ChaincodeInvocationRejectedError, ChaincodeUnavailableError } from './errors';
import type { ChaincodeMessage } from './protocol';

export interface ConnectionOptions {
  address: string;
  chaincodeId: string;
  /** How long waitForStream() waits for a registered stream. */
  connectTimeoutMs: number;
  log: (line: string) => void;
}

export interface ConnectionHandlers {
  onMessage(stream: ChaincodeStream, message: ChaincodeMessage): void;
  /** The stream died; transactions sent on it will get no answer. */
  onLost(stream: ChaincodeStream, reason: Error): void;
}

const RETRY_FIRST_DELAY_MS = 50;
const RETRY_MAX_DELAY_MS = 1000;

/**
 * Keeps one registered stream to the chaincode: dials on demand, and when the stream dies
 * (chaincode process restarted) dials again by itself with a growing pause, so a restarted
 * process is picked up without waiting for the next transaction.
 */
export class ChaincodeConnection implements StreamListener {
  private current: ChaincodeStream | undefined;
  private dialing: Promise<ChaincodeStream> | undefined;
  private lastFailure: Error | undefined;
  private closed = false;
  private wakeRetry: (() => void) | undefined;

  constructor(
    private readonly options: ConnectionOptions,
    private readonly handlers: ConnectionHandlers,
  ) {}

  /** A registered stream, dialing as needed, within the connect timeout. */
  waitForStream(txId?: string): Promise<ChaincodeStream> {
    if (this.closed) return Promise.reject(this.closedError(txId));
    if (this.current?.isOpen) return Promise.resolve(this.current);
    this.current = undefined; // closed before onClosed could tell (a race at registration)
    this.dialing ??= this.dialUntilRegistered();
    const dialing = this.dialing;
    return new Promise<ChaincodeStream>((resolve, reject) => {
      const timer = setTimeout(() => reject(this.unavailable(txId)), this.options.connectTimeoutMs);
      dialing.then(
        (stream) => (clearTimeout(timer), resolve(stream)),
        (err: unknown) => (clearTimeout(timer), reject(err)),
      );
    });
  }

  close(): void {
    this.closed = true;
    this.wakeRetry?.();
    this.current?.close();
    this.current = undefined;
  }

  onMessage(stream: ChaincodeStream, message: ChaincodeMessage): void {
    this.handlers.onMessage(stream, message);
  }

  onClosed(stream: ChaincodeStream, reason: Error): void {
    if (this.current !== stream) return;
    this.current = undefined;
    this.handlers.onLost(stream, reason);
    if (this.closed) return;
    this.options.log(`[devnet/shim] lost chaincode ${this.options.chaincodeId} at ${this.options.address} (${reason.message}); reconnecting`);
    this.dialing = this.dialUntilRegistered();
    this.dialing.then(
      () => this.options.log(`[devnet/shim] chaincode ${this.options.chaincodeId} registered again at ${this.options.address}`),
      () => undefined,
    );
  }

  private async dialUntilRegistered(): Promise<ChaincodeStream> {
    let delay = RETRY_FIRST_DELAY_MS;
    try {
      while (!this.closed) {
        const stream = await this.dialOnce();
        if (stream) return stream;
        await this.pause(delay);
        delay = Math.min(delay * 2, RETRY_MAX_DELAY_MS);
      }
      throw this.closedError();
    } finally {
      this.dialing = undefined;
    }
  }

  /** A registered stream, or undefined when worth another try. */
  private async dialOnce(): Promise<ChaincodeStream | undefined> {
    const target = { address: this.options.address, chaincodeId: this.options.chaincodeId };
    let stream: ChaincodeStream;
    try {
      stream = await ChaincodeStream.open(target, this.options.connectTimeoutMs, this);
    } catch (err) {
      // A chaincode that registers under another id will not change its mind.
      if (err instanceof ChaincodeIdMismatch) throw new ChaincodeUnavailableError({ ...target, message: err.message, cause: err });
      this.lastFailure = err instanceof Error ? err : new Error(String(err));
      return undefined;
    }
    if (this.closed) {
      stream.close();
      throw this.closedError();
    }
    this.current = stream;
    this.lastFailure = undefined;
    return stream;
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wakeRetry = resolve;
      setTimeout(resolve, ms).unref();
    });
  }

  private unavailable(txId: string | undefined): ChaincodeUnavailableError {
    const { address, chaincodeId, connectTimeoutMs } = this.options;
    const why = this.lastFailure ? `: ${this.lastFailure.message}` : '';
    return new ChaincodeUnavailableError({
      address,
      chaincodeId,
      txId,
      message: `chaincode ${chaincodeId} at ${address} did not register within ${connectTimeoutMs} ms${why}`,
      cause: this.lastFailure,
    });
  }

  private closedError(txId?: string): ChaincodeInvocationRejectedError {
    return new ChaincodeInvocationRejectedError({ address: this.options.address, chaincodeId: this.options.chaincodeId, txId, message: 'the chaincode runtime is closed' });
  }
}
