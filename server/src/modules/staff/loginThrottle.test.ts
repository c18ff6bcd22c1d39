import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { AppError } from "../../http/errors";
import { RateLimits } from "../../http/rateLimit";
import { StaffLoginThrottle } from "./loginThrottle";

const auth = (env: Record<string, string> = {}) =>
  loadConfig({ WARMLINE_DEV: "true", NODE_ENV: "test", STAFF_LOGIN_DELAY_S: "1", ...env }).auth;

/** the wait the throttle asks for now, in seconds; 0 when it lets the attempt through */
async function waitS(t: StaffLoginThrottle, ip: string, name: string): Promise<number> {
  try {
    await t.check(ip, name);
    return 0;
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== "STAFF_LOGIN_THROTTLED") throw err;
    expect(err.status).toBe(429);
    return Number(err.headers["Retry-After"]);
  }
}

const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000 + 30));

let limits: RateLimits;
afterEach(async () => limits?.close());

describe("staff sign-in throttle (memory store)", () => {
  it("lets STAFF_LOGIN_FREE_FAILURES through, then the waits grow: 1 s, 1 s, 2 s, 4 s", async () => {
    limits = new RateLimits({ prefix: "t1" });
    const t = new StaffLoginThrottle(limits, auth());
    for (let i = 0; i < 3; i++) {
      expect(await waitS(t, "10.0.0.1", "admin")).toBe(0);
      await t.failed("10.0.0.1", "admin");
    }
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const w = await waitS(t, "10.0.0.1", "admin");
      expect(w).toBeGreaterThan(0);
      waits.push(w);
      if (waits.length === 4) break;
      await sleep(w);
      expect(await waitS(t, "10.0.0.1", "admin")).toBe(0);
      await t.failed("10.0.0.1", "admin");
    }
    expect(waits).toEqual([1, 1, 2, 4]);
  }, 20_000);

  it("counts a name the same whatever its case or spaces, and not for another address or name", async () => {
    limits = new RateLimits({ prefix: "t2" });
    const t = new StaffLoginThrottle(limits, auth({ STAFF_LOGIN_DELAY_S: "30" }));
    for (const name of ["Admin", " admin", "ADMIN "]) await t.failed("10.0.0.2", name);
    expect(await waitS(t, "10.0.0.2", "admin")).toBeGreaterThan(0);
    expect(await waitS(t, "10.0.0.3", "admin")).toBe(0);
    expect(await waitS(t, "10.0.0.2", "cashier")).toBe(0);
  });

  it("a success clears the waits of that address and name", async () => {
    limits = new RateLimits({ prefix: "t3" });
    const t = new StaffLoginThrottle(limits, auth({ STAFF_LOGIN_DELAY_S: "30" }));
    for (let i = 0; i < 3; i++) await t.failed("10.0.0.4", "cashier");
    expect(await waitS(t, "10.0.0.4", "cashier")).toBeGreaterThan(0);
    await t.succeeded("10.0.0.4", "cashier");
    expect(await waitS(t, "10.0.0.4", "cashier")).toBe(0);
  });

  it("an address with STAFF_LOGIN_IP_MAX_FAILURES failures over any names waits, for the lock's length at most", async () => {
    limits = new RateLimits({ prefix: "t4" });
    const t = new StaffLoginThrottle(limits, auth({ STAFF_LOGIN_IP_MAX_FAILURES: "5", STAFF_LOCK_MINUTES: "15" }));
    for (let i = 0; i < 5; i++) await t.failed("10.0.0.5", `user${i}`);
    const w = await waitS(t, "10.0.0.5", "someone_else");
    expect(w).toBeGreaterThan(0);
    expect(w).toBeLessThanOrEqual(15 * 60);
  });
});
