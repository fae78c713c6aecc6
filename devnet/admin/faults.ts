/**
 * Injected faults, shared by the gateway, the orderer and the admin API. Counters are consumed
 * one event at a time; the commit delay and the refusal window are settings until changed.
 */

export interface FaultSettings {
  /** Fail the next N Endorse calls with ABORTED, as a failing endorser would. */
  failEndorsements?: number;
  /** Commit the next N transactions as MVCC_READ_CONFLICT (11). */
  mvccConflicts?: number;
  /** Wait this long before committing each block. */
  commitDelayMs?: number;
  /** Answer every gRPC call with UNAVAILABLE for this many seconds from now. */
  refuseSeconds?: number;
}

export interface FaultStatus {
  failEndorsements: number;
  mvccConflicts: number;
  commitDelayMs: number;
  /** ISO time until which calls are refused, or null. */
  refuseUntil: string | null;
}

function count(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer`);
  return value;
}

export class Faults {
  #failEndorsements = 0;
  #mvccConflicts = 0;
  #commitDelayMs = 0;
  #refuseUntil = 0;

  constructor(initial: FaultSettings = {}) {
    this.apply(initial);
  }

  /** Validates first, then applies, so a bad request changes nothing. */
  apply(settings: FaultSettings): void {
    const failEndorsements = count(settings.failEndorsements, 'failEndorsements');
    const mvccConflicts = count(settings.mvccConflicts, 'mvccConflicts');
    const commitDelayMs = count(settings.commitDelayMs, 'commitDelayMs');
    if (settings.refuseSeconds !== undefined && !(Number.isFinite(settings.refuseSeconds) && settings.refuseSeconds >= 0)) {
      throw new RangeError('refuseSeconds must be a non-negative number');
    }
    if (failEndorsements !== undefined) this.#failEndorsements = failEndorsements;
    if (mvccConflicts !== undefined) this.#mvccConflicts = mvccConflicts;
    if (commitDelayMs !== undefined) this.#commitDelayMs = commitDelayMs;
    if (settings.refuseSeconds !== undefined) this.#refuseUntil = settings.refuseSeconds > 0 ? Date.now() + settings.refuseSeconds * 1000 : 0;
  }

  clear(): void {
    this.#failEndorsements = 0;
    this.#mvccConflicts = 0;
    this.#commitDelayMs = 0;
    this.#refuseUntil = 0;
  }

  takeEndorseFailure(): boolean {
    if (this.#failEndorsements === 0) return false;
    this.#failEndorsements--;
    return true;
  }

  takeMvccConflict(): boolean {
    if (this.#mvccConflicts === 0) return false;
    this.#mvccConflicts--;
    return true;
  }

  get commitDelayMs(): number {
    return this.#commitDelayMs;
  }

  refusing(): boolean {
    return Date.now() < this.#refuseUntil;
  }

  status(): FaultStatus {
    return {
      failEndorsements: this.#failEndorsements,
      mvccConflicts: this.#mvccConflicts,
      commitDelayMs: this.#commitDelayMs,
      refuseUntil: this.refusing() ? new Date(this.#refuseUntil).toISOString() : null,
    };
  }
}
