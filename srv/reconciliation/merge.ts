import type { ErpDelivery, LedgerShipment, ReceivedShipment, ShipmentState } from './state';

/**
 * Merge-join of the three sources by shipment id: each is read page by page in id order, so the
 * run holds a page of each at a time whatever the number of shipments. Ids compare as JavaScript
 * strings (code-unit order, the ledger's key order); a source out of that order is an error,
 * not a silent mismatch.
 */

export class SourceOrderError extends Error {
  constructor(source: string, previous: string, next: string) {
    super(`${source} returned shipment ${next} after ${previous}: it must be ordered by id (binary collation) for reconciliation`);
    this.name = 'SourceOrderError';
  }
}

class Cursor<T extends { shipmentId: string }> {
  #page: T[] = [];
  #at = 0;
  #last: string | undefined;
  #done = false;
  /** The next page, asked for as soon as the current one arrives: the sources read while the run compares. */
  #ahead: Promise<IteratorResult<T[]>> | undefined;

  constructor(private readonly name: string, private readonly pages: AsyncIterator<T[]>) {}

  /** The next item's id, or undefined at the end. */
  async peek(): Promise<string | undefined> {
    while (this.#at >= this.#page.length && !this.#done) {
      const next = await (this.#ahead ?? this.pages.next());
      this.#ahead = undefined;
      if (next.done) this.#done = true;
      else {
        this.#page = next.value;
        this.#at = 0;
        this.#ahead = this.pages.next();
        // A failure surfaces when the page is awaited; until then it must not count as unhandled.
        this.#ahead.catch(() => undefined);
      }
    }
    return this.#done && this.#at >= this.#page.length ? undefined : (this.#page[this.#at] as T).shipmentId;
  }

  /** Takes the next item when its id is `id`. */
  async takeIf(id: string): Promise<T | undefined> {
    if ((await this.peek()) !== id) return undefined;
    const item = this.#page[this.#at++] as T;
    if (this.#last !== undefined && item.shipmentId <= this.#last) throw new SourceOrderError(this.name, this.#last, item.shipmentId);
    this.#last = item.shipmentId;
    return item;
  }
}

export interface MergeSources {
  erp?: AsyncIterable<ErpDelivery[]>;
  received: AsyncIterable<ReceivedShipment[]>;
  ledger: AsyncIterable<LedgerShipment[]>;
  /** Whether a shipment id belongs to the SAP system compared against. */
  erpApplies(shipmentId: string): boolean;
}

function smallest(ids: (string | undefined)[]): string | undefined {
  let min: string | undefined;
  for (const id of ids) if (id !== undefined && (min === undefined || id < min)) min = id;
  return min;
}

/** States of every shipment any source knows, in id order, in batches of up to `batchSize`. */
export async function* mergeStates(sources: MergeSources, batchSize: number): AsyncGenerator<ShipmentState[]> {
  const empty = (async function* (): AsyncGenerator<ErpDelivery[]> {})();
  const erp = new Cursor('SAP delivery API', (sources.erp ?? empty)[Symbol.asyncIterator]());
  const received = new Cursor('Lading database', sources.received[Symbol.asyncIterator]());
  const ledger = new Cursor('ledger', sources.ledger[Symbol.asyncIterator]());
  let batch: ShipmentState[] = [];
  for (;;) {
    const id = smallest([await erp.peek(), await received.peek(), await ledger.peek()]);
    if (id === undefined) break;
    const state: ShipmentState = { shipmentId: id, erpApplies: sources.erp !== undefined && sources.erpApplies(id) };
    const fromErp = await erp.takeIf(id);
    const fromDb = await received.takeIf(id);
    const fromLedger = await ledger.takeIf(id);
    if (fromErp) state.erp = fromErp;
    if (fromDb) state.received = fromDb;
    if (fromLedger) state.ledger = fromLedger;
    batch.push(state);
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
