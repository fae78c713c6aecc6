/**
 * Listens to the chaincode's ShipmentEventsRecorded events, resuming from a checkpoint.
 *
 * Delivery is at-least-once: a notice's position is saved only when the consumer calls
 * `notice.checkpoint()` after handling it, so a crash in between replays that notice on restart.
 * A dropped stream is re-opened (with back-off) right after the last notice handed out.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaincodeEvent, ChaincodeEventsOptions, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import type { Checkpointer, LedgerCheckpoint } from './checkpointers';
import { decodeJson, isShipmentEventsRecorded } from './codec';
import type { LedgerConnection } from './connection';
import { LedgerUnavailableError, toLedgerError, type LedgerError } from './errors';
import type { ShipmentEventsRecorded } from './types';

/** Name of the chaincode event set by recordEvents. */
export const SHIPMENT_EVENTS_RECORDED = 'ShipmentEventsRecorded';

export interface ShipmentEventsNotice {
  blockNumber: bigint;
  transactionId: string;
  payload: ShipmentEventsRecorded;
  /** Saves this notice's position with the stream's checkpointer; call once it has been handled. */
  checkpoint(): Promise<void>;
}

export interface ShipmentEventsOptions {
  /** Where to resume and where checkpoints go. Default: none (nothing is saved). */
  checkpointer?: Checkpointer;
  /**
   * First block to read when the checkpointer holds nothing. Default: the next block committed,
   * which also means events committed while a drop is being repaired before the first notice are missed.
   */
  startBlock?: bigint;
  /** Re-opens of a dropped stream in a row before giving up with the last failure. Default 5. */
  reconnectAttempts?: number;
  /** First back-off before a re-open, doubled each time. Default 250 ms. */
  reconnectDelayMs?: number;
}

type StartPosition = { checkpoint: LedgerCheckpoint } | { startBlock: bigint } | { nextCommit: true };

/** Opens the stream at the checkpointer's position, else at `startBlock`, else at the next commit. */
export async function openShipmentEvents(
  connection: LedgerConnection,
  options: ShipmentEventsOptions = {},
): Promise<ShipmentEventStream> {
  const saved = await options.checkpointer?.load();
  const start: StartPosition =
    saved !== undefined ? { checkpoint: saved } : options.startBlock !== undefined ? { startBlock: options.startBlock } : { nextCommit: true };
  return new ShipmentEventStream(connection, start, options);
}

export class ShipmentEventStream implements AsyncIterable<ShipmentEventsNotice> {
  readonly #connection: LedgerConnection;
  readonly #checkpointer?: Checkpointer;
  readonly #attempts: number;
  readonly #delayMs: number;
  #position: StartPosition;
  #current?: CloseableAsyncIterable<ChaincodeEvent>;
  readonly #closed = new AbortController();

  constructor(connection: LedgerConnection, start: StartPosition, options: ShipmentEventsOptions) {
    this.#connection = connection;
    this.#checkpointer = options.checkpointer;
    this.#attempts = options.reconnectAttempts ?? 5;
    this.#delayMs = options.reconnectDelayMs ?? 250;
    this.#position = start;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ShipmentEventsNotice, void, undefined> {
    let failures = 0;
    while (!this.#closed.signal.aborted) {
      let drop: LedgerError;
      try {
        for await (const event of await this.#open()) {
          failures = 0;
          // Past this event whatever its name: a re-open must not deliver it again.
          this.#position = { checkpoint: { blockNumber: event.blockNumber, transactionId: event.transactionId } };
          if (event.eventName === SHIPMENT_EVENTS_RECORDED) yield this.#notice(event);
        }
        // The gateway never ends an events stream by itself: an end is a drop too.
        drop = new LedgerUnavailableError({ operation: 'events', message: 'The gateway ended the chaincode events stream', cause: undefined });
      } catch (err) {
        drop = toLedgerError(err, { operation: 'events' });
      } finally {
        this.#current?.close();
      }
      // close() cancels the gRPC call, which surfaces as an error: that is the normal end.
      if (this.#closed.signal.aborted) return;
      failures += 1;
      if (drop.retry === 'never' || failures > this.#attempts) throw drop;
      if (!(await this.#pause(this.#delayMs * 2 ** (failures - 1)))) return;
    }
  }

  /** Stops the stream; a pending iteration ends without error. */
  close(): void {
    this.#closed.abort();
    this.#current?.close();
  }

  /** Waits before a re-open; false when close() came first. */
  async #pause(ms: number): Promise<boolean> {
    try {
      await sleep(ms, undefined, { signal: this.#closed.signal });
      return true;
    } catch {
      return false;
    }
  }

  async #open(): Promise<CloseableAsyncIterable<ChaincodeEvent>> {
    const { network, config } = this.#connection;
    this.#current = await network.getChaincodeEvents(config.chaincode, clientOptions(this.#position));
    return this.#current;
  }

  #notice(event: ChaincodeEvent): ShipmentEventsNotice {
    const payload = decodeJson(event.payload, isShipmentEventsRecorded, SHIPMENT_EVENTS_RECORDED, event.transactionId);
    const position: LedgerCheckpoint = { blockNumber: event.blockNumber, transactionId: event.transactionId };
    const checkpointer = this.#checkpointer;
    return {
      blockNumber: event.blockNumber,
      transactionId: event.transactionId,
      payload,
      checkpoint: async () => {
        await checkpointer?.save(position);
      },
    };
  }
}

function clientOptions(position: StartPosition): ChaincodeEventsOptions {
  if ('checkpoint' in position) {
    const { blockNumber, transactionId } = position.checkpoint;
    return { checkpoint: { getBlockNumber: () => blockNumber, getTransactionId: () => transactionId } };
  }
  if ('startBlock' in position) return { startBlock: position.startBlock };
  return {};
}
