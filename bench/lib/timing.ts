/** Timing helpers: monotonic clocks, percentiles, duration-bounded loops. */

/** Nanoseconds since an arbitrary origin (process.hrtime.bigint). */
export function nowNs(): bigint {
  return process.hrtime.bigint();
}

/** Milliseconds elapsed since `startNs`. */
export function elapsedMs(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e6;
}

/** The p-th percentile (0..100) of `values` by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `work` (one unit each call) repeatedly for at least `durationMs` and returns units per
 * second. The clock is read every `checkEvery` calls so that reading it costs nothing measurable.
 */
export function throughputFor(work: () => void, durationMs: number, checkEvery = 64): { perSecond: number; units: number; ms: number } {
  const start = nowNs();
  let units = 0;
  for (;;) {
    for (let i = 0; i < checkEvery; i++) work();
    units += checkEvery;
    const ms = elapsedMs(start);
    if (ms >= durationMs) return { perSecond: (units * 1000) / ms, units, ms };
  }
}

/** Polls `probe` until it returns a value other than undefined, or throws naming `what`. */
export async function waitUntil<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
