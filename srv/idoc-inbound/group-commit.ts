/**
 * Group commit: writes that arrive while a transaction is in flight wait for it and then go to
 * the database together, in one transaction. SQLite has one writer and every CAP statement costs
 * the same whether it carries one row or a hundred, so under a burst from SAP this turns
 * ~15 statements per IDoc into ~15 per batch; a lone IDoc is written at once, as before.
 */

/** A batch writer answers one result or one error per item, in the items' order. */
export type BatchWrite<Item, Result> = (items: Item[]) => Promise<Array<Result | Error>>;

interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<Item, Result> {
  readonly #write: BatchWrite<Item, Result>;
  readonly #maxBatch: number;
  #waiting: Waiting<Item, Result>[] = [];
  #draining = false;

  constructor(write: BatchWrite<Item, Result>, options: { maxBatch: number }) {
    this.#write = write;
    this.#maxBatch = Math.max(1, options.maxBatch);
  }

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      if (!this.#draining) {
        this.#draining = true;
        // One turn of the event loop lets the requests already read join the first batch.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting.splice(0, this.#maxBatch);
        try {
          const results = await this.#write(batch.map((waiting) => waiting.item));
          batch.forEach((waiting, index) => {
            const result = results[index];
            if (result instanceof Error) waiting.reject(result);
            else if (result === undefined) waiting.reject(new Error('The batch writer gave no result for this item'));
            else waiting.resolve(result);
          });
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.#draining = false;
    }
  }
}
