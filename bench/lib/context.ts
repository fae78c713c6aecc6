/** What every benchmark module gets from the runner. */
export interface BenchContext {
  /** `--quick`: smaller counts and shorter rounds (whole run within 2 minutes). */
  quick: boolean;
  /** `--profile`: child processes under test write V8 CPU profiles to resultsDir/<benchmark>-cpu/. */
  profile: boolean;
  /** Directory for results and CPU profiles (bench/results). */
  resultsDir: string;
  /** Writes one progress line to stderr. */
  log(message: string): void;
}

export type Benchmark = (context: BenchContext) => Promise<import('./result').Measurement[]>;
