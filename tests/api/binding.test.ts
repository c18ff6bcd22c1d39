import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BindAttempt } from "@warmline/server/src/modules/accounts";
import { bindByName, seedSmallCounty } from "../support/county";
import { client, type Res, residentLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;

beforeAll(async () => {
  srv = await startTestServer();
  county = await seedSmallCounty(srv.deps);
});
afterAll(async () => srv?.close());

describe("resident account binding", () => {
  it("answers 401 without a token", async () => {
    const res = await client(srv.url).get("/api/v1/me/accounts");
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHENTICATED");
    expect(res.body.error.message).toMatch(/登录/);
  });

  it("binds with 户号 + owner name, lists it, and notifies through the job queue", async () => {
    const me = await residentLogin(srv.url, { nickname: "甲" });
    const h = county.households[0];
    const res = await bindByName(me.api, h);
    expect(res.status).toBe(201);
    expect(res.body.accountNo).toBe(h.account.accountNo);
    expect(res.body.ownerNameMasked).toBe("王*国");
    expect(res.body.phoneMasked).toBe("138********"); // never the phone tail: it is a binding factor

    const list = await me.api.get("/api/v1/me/accounts");
    expect(list.body.items.map((a: { id: number }) => a.id)).toEqual([h.account.id]);

    const note = await until(async () => {
      const n = await me.api.get("/api/v1/me/notifications");
      return n.body.items.find((x: { kind: string }) => x.kind === "account_bound");
    });
    expect(note.title).toBe("户号绑定成功");
    expect(note.body).toContain(h.account.accountNo);

    const again = await bindByName(me.api, h);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("ALREADY_BOUND");
  });

  it("accepts the phone tail and the ID tail as second factors; several accounts per resident", async () => {
    const me = await residentLogin(srv.url);
    const [a, b] = [county.households[1], county.households[2]];
    const r1 = await me.api.post("/api/v1/me/accounts", {
      accountNo: a.account.accountNo,
      factor: "phone_tail",
      value: a.phone.slice(-4),
    });
    expect(r1.status).toBe(201);
    const r2 = await me.api.post("/api/v1/me/accounts", {
      accountNo: b.account.accountNo,
      factor: "id_tail",
      value: b.idNumber.slice(-6).toLowerCase(),
    });
    expect(r2.status).toBe(201);
    const list = await me.api.get("/api/v1/me/accounts");
    expect(list.body.items).toHaveLength(2);
  });

  it("answers 404 for another resident's account exactly as for a missing one", async () => {
    const owner = await residentLogin(srv.url);
    const stranger = await residentLogin(srv.url);
    const h = county.households[0];
    await bindByName(owner.api, h);

    const foreign = await stranger.api.get(`/api/v1/me/accounts/${h.account.id}`);
    const missing = await stranger.api.get("/api/v1/me/accounts/99999999");
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    expect(foreign.body.error.code).toBe("ACCOUNT_NOT_FOUND");

    const del = await stranger.api.delete(`/api/v1/me/accounts/${h.account.id}`);
    expect(del.status).toBe(404);
    const mine = await owner.api.get(`/api/v1/me/accounts/${h.account.id}`);
    expect(mine.status).toBe(200);
  });

  it("unbinds, then the account is gone for that resident and can be bound again", async () => {
    const me = await residentLogin(srv.url);
    const h = county.households[1];
    const bound = await bindByName(me.api, h);
    expect(bound.status).toBe(201);
    expect((await me.api.delete(`/api/v1/me/accounts/${h.account.id}`)).status).toBe(204);
    expect((await me.api.get(`/api/v1/me/accounts/${h.account.id}`)).status).toBe(404);
    expect((await me.api.delete(`/api/v1/me/accounts/${h.account.id}`)).status).toBe(404);
    const rebound = await bindByName(me.api, h);
    expect(rebound.status).toBe(201);
  });

  it("rejects a wrong second factor, counts it, and locks after the limit", async () => {
    const me = await residentLogin(srv.url);
    const h = county.households[2];
    const remaining: number[] = [];
    let last: Res | undefined;
    for (let i = 0; i < 5; i++) {
      last = await bindByName(me.api, h, "张三");
      expect(last.status).toBe(400);
      expect(last.body.error.code).toBe("BIND_FAILED");
      remaining.push(last.body.error.details.remainingAttempts);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    // the last failure already says how long the wait is (the 15-minute window)
    expect(last?.body.error.details.retryAfterMinutes).toBe(15);
    const locked = await bindByName(me.api, h);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe("BIND_RATE_LIMITED");
    expect(locked.body.error.message).toMatch(/稍后/);
    // and so does the locked 户号 tried again: until the oldest counted failure leaves the window
    expect(locked.body.error.details.retryAfterMinutes).toBeGreaterThanOrEqual(14);
    expect(locked.body.error.details.retryAfterMinutes).toBeLessThanOrEqual(15);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(14 * 60 - 5);
    const failures = await srv.deps.ds
      .getRepository(BindAttempt)
      .countBy({ residentUserId: me.resident.id, accountNo: h.account.accountNo, success: false });
    expect(failures).toBe(5);
    // another resident is not affected by this one's failures
    const other = await residentLogin(srv.url);
    const ok = await bindByName(other.api, h);
    expect(ok.status).toBe(201);
  });

  it("fails an unknown 户号 exactly like a wrong factor (no enumeration)", async () => {
    const me = await residentLogin(srv.url);
    const res = await me.api.post("/api/v1/me/accounts", {
      accountNo: "99999999",
      factor: "owner_name",
      value: "王建国",
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("BIND_FAILED");
  });
});

describe("bad input", () => {
  it("malformed JSON → 400 BAD_JSON in the error shape", async () => {
    const me = await residentLogin(srv.url);
    const res = await me.api.post("/api/v1/me/accounts", '{"accountNo": "1010', { "content-type": "application/json" });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: "BAD_JSON", message: expect.stringMatching(/JSON/) } });
  });

  it("invalid fields → 400 VALIDATION_FAILED naming each field in Chinese", async () => {
    const me = await residentLogin(srv.url);
    const res = await me.api.post("/api/v1/me/accounts", { accountNo: "12ab", factor: "phone_tail", value: "12x4" });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toContain("accountNo");
    expect(paths).toContain("value");
    for (const d of res.body.error.details) expect(d.message).toMatch(/[\u4e00-\u9fa5]/);
  });

  it("wrong types, missing body, bad ids and unknown routes never 500", async () => {
    const me = await residentLogin(srv.url);
    const cases = [
      await me.api.post("/api/v1/me/accounts", { accountNo: 123, factor: "nope", value: null }),
      await me.api.post("/api/v1/me/accounts"),
      await me.api.post("/api/v1/me/accounts", "[]"),
      await me.api.get("/api/v1/me/accounts/abc"),
      await me.api.get("/api/v1/me/accounts/-1"),
      await me.api.post("/api/v1/me/accounts", "accountNo=1", { "content-type": "application/xml" }),
      await me.api.get("/api/v1/nope"),
      await client(srv.url).get("/api/v1/me/accounts", { authorization: "Bearer not.a.token" }),
      await client(srv.url).get("/api/v1/me/accounts", { authorization: "Basic abc" }),
    ];
    for (const res of cases) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(typeof res.body.error.code).toBe("string");
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
      expect(res.text).not.toMatch(/at .*\.ts:\d+/); // no stack traces
    }
    expect(cases.map((c) => c.status)).toEqual([400, 400, 400, 400, 400, 415, 404, 401, 401]);
    // the field messages of a wrong-typed body are plain Chinese, without zod's English type names
    const typed = cases[0].body.error.details as { path: string; message: string }[];
    expect(typed.find((d) => d.path === "accountNo")?.message).toBe("格式不正确，应为文本");
    for (const d of typed) expect(d.message).not.toMatch(/string|number|boolean|object|array|undefined|null/);
  });

  it("an oversized body is refused with 413", async () => {
    const me = await residentLogin(srv.url);
    const res = await me.api.post("/api/v1/me/accounts", {
      accountNo: "1".repeat(10),
      factor: "owner_name",
      value: "x".repeat(2_000_000),
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
  });
});
