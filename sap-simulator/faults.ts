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
  /**
   * Lose the answer instead of refusing the request: the IDoc POST is processed as usual (its
   * IDocs are stored), then `status` goes out in place of SAP's answer, or with status 0 the
   * connection is cut without any answer. Only IDoc POSTs are hit (token fetches pass); needs
   * scope 'idoc'. Default false.
   */
  lostAnswer?: boolean;
}

export interface ActiveFault {
  status: number;
  remaining?: number;
  until?: string;
  delayMs: number;
  scope: FaultScope;
  lostAnswer: boolean;
}

/** What the server should do to one request under the current fault. */
export interface FaultDecision {
  delayMs: number;
  /** Status to answer instead of the real response; undefined = answer normally after the delay (or, losing the answer, cut the connection). */
  status?: number;
  /** Process the request first, then answer `status` (or nothing) in place of the real answer. */
  lostAnswer: boolean;
}

/** Injected failures: a count of requests or a time window, whichever was asked for. */
export class FaultPlan {
  private active: { status: number; remaining?: number; untilMs?: number; delayMs: number; scope: FaultScope; lostAnswer: boolean } | undefined;

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
    const lostAnswer = spec.lostAnswer ?? false;
    if (typeof lostAnswer !== 'boolean') throw new RangeError('lostAnswer must be true or false');
    if (lostAnswer && scope !== 'idoc') throw new RangeError('lostAnswer needs scope idoc');
    this.active = {
      status,
      remaining: spec.count,
      untilMs: spec.forSeconds === undefined ? undefined : now + spec.forSeconds * 1000,
      delayMs,
      scope,
      lostAnswer,
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
      lostAnswer: fault.lostAnswer,
    };
  }

  /** Consumes one request's worth of the fault, when the request is in scope (an IDoc POST, for a lost answer). */
  take(scope: Exclude<FaultScope, 'all'>, request: { idocPost: boolean } = { idocPost: false }, now = Date.now()): FaultDecision | undefined {
    const fault = this.live(now);
    if (!fault || (fault.scope !== 'all' && fault.scope !== scope)) return undefined;
    if (fault.lostAnswer && !request.idocPost) return undefined;
    if (fault.remaining !== undefined) fault.remaining--;
    return { delayMs: fault.delayMs, status: fault.status === 0 ? undefined : fault.status, lostAnswer: fault.lostAnswer };
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
