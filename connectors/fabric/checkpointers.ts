/**
 * Where an event listener resumes after a restart. The interface is async and minimal so that
 * Lading can later keep checkpoints in its own database, in the same transaction as the effect.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A position in the chain: resume in `blockNumber`, after `transactionId` when given (that
 * transaction's events were handled), else from the start of the block.
 */
export interface LedgerCheckpoint {
  blockNumber: bigint;
  transactionId?: string;
}

export interface Checkpointer {
  /** The last saved position, or undefined when nothing was saved yet. */
  load(): Promise<LedgerCheckpoint | undefined>;
  /** Persists the position; must be durable when the promise resolves. */
  save(checkpoint: LedgerCheckpoint): Promise<void>;
}

interface StoredCheckpoint {
  blockNumber: string;
  transactionId?: string;
}

/** A checkpoint in a JSON file, replaced atomically (write then rename) so a crash never leaves half a file. */
export function fileCheckpointer(path: string): Checkpointer {
  return {
    async load(): Promise<LedgerCheckpoint | undefined> {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      return parseStored(JSON.parse(text) as unknown, path);
    },
    async save(checkpoint: LedgerCheckpoint): Promise<void> {
      const stored: StoredCheckpoint = { blockNumber: checkpoint.blockNumber.toString(), transactionId: checkpoint.transactionId };
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${randomUUID()}.tmp`;
      await writeFile(temporary, JSON.stringify(stored), { flush: true });
      await rename(temporary, path);
    },
  };
}

/** A checkpoint held in memory: for tests and for listeners that may replay from their start. */
export function memoryCheckpointer(initial?: LedgerCheckpoint): Checkpointer {
  let current = initial;
  return {
    load: () => Promise.resolve(current),
    save: (checkpoint) => {
      current = { ...checkpoint };
      return Promise.resolve();
    },
  };
}

function parseStored(value: unknown, path: string): LedgerCheckpoint {
  if (typeof value !== 'object' || value === null || !('blockNumber' in value) || typeof value.blockNumber !== 'string') {
    throw new Error(`Checkpoint file ${path} has no blockNumber`);
  }
  const transactionId = 'transactionId' in value && typeof value.transactionId === 'string' ? value.transactionId : undefined;
  return { blockNumber: BigInt(value.blockNumber), transactionId };
}
