import http from "node:http";
import type { AddressInfo } from "node:net";
import Koa from "koa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorHandler } from "./errors";
import { callbackRejectLimit, markRejected, RateLimitedError, RateLimits } from "./rateLimit";

const limits = new RateLimits({ prefix: `unit_${process.pid}` });
let server: http.Server;
let base = "";

beforeAll(async () => {
  const app = new Koa();
  app.use(errorHandler);
  app.use(callbackRejectLimit(limits, { pathPrefix: "/notify/", maxRejects: 3, windowS: 60 }));
  const everyRequest = limits.rateLimit({ name: "every", points: 2, durationS: 60, key: () => "all" });
  app.use(async (ctx, next) => {
    if (ctx.path === "/limited") {
      return everyRequest(ctx, async () => {
        ctx.body = "ok";
      });
    }
    if (ctx.path === "/notify/bad") {
      markRejected(ctx);
      ctx.status = 400;
      ctx.body = "fail";
      return;
    }
    if (ctx.path === "/notify/good") {
      ctx.body = "success";
      return;
    }
    if (ctx.path === "/notify/broken") throw new Error("database down");
    return next();
  });
  server = http.createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await limits.close();
});

describe("rate limits", () => {
  it("as middleware counts every request and answers 429 RATE_LIMITED in Chinese with Retry-After", async () => {
    expect((await fetch(`${base}/limited`)).status).toBe(200);
    expect((await fetch(`${base}/limited`)).status).toBe(200);
    const refused = await fetch(`${base}/limited`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(await refused.json()).toMatchObject({
      error: { code: "RATE_LIMITED", message: "请求过于频繁，请稍后再试" },
    });
  });

  it("counts only rejected callbacks: a refused address gets 429 before its handler runs; good ones never count", async () => {
    for (let i = 0; i < 5; i++) expect((await fetch(`${base}/notify/good`, { method: "POST" })).status).toBe(200);
    // a server failure is not the sender's fault: it does not count
    expect((await fetch(`${base}/notify/broken`, { method: "POST" })).status).toBe(500);
    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/notify/bad`, { method: "POST" })).status).toBe(400);
    const refused = await fetch(`${base}/notify/good`, { method: "POST" });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    // other paths are not limited by it
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
  });

  it("has a programmatic consume, check and reset for other limits (sign-in, binding, uploads)", async () => {
    const login = limits.rateLimit({ name: "login", points: 2, durationS: 60, key: () => null });
    await login.consume("user:a");
    await login.check("user:a");
    await login.consume("user:a");
    await expect(login.check("user:a")).rejects.toBeInstanceOf(RateLimitedError);
    const err = await login.consume("user:a").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).status).toBe(429);
    expect((err as RateLimitedError).headers["Retry-After"]).toMatch(/^\d+$/);
    await login.consume("user:b"); // keys are counted apart
    await login.reset("user:a");
    await login.consume("user:a");
    // one limiter per name; the same name with other numbers is a programming error
    expect(limits.rateLimit({ name: "login", points: 2, durationS: 60, key: () => null })).toBe(login);
    expect(() => limits.rateLimit({ name: "login", points: 5, durationS: 60, key: () => null })).toThrow(/twice/);
  });

  it("keeps counting in memory while Redis is unreachable, without failing or hanging requests", async () => {
    const down = new RateLimits({ redisUrl: "redis://127.0.0.1:1", prefix: `unit_down_${process.pid}` });
    try {
      expect(down.store).toBe("redis");
      const limit = down.rateLimit({ name: "down", points: 2, durationS: 60, key: () => null });
      const started = Date.now();
      await limit.consume("k");
      await limit.consume("k");
      await expect(limit.consume("k")).rejects.toBeInstanceOf(RateLimitedError);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await down.close();
    }
  });
});
