/** Which requests a fault hits: the IDoc inbound service, the delivery API, or both. */
export type FaultScope = 'idoc' | 'odata' | 'all';

export interface FaultSpec {
  /** HTTP status to answer. Default 503. Use 0 for "no error, only the delay"; a 3xx redirects to a logon page. */
  status?: number;
  /** Fail the next N requests in scope. */
  count?: number;
  /** Fail every request in scope for T seconds from now. */
  forSeconds?: number;
  /** Hold each affected request this long before answering (to provoke client timeouts). */
  delayMs?: number;
  /** Default 'all'. */
  scope?: FaultScope;
}

export interface ActiveFault {
  status: number;
  remaining?: number;
  until?: string;
  delayMs: number;
  scope: FaultScope;
}

/** What the server should do to one request under the current fault. */
export interface FaultDecision {
  delayMs: number;
  /** Status to answer instead of the real response; undefined = answer normally after the delay. */
  status?: number;
}

/** Injected failures: a count of requests or a time window, whichever was asked for. */
export class FaultPlan {
  private active: { status: number; remaining?: number; untilMs?: number; delayMs: number; scope: FaultScope } | undefined;

  set(spec: FaultSpec, now = Date.now()): ActiveFault {
    const status = spec.status ?? 503;
    if (!Number.isInteger(status) || (status !== 0 && (status < 300 || status > 599))) throw new RangeError('status must be 0 or 300..599');
    if (spec.count === undefined && spec.forSeconds === undefined) throw new RangeError('a fault needs count or forSeconds');
    if (spec.count !== undefined && (!Number.isInteger(spec.count) || spec.count < 1)) throw new RangeError('count must be a positive integer');
    if (spec.forSeconds !== undefined && !(spec.forSeconds > 0)) throw new RangeError('forSeconds must be positive');
    const delayMs = spec.delayMs ?? 0;
    if (!(delayMs >= 0)) throw new RangeError('delayMs must not be negative');
    const scope = spec.scope ?? 'all';
    if (!['idoc', 'odata', 'all'].includes(scope)) throw new RangeError('scope must be idoc, odata or all');
    this.active = {
      status,
      remaining: spec.count,
      untilMs: spec.forSeconds === undefined ? undefined : now + spec.forSeconds * 1000,
      delayMs,
      scope,
    };
    return this.describe() as ActiveFault;
  }

  clear(): void {
    this.active = undefined;
  }

  describe(now = Date.now()): ActiveFault | undefined {
    const fault = this.live(now);
    if (!fault) return undefined;
    return {
      status: fault.status,
      remaining: fault.remaining,
      until: fault.untilMs === undefined ? undefined : new Date(fault.untilMs).toISOString(),
      delayMs: fault.delayMs,
      scope: fault.scope,
    };
  }

  /** Consumes one request's worth of the fault, when the request is in scope. */
  take(scope: Exclude<FaultScope, 'all'>, now = Date.now()): FaultDecision | undefined {
    const fault = this.live(now);
    if (!fault || (fault.scope !== 'all' && fault.scope !== scope)) return undefined;
    if (fault.remaining !== undefined) fault.remaining--;
    return { delayMs: fault.delayMs, status: fault.status === 0 ? undefined : fault.status };
  }

  private live(now: number): FaultPlan['active'] {
    const fault = this.active;
    if (!fault) return undefined;
    if ((fault.remaining !== undefined && fault.remaining <= 0) || (fault.untilMs !== undefined && now >= fault.untilMs)) {
      this.active = undefined;
      return undefined;
    }
    return fault;
  }
}
