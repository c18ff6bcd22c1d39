import { Redis } from "ioredis";
import type { Context, Next } from "koa";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
import { redisOptions } from "../jobs/redis";
import { logger } from "../lib/logger";
import { clientIp } from "./auth";
import { AppError } from "./errors";

/**
 * Rate limits (rate-limiter-flexible): counts per key (a client address, a user name …) in a window, kept
 * in Redis when the deployment has one (every API process then sees the same counts) and in memory
 * otherwise. Built once per process (`deps.limits`); a limit is declared where it is used:
 *
 *   const limit = deps.limits.rateLimit({ name: "staff_login", points: 10, durationS: 600, key: (ctx) => clientIp(ctx) });
 *   router.post("/login", limit, handler);               // as middleware: every request counts
 *   await limit.consume(`user:${name}`);                 // or by hand: throws 429 RATE_LIMITED when over
 *
 * With `count`, the middleware first refuses a key that is already used up and counts a request only when
 * `count` says so after the handler ran (e.g. failed sign-ins, rejected callbacks), so well-behaved traffic
 * is never limited. A refused request answers 429 RATE_LIMITED (请求过于频繁，请稍后再试) with Retry-After.
 */
export interface RateLimitSpec {
  /** unique per limit; the store keeps each limit's counts apart under it */
  name: string;
  /** events allowed per key in one window */
  points: number;
  /** the window, seconds (it starts with a key's first event) */
  durationS: number;
  /** once used up, the key stays refused this long (default: until its window ends) */
  blockS?: number;
  /** the key a request counts under, e.g. `clientIp(ctx)`; null: this request is not limited */
  key(ctx: Context): string | null;
  /** which requests count, decided after the handler ran (`err`: what it threw, if anything); default: all */
  count?(ctx: Context, err: unknown): boolean;
}

/** 429 RATE_LIMITED with Retry-After (seconds until the key may try again) */
export class RateLimitedError extends AppError {
  constructor(readonly retryAfterS: number) {
    super("RATE_LIMITED", { retryAfterS });
    this.headers["Retry-After"] = String(retryAfterS);
  }
}

export interface RateLimiter {
  /** as Koa middleware (see RateLimitSpec.count) */
  (ctx: Context, next: Next): Promise<void>;
  readonly spec: RateLimitSpec;
  /** counts `points` events for `key`; throws RateLimitedError when that goes over the limit */
  consume(key: string, points?: number): Promise<void>;
  /** throws RateLimitedError when `key` has used up its points; counts nothing */
  check(key: string): Promise<void>;
  /** forgets `key`'s count (e.g. after a successful sign-in) */
  reset(key: string): Promise<void>;
}

export interface RateLimitsOptions {
  /** Redis for counts shared by every process; none: this process's memory */
  redisUrl?: string;
  /** Redis key prefix (the deployment's QUEUE_PREFIX) */
  prefix: string;
}

const retryAfter = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

/** The rate-limit store of a process and the limits declared on it (by name: one limiter per name). */
export class RateLimits {
  readonly store: "redis" | "memory";
  readonly #redisUrl: string | undefined;
  #redis: Redis | null = null;
  readonly #prefix: string;
  readonly #limiters = new Map<string, RateLimiter>();
  #lastStoreWarning = 0;

  constructor(opts: RateLimitsOptions) {
    this.#prefix = opts.prefix;
    this.#redisUrl = opts.redisUrl;
    this.store = opts.redisUrl ? "redis" : "memory";
  }

  /** the Redis connection, opened with the first limit (a worker process that declares none opens none) */
  #client(): Redis | null {
    if (!this.#redisUrl) return null;
    if (!this.#redis) {
      this.#redis = new Redis(redisOptions(this.#redisUrl, "producer"));
      // a Redis outage must not fail requests: the in-memory insurance limiter counts meanwhile
      this.#redis.on("error", (err: Error) => {
        if (Date.now() - this.#lastStoreWarning < 60_000) return;
        this.#lastStoreWarning = Date.now();
        logger.warn({ err: err.message }, "rate-limit store unavailable; counting in memory meanwhile");
      });
    }
    return this.#redis;
  }

  /** Declares a limit (or returns the one already declared under this name). */
  rateLimit(spec: RateLimitSpec): RateLimiter {
    const known = this.#limiters.get(spec.name);
    if (known) {
      const same = known.spec.points === spec.points && known.spec.durationS === spec.durationS;
      if (!same) throw new Error(`rate limit "${spec.name}" is declared twice with different numbers`);
      return known;
    }
    const limiter = this.#build(spec);
    this.#limiters.set(spec.name, limiter);
    return limiter;
  }

  async close(): Promise<void> {
    if (this.#redis && this.#redis.status !== "end") this.#redis.disconnect();
  }

  #build(spec: RateLimitSpec): RateLimiter {
    const options = {
      keyPrefix: `${this.#prefix}:rl:${spec.name}`,
      points: spec.points,
      duration: spec.durationS,
      blockDuration: spec.blockS ?? 0,
    };
    const memory = new RateLimiterMemory(options);
    const redis = this.#client();
    const store: RateLimiterAbstract = redis
      ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory })
      : memory;

    const consume = async (key: string, points = 1) => {
      try {
        await store.consume(key, points);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) throw new RateLimitedError(retryAfter(rejection));
        throw rejection;
      }
    };
    const check = async (key: string) => {
      const res = await store.get(key);
      if (res && res.consumedPoints >= spec.points && res.msBeforeNext > 0) {
        throw new RateLimitedError(retryAfter(res));
      }
    };
    const middleware = async (ctx: Context, next: Next) => {
      const key = spec.key(ctx);
      if (key === null) return next();
      if (!spec.count) {
        await consume(key);
        return next();
      }
      await check(key);
      let thrown: unknown;
      let failed = false;
      try {
        await next();
      } catch (err) {
        thrown = err;
        failed = true;
      }
      if (spec.count(ctx, thrown)) {
        // this request has its answer already: going over the limit refuses the next one
        await store
          .penalty(key, 1)
          .catch((err: unknown) => logger.warn({ err, limit: spec.name }, "rate limit not counted"));
      }
      if (failed) throw thrown;
    };
    return Object.assign(middleware, {
      spec,
      consume,
      check,
      reset: async (key: string) => {
        await store.delete(key);
      },
    });
  }
}

/** The process's rate-limit store: Redis when the deployment has one (JOBS_MODE=bullmq / REDIS_URL), else memory. */
export function createRateLimits(config: { jobs: { redisUrl?: string; prefix: string } }): RateLimits {
  return new RateLimits({ redisUrl: config.jobs.redisUrl, prefix: config.jobs.prefix });
}

/** marks the request as a rejected callback (unverified, unreadable, no such vendor): it counts against its sender */
export function markRejected(ctx: Context): void {
  ctx.state.callbackRejected = true;
}

declare module "koa" {
  interface DefaultState {
    /** set by a callback handler that refused what it received (see markRejected) */
    callbackRejected?: boolean;
  }
}

/**
 * Vendor callbacks (/api/v1/notify/*) are open to anyone. A client address whose callbacks were refused
 * `maxRejects` times in `windowS` (bad signature, too large, unknown vendor …) is refused with 429 before
 * its body is read or anything is stored, until the window ends. Verified callbacks never count, so the
 * vendors' own traffic is not limited. Mount before the body parser.
 */
export function callbackRejectLimit(
  limits: RateLimits,
  opts: { pathPrefix: string; maxRejects: number; windowS: number },
): RateLimiter {
  return limits.rateLimit({
    name: "callback_rejects",
    points: opts.maxRejects,
    durationS: opts.windowS,
    key: (ctx) => (ctx.path.startsWith(opts.pathPrefix) ? clientIp(ctx) : null),
    // refused by us (bad signature, too large …): a server failure (5xx) is not the sender's fault
    count: (ctx, err) => ctx.state.callbackRejected === true || (err instanceof AppError && err.status < 500),
  });
}
