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
  #page: readonly T[] = [];
  #at = 0;
  #last: string | undefined;
  #done = false;
  /** Pages asked for ahead of the one in use, oldest first: the sources read while the run compares. */
  readonly #ahead: Promise<IteratorResult<T[]>>[] = [];

  /** `readAhead`: pages asked for beyond the current one (at least 1); the first ones are asked for at once, all sources together. */
  constructor(private readonly name: string, private readonly pages: AsyncIterator<T[]>, private readonly readAhead: number) {
    this.#askAhead();
  }

  #askAhead(): void {
    while (this.#ahead.length < this.readAhead) {
      const ahead = this.pages.next();
      // A failure surfaces when the page is awaited; until then it must not count as unhandled.
      ahead.catch(() => undefined);
      this.#ahead.push(ahead);
    }
  }

  /** True while the current page has an item: `peek` and `take` need no await. */
  get ready(): boolean {
    return this.#at < this.#page.length || this.#done;
  }

  /** Moves to the next page with an item (or the end), keeping `readAhead` pages asked for. */
  async fill(): Promise<void> {
    while (this.#at >= this.#page.length && !this.#done) {
      const next = await (this.#ahead.shift() ?? this.pages.next());
      if (next.done) {
        this.#done = true;
        break;
      }
      this.#page = next.value;
      this.#at = 0;
      this.#askAhead();
    }
  }

  /** The next item's id, or undefined at the end; only after `fill`. */
  peek(): string | undefined {
    return this.#at < this.#page.length ? (this.#page[this.#at] as T).shipmentId : undefined;
  }

  /** Takes the next item when its id is `id`. */
  takeIf(id: string): T | undefined {
    if (this.peek() !== id) return undefined;
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

/** Pages read ahead of the one in use: the ledger's (the slowest source) two, the others one. */
const READ_AHEAD = { erp: 1, received: 1, ledger: 2 };

/** States of every shipment any source knows, in id order, in batches of up to `batchSize`. */
export async function* mergeStates(sources: MergeSources, batchSize: number): AsyncGenerator<ShipmentState[]> {
  const empty = (async function* (): AsyncGenerator<ErpDelivery[]> {})();
  const erp = new Cursor('SAP delivery API', (sources.erp ?? empty)[Symbol.asyncIterator](), READ_AHEAD.erp);
  const received = new Cursor('Lading database', sources.received[Symbol.asyncIterator](), READ_AHEAD.received);
  const ledger = new Cursor('ledger', sources.ledger[Symbol.asyncIterator](), READ_AHEAD.ledger);
  const withErp = sources.erp !== undefined;
  let batch: ShipmentState[] = [];
  for (;;) {
    // Awaits only where a page ran out: within pages the join is synchronous.
    if (!erp.ready) await erp.fill();
    if (!received.ready) await received.fill();
    if (!ledger.ready) await ledger.fill();
    const fromErpId = erp.peek();
    const fromDbId = received.peek();
    const fromLedgerId = ledger.peek();
    let id = fromErpId;
    if (fromDbId !== undefined && (id === undefined || fromDbId < id)) id = fromDbId;
    if (fromLedgerId !== undefined && (id === undefined || fromLedgerId < id)) id = fromLedgerId;
    if (id === undefined) break;
    const state: ShipmentState = { shipmentId: id, erpApplies: withErp && sources.erpApplies(id) };
    const fromErp = erp.takeIf(id);
    const fromDb = received.takeIf(id);
    const fromLedger = ledger.takeIf(id);
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
