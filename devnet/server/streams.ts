/**
 * Open event streams (ChaincodeEvents, Deliver), so that a fault or shutdown can end them all
 * with a status the client sees, the way a peer going away would.
 */
import type { GatewayRpcError } from '../protocol/errors';

type Dropper = (error: GatewayRpcError) => void;

export class StreamRegistry {
  readonly #open = new Set<Dropper>();

  /** Registers a stream; returns the function that unregisters it. */
  add(drop: Dropper): () => void {
    this.#open.add(drop);
    return () => this.#open.delete(drop);
  }

  get size(): number {
    return this.#open.size;
  }

  /** Ends every open stream with the error; returns how many there were. */
  dropAll(error: GatewayRpcError): number {
    const streams = [...this.#open];
    this.#open.clear();
    for (const drop of streams) drop(error);
    return streams.length;
  }
}
