import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis, type Cluster, type RedisOptions } from 'ioredis';

/**
 * One holder at a time across Lading instances for work that must not run twice (the ledger
 * listener, periodic sweeps): a Redis key set with NX and a lease (PX), holding a random token.
 * The holder renews the lease every `renewEveryMs`; renewal and release compare the token first
 * (Lua), so an instance whose lease already passed to another can neither extend nor delete it.
 * When the holder dies, its lease runs out and another contender takes over within `leaseMs` plus
 * one `retryEveryMs`. A holder that cannot renew (Redis unreachable, token gone) gives the role up
 * before its lease could have passed to anyone else, so two holders never act at once as long as
 * the instances' clocks advance at the same rate.
 */

export interface LeadershipOptions {
  /** The role's name; the key is `<prefix>:leader:<name>`. */
  name: string;
  /** ioredis options of a standalone or Sentinel Redis, or a Cluster client (not closed by stop()). */
  connection: RedisOptions | Cluster;
  /** Key prefix, as the queues'. Default 'lading'. With a Redis Cluster give `{lading}`. */
  prefix?: string;
  /** How long the lease lasts without renewal, ms. Default 5,000. */
  leaseMs?: number;
  /** How often the holder renews, ms. Default a third of the lease. */
  renewEveryMs?: number;
  /** How often a contender tries to take the role, ms. Default a fifth of the lease. */
  retryEveryMs?: number;
  /** Called on taking the role; should return quickly (renewal waits for it), starting the work rather than doing it. */
  onAcquired(): Promise<void> | void;
  /** Called on losing or releasing the role; nothing of the role may run after it resolves. */
  onLost(reason: LostReason): Promise<void> | void;
  /** Errors of Redis or of the callbacks. Default: ignored (the loop goes on). */
  onError?(error: Error): void;
}

/** Why the role ended: released by stop(), taken by another (lease passed), or not renewable in time. */
export type LostReason = 'released' | 'taken' | 'unreachable';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

type RedisClient = Redis | Cluster;

export class Leadership {
  readonly key: string;
  /** This contender's token, the value of the key while it holds the role: `<host>/<pid>/<uuid>`, so operators see who holds it. */
  readonly token = `${hostname()}/${process.pid}/${randomUUID()}`;
  readonly #options: Required<Omit<LeadershipOptions, 'connection' | 'onError'>> & Pick<LeadershipOptions, 'onError'>;
  readonly #redis: RedisClient;
  readonly #ownsClient: boolean;
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> | undefined;
  #running = false;
  #leader = false;
  /** When the lease we hold runs out at the latest, by our clock (taken before the command was sent). */
  #leaseEnds = 0;

  constructor(options: LeadershipOptions) {
    const leaseMs = options.leaseMs ?? 5_000;
    if (!Number.isSafeInteger(leaseMs) || leaseMs < 100) throw new RangeError(`leaseMs must be a whole number of at least 100, got ${leaseMs}`);
    const renewEveryMs = options.renewEveryMs ?? Math.floor(leaseMs / 3);
    if (renewEveryMs <= 0 || renewEveryMs >= leaseMs / 2) throw new RangeError(`renewEveryMs must be above 0 and below half the lease (${leaseMs / 2}), got ${renewEveryMs}`);
    this.#options = {
      name: options.name, prefix: options.prefix ?? 'lading', leaseMs, renewEveryMs, retryEveryMs: options.retryEveryMs ?? Math.floor(leaseMs / 5),
      onAcquired: options.onAcquired, onLost: options.onLost, onError: options.onError,
    };
    this.key = `${this.#options.prefix}:leader:${options.name}`;
    const connection = options.connection;
    this.#ownsClient = !isCluster(connection);
    // Commands fail fast while Redis is away, so a holder notices in time to give the role up.
    this.#redis = isCluster(connection) ? connection : new Redis({
      ...connection, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true, commandTimeout: Math.max(50, Math.floor(renewEveryMs / 2)),
    });
    this.#redis.on('error', () => undefined); // reported through failed commands
  }

  /**
   * Whether this contender holds the role now: also false once the last sure lease has run out by
   * this process's clock, e.g. right after the process was paused for longer than the lease.
   */
  get isLeader(): boolean {
    return this.#leader && Date.now() < this.#leaseEnds;
  }

  /** Starts contending; resolves after the first attempt (so a lone instance is leader at once). */
  async start(): Promise<this> {
    if (this.#running) return this;
    this.#running = true;
    if (this.#redis instanceof Redis && this.#redis.status === 'wait') await this.#redis.connect().catch((error: Error) => this.#report(error));
    await this.#step();
    return this;
  }

  /** Stops contending; a holder stops its work (onLost 'released') and deletes the key so another takes over at once. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#tick;
    if (this.#leader) {
      await this.#lose('released');
      await this.#redis.eval(RELEASE, 1, this.key, this.token).catch((error: Error) => this.#report(error));
    }
    if (this.#ownsClient) this.#redis.disconnect();
  }

  /** Who holds the role now (its token), if anyone. */
  async holder(): Promise<string | undefined> {
    return (await this.#redis.get(this.key)) ?? undefined;
  }

  #step(): Promise<void> {
    this.#tick = (this.#leader ? this.#renew() : this.#acquire()).finally(() => {
      if (this.#running) this.#timer = setTimeout(() => void this.#step(), this.#leader ? this.#options.renewEveryMs : this.#options.retryEveryMs);
    });
    return this.#tick;
  }

  async #acquire(): Promise<void> {
    const sentAt = Date.now();
    let taken: string | null;
    try {
      taken = await this.#redis.set(this.key, this.token, 'PX', this.#options.leaseMs, 'NX');
    } catch (error) {
      this.#report(error as Error);
      return;
    }
    if (taken !== 'OK' || !this.#running) {
      if (taken === 'OK') await this.#redis.eval(RELEASE, 1, this.key, this.token).catch((error: Error) => this.#report(error));
      return;
    }
    this.#leader = true;
    this.#leaseEnds = sentAt + this.#options.leaseMs;
    try {
      await this.#options.onAcquired();
    } catch (error) {
      // Work that cannot start is not held: give the role to someone who may do better.
      this.#report(error as Error);
      await this.#lose('released');
      await this.#redis.eval(RELEASE, 1, this.key, this.token).catch((releaseError: Error) => this.#report(releaseError));
    }
  }

  async #renew(): Promise<void> {
    const sentAt = Date.now();
    try {
      const renewed = await this.#redis.eval(RENEW, 1, this.key, this.token, String(this.#options.leaseMs));
      if (renewed === 1) {
        this.#leaseEnds = sentAt + this.#options.leaseMs;
        return;
      }
      await this.#lose('taken');
    } catch (error) {
      this.#report(error as Error);
      // Unsure whether the lease was extended: keep the role only while the last sure lease lasts,
      // leaving one renewal interval to stop the work before anyone else may take it.
      if (Date.now() + this.#options.renewEveryMs >= this.#leaseEnds) await this.#lose('unreachable');
    }
  }

  async #lose(reason: LostReason): Promise<void> {
    if (!this.#leader) return;
    this.#leader = false;
    try {
      await this.#options.onLost(reason);
    } catch (error) {
      this.#report(error as Error);
    }
  }

  #report(error: Error): void {
    this.#options.onError?.(error);
  }
}

function isCluster(connection: RedisOptions | Cluster): connection is Cluster {
  return typeof (connection as Cluster).nodes === 'function' && typeof (connection as Cluster).eval === 'function';
}
