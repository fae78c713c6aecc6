import type { BenchContext } from './lib/context';
import type { Measurement } from './lib/result';

export async function run(_context: BenchContext): Promise<Measurement[]> {
  throw new Error('not written yet');
}
