import type { ChaincodeStream } from './chaincode-stream';
import type { QueryCursor } from './query-cursors';
import { TransactionRules } from './transaction-rules';
import type { ChaincodeResult, TxSimulator } from './types';

/** What the runtime tracks for one running transaction, keyed by channel + txid. */
export class RunningTransaction {
  readonly rules: TransactionRules;
  readonly cursors = new Map<string, QueryCursor>();
  readonly completion: Promise<ChaincodeResult>;
  /** The stream TRANSACTION went out on: only its answers count, and its loss fails the transaction. */
  sentOn: ChaincodeStream | undefined;
  private settle!: { resolve: (result: ChaincodeResult) => void; reject: (err: Error) => void };
  private queue: Promise<void> = Promise.resolve();
  private settled = false;

  constructor(
    readonly channelId: string,
    readonly txId: string,
    readonly simulator: TxSimulator,
    /** Chaincode name from the proposal: the namespace reported in range results. */
    readonly namespace: string,
    isInit: boolean,
  ) {
    this.rules = new TransactionRules(txId, isInit);
    this.completion = new Promise<ChaincodeResult>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // A transaction can fail (runtime closed) before execute() awaits it: no unhandled rejection.
    this.completion.catch(() => undefined);
  }

  get isSettled(): boolean {
    return this.settled;
  }

  /**
   * Runs chaincode requests of this transaction one after another. The shim already waits for
   * each answer, but a queue keeps the simulator safe should a chaincode not. `work` answers
   * its own failures (ERROR to the chaincode), so the catch only keeps the chain alive.
   */
  serialize(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch(() => undefined);
  }

  complete(result: ChaincodeResult): void {
    if (this.settled) return;
    this.settled = true;
    this.cursors.clear();
    this.settle.resolve(result);
  }

  fail(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.cursors.clear();
    this.settle.reject(err);
  }
}
