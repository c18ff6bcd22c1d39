import type { Config } from "../../config";
import { AppError } from "../../http/errors";
import { type RateLimiter, RateLimitedError, type RateLimits } from "../../http/rateLimit";

/**
 * Throttling of failed staff sign-ins, before any account is locked, the same for user names that exist
 * and names that do not (the key is the name as typed, so the answers cannot tell them apart):
 *  - per (client address, user name): STAFF_LOGIN_FREE_FAILURES failures are free; then each further
 *    failure must wait longer — a ladder of windows that double from STAFF_LOGIN_DELAY_S up to
 *    STAFF_LOCK_MINUTES (step k allows free + k failures per delay·2^k seconds). A success clears it.
 *  - per client address (any name): STAFF_LOGIN_IP_MAX_FAILURES failures per STAFF_LOCK_MINUTES.
 * Counts live in the rate-limit store (Redis when deployed with it), so every API process sees them.
 */
export class StaffLoginThrottle {
  readonly #steps: RateLimiter[] = [];
  readonly #perIp: RateLimiter;

  constructor(limits: RateLimits, cfg: Config["auth"]) {
    const lockS = cfg.staffLockMinutes * 60;
    for (let k = 0; ; k++) {
      const windowS = Math.min(cfg.staffLoginDelayS * 2 ** k, lockS);
      this.#steps.push(
        limits.rateLimit({
          name: `staff_login_fail_${k}`,
          points: cfg.staffLoginFreeFailures + k,
          durationS: windowS,
          key: () => null,
        }),
      );
      if (windowS >= lockS) break;
    }
    this.#perIp = limits.rateLimit({
      name: "staff_login_fail_ip",
      points: cfg.staffLoginIpMaxFailures,
      durationS: lockS,
      key: () => null,
    });
  }

  /** STAFF_LOGIN_THROTTLED (429, Retry-After) while this address, or this address with this name, must wait */
  async check(ip: string, username: string): Promise<void> {
    const key = keyOf(ip, username);
    const results = await Promise.allSettled([this.#perIp.check(ip), ...this.#steps.map((s) => s.check(key))]);
    let waitS = 0;
    for (const r of results) {
      if (r.status === "fulfilled") continue;
      if (!(r.reason instanceof RateLimitedError)) throw r.reason;
      waitS = Math.max(waitS, r.reason.retryAfterS);
    }
    if (waitS > 0) {
      const err = new AppError("STAFF_LOGIN_THROTTLED", { retryAfterS: waitS });
      err.headers["Retry-After"] = String(waitS);
      throw err;
    }
  }

  /** counts a failed sign-in (its own answer is already decided; the next attempt may have to wait) */
  async failed(ip: string, username: string): Promise<void> {
    const key = keyOf(ip, username);
    const results = await Promise.allSettled([this.#perIp.consume(ip), ...this.#steps.map((s) => s.consume(key))]);
    for (const r of results) {
      if (r.status === "rejected" && !(r.reason instanceof RateLimitedError)) throw r.reason;
    }
  }

  /** a successful sign-in clears the waits of this address with this name */
  async succeeded(ip: string, username: string): Promise<void> {
    const key = keyOf(ip, username);
    await Promise.all(this.#steps.map((s) => s.reset(key)));
  }
}

const keyOf = (ip: string, username: string) => `${ip}|${username.trim().toLowerCase()}`;
