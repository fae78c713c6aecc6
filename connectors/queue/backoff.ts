/** Exponential backoff with full jitter: spreads retries of many workers after a common failure. */
export interface BackoffOptions {
  /** First delay in ms. Default 200. */
  initialMs: number;
  /** Upper bound of any delay in ms. Default 30,000. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 30_000 };

export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
