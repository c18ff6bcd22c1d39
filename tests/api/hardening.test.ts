import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { AuthSession } from "@warmline/server/src/modules/auth";
import { Bill } from "@warmline/server/src/modules/billing";
import { LedgerEntry, PaymentOrder, Refund, VendorNotificationLog } from "@warmline/server/src/modules/payments";
import { callbackRejectLimit } from "@warmline/server/src/http/rateLimit";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { seasonsWithBills } from "../support/billing";
import { bindByName, seedSmallCounty } from "../support/county";
import { client, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

/** Issue 10: what an attacker of a running instance found, each door checked through the real app. */
const MAX_REJECTS = 5;
let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;

beforeAll(async () => {
  srv = await startTestServer({ NOTIFY_MAX_REJECTS: String(MAX_REJECTS), NOTIFY_REJECT_WINDOW_S: "600" });
  county = await seedSmallCounty(srv.deps, 30);
  await seasonsWithBills(srv.url, ["2026-2027"]);
});
afterAll(async () => srv?.close());

const logs = () => srv.deps.ds.getRepository(VendorNotificationLog);
/** the callback reject limit of this server (the same limiter the app uses: one per name) */
const rejectLimit = () =>
  callbackRejectLimit(srv.deps.limits, {
    pathPrefix: "/api/v1/notify/",
    maxRejects: srv.deps.config.notify.maxRejects,
    windowS: srv.deps.config.notify.rejectWindowS,
  });

type ApiError = { error: { code: string; message: string } };

function post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(`${srv.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

async function alipayResident(userId: string) {
  const code = await client(srv.url).post("/sandbox/alipay/test/codes", { userId });
  const login = await client(srv.url).post("/api/v1/auth/resident/login", { provider: "alipay", code: code.body.code });
  expect(login.status).toBe(200);
  return client(srv.url, login.body.accessToken);
}

/** an Alipay order for the `i`-th active account, made by the API the way the mini-program makes it */
async function alipayOrder(i: number) {
  const account = county.rows.filter((a) => a.status === "active")[i];
  const h = { ownerName: account.ownerName, account };
  const api = await alipayResident(`20880000000009${String(i).padStart(2, "0")}`);
  expect((await bindByName(api, h)).status).toBe(201);
  const res = await api.post("/api/v1/me/payments", { accountId: account.id, vendor: "alipay" });
  expect(res.status).toBe(201);
  return { h, order: res.body as { id: number; outTradeNo: string; amountFen: number } };
}

/** a real, signed WeChat Pay trade at the WeChat Pay sandbox that carries another order's number */
async function wechatTradeNamed(outTradeNo: string, amountFen: number) {
  await srv.deps.payments.wechat!.createTrade({
    outTradeNo,
    amountFen,
    description: "同号的微信支付订单",
    payerId: "sandbox_cross_vendor",
    expireAt: new Date(Date.now() + 600_000),
    notifyUrl: `${srv.url}/api/v1/notify/wechat`,
  });
}

describe("vendor callbacks are verified before they are stored (issue 10.1)", () => {
  beforeEach(async () => rejectLimit().reset("127.0.0.1"));

  it("an unsigned notification leaves only a small row: reason, cut headers, a prefix, its size and sender", async () => {
    const body = JSON.stringify({ id: "EV-junk", resource: { ciphertext: "A".repeat(30_000) } });
    const before = await logs().count();
    const res = await post("/api/v1/notify/wechat", body, {
      "wechatpay-signature": "S".repeat(5_000),
      "wechatpay-serial": "NOPE",
      "wechatpay-timestamp": String(Math.floor(Date.now() / 1000)),
      "wechatpay-nonce": "n",
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await logs().count()).toBe(before + 1);
    const [row] = await logs().find({ order: { id: "DESC" }, take: 1 });
    expect(row).toMatchObject({ vendor: "wechat", verified: false, outcome: "rejected", remoteIp: "127.0.0.1" });
    expect(row.rejectReason).toBeTruthy();
    expect(row.bodyBytes).toBe(Buffer.byteLength(body));
    expect(row.rawBody.length).toBeLessThanOrEqual(512);
    expect(body.startsWith(row.rawBody)).toBe(true);
    expect(String(row.headers["wechatpay-signature"]).length).toBeLessThanOrEqual(256);
    expect(JSON.stringify(row).length).toBeLessThan(2_000);
  });

  it("a body over the cap (vendors send a few KB) is refused with 413 before it is read; nothing is stored", async () => {
    const before = await logs().count();
    const big = Buffer.alloc(900 * 1024, 0x61);
    for (const door of ["wechat", "alipay", "einvoice"]) {
      const res = await post(`/api/v1/notify/${door}`, big);
      expect(res.status, door).toBe(413);
      expect(((await res.json()) as ApiError).error.code).toBe("PAYLOAD_TOO_LARGE");
    }
    // just over the configured cap too
    const cap = srv.deps.config.notify.maxBodyBytes;
    expect(cap).toBeLessThanOrEqual(64 * 1024);
    expect((await post("/api/v1/notify/alipay", Buffer.alloc(cap + 1, 0x61))).status).toBe(413);
    expect(await logs().count()).toBe(before);
  });

  it("300 unsigned 30 KB bodies cannot fill the disk: the rows stay small and the sender is cut off", async () => {
    const body = Buffer.alloc(30 * 1024, 0x62);
    const before = await logs().count();
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) {
      // a forged X-Forwarded-For does not make another sender (TRUST_PROXY is off)
      const res = await post("/api/v1/notify/alipay", body, { "x-forwarded-for": `198.51.100.${i % 250}` });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses.filter((s) => s === 429)).toHaveLength(300 - MAX_REJECTS);
    const rows = await logs().find({ order: { id: "DESC" }, take: 300 });
    const added = rows.slice(0, (await logs().count()) - before);
    expect(added).toHaveLength(MAX_REJECTS);
    expect(added.reduce((n, r) => n + r.rawBody.length, 0)).toBeLessThanOrEqual(MAX_REJECTS * 512);
  });

  it("a refused address gets 429 RATE_LIMITED (Chinese, Retry-After) on every callback door, then recovers", async () => {
    for (let i = 0; i < MAX_REJECTS; i++) {
      const door = ["wechat", "alipay", "einvoice"][i % 3];
      const refused = await post(`/api/v1/notify/${door}`, '{"forged":true}');
      // each in its vendor's form (Alipay: 200 "fail"), but not yet 429
      expect(refused.status).not.toBe(429);
      expect(await refused.text()).not.toMatch(/^success$|E0000/);
    }
    const before = await logs().count();
    for (const door of ["wechat", "alipay", "einvoice"]) {
      const res = await post(`/api/v1/notify/${door}`, '{"forged":true}');
      expect(res.status, door).toBe(429);
      const retry = Number(res.headers.get("retry-after"));
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(600);
      expect(((await res.json()) as ApiError).error).toMatchObject({
        code: "RATE_LIMITED",
        message: "请求过于频繁，请稍后再试",
      });
    }
    expect(await logs().count()).toBe(before);
    // counts are kept in Redis (shared by every API process) when the deployment has Redis
    expect(srv.deps.limits.store).toBe("redis");
    await rejectLimit().reset("127.0.0.1");
    expect((await post("/api/v1/notify/einvoice", '{"forged":true}')).status).toBe(400); // not 429 any more
  });

  it("verified notifications never count: a vendor's own traffic is not limited", async () => {
    const { order } = await alipayOrder(3);
    expect((await client(srv.url).post("/sandbox/alipay/test/pay", { out_trade_no: order.outTradeNo })).status).toBe(
      200,
    );
    // Alipay sends it again and again (replays): more than the reject limit, all answered, none refused
    for (let i = 0; i < MAX_REJECTS + 2; i++) {
      const again = await client(srv.url).post("/sandbox/alipay/test/resend", { out_trade_no: order.outTradeNo });
      expect(again.status).toBe(200);
    }
    const mine = await until(async () => {
      const l = await logs().findBy({ outTradeNo: order.outTradeNo });
      return l.length === MAX_REJECTS + 3 && l.every((x) => x.outcome) ? l : null;
    });
    expect(mine.map((l) => l.outcome)).toEqual(["settled", ...Array(MAX_REJECTS + 2).fill("replay")]);
    expect(mine.every((l) => l.verified)).toBe(true);
    // kept whole (for audit and replay), with its size and sender
    expect(mine[0].rawBody.length).toBe(mine[0].bodyBytes);
    expect(mine[0].remoteIp).toBe("127.0.0.1");
    const next = await post("/api/v1/notify/alipay", "x=1", { "content-type": "application/x-www-form-urlencoded" });
    expect(next.status).toBe(200); // refused in Alipay's form ("fail"), not with 429
    expect(await next.text()).toBe("fail");
  });
});

describe("a vendor settles only its own orders and refunds (issue 10.2)", () => {
  beforeEach(async () => rejectLimit().reset("127.0.0.1"));

  it("a signed WeChat Pay notification naming an Alipay order settles nothing", async () => {
    const { h, order } = await alipayOrder(0);
    await wechatTradeNamed(order.outTradeNo, order.amountFen);
    const paid = await client(srv.url).post("/sandbox/wechatpay/test/pay", { out_trade_no: order.outTradeNo });
    expect(paid.status).toBe(200);
    const log = await until(async () => {
      const l = await logs().findOneBy({ outTradeNo: order.outTradeNo, vendor: "wechat", verified: true });
      return l?.outcome ? l : null;
    });
    expect(log.outcome).toBe("wrong_vendor");
    const row = await srv.deps.ds.getRepository(PaymentOrder).findOneByOrFail({ id: order.id });
    expect(row).toMatchObject({ channel: "alipay", status: "created", transactionId: null });
    expect(await srv.deps.ds.getRepository(LedgerEntry).countBy({ sourceType: "payment", sourceId: order.id })).toBe(0);
    for (const b of await srv.deps.ds.getRepository(Bill).findBy({ accountId: h.account.id }))
      expect(b.paidFen).toBe(0);
    // WeChat is told no (it will retry and staff can see it)
    const deliveries = await client(srv.url).get(
      `/sandbox/wechatpay/test/notifications?out_trade_no=${order.outTradeNo}`,
    );
    expect(deliveries.body.deliveries[0].attempts[0].status).toBeGreaterThanOrEqual(400);
    // Alipay's own notification still settles it
    await client(srv.url).post("/sandbox/alipay/test/pay", { out_trade_no: order.outTradeNo });
    await until(
      async () => (await srv.deps.ds.getRepository(PaymentOrder).findOneByOrFail({ id: order.id })).status === "paid",
    );
  });

  it("a signed WeChat Pay refund notification naming an Alipay refund completes nothing", async () => {
    const { h, order } = await alipayOrder(1);
    await client(srv.url).post("/sandbox/alipay/test/pay", { out_trade_no: order.outTradeNo });
    await until(
      async () => (await srv.deps.ds.getRepository(PaymentOrder).findOneByOrFail({ id: order.id })).status === "paid",
    );
    const billsBefore = await srv.deps.ds.getRepository(Bill).findBy({ accountId: h.account.id });
    // an Alipay refund still processing (the amount reserved), as createRefund leaves one while Alipay is unsure
    const refunds = srv.deps.ds.getRepository(Refund);
    const refund = await refunds.save(
      refunds.create({
        paymentOrderId: order.id,
        outRefundNo: `RF${Date.now()}`,
        amountFen: 1_000,
        status: "processing",
        reason: "测试",
        staffUserId: null,
        vendorRefundId: null,
        reversals: null,
        fromUnappliedFen: 0,
        finishedAt: null,
      }),
    );
    await srv.deps.ds.getRepository(PaymentOrder).update({ id: order.id }, { refundedFen: 1_000 });
    // WeChat Pay refunds a trade of its own under the same numbers and notifies us, signed
    await wechatTradeNamed(order.outTradeNo, order.amountFen);
    await client(srv.url).post("/sandbox/wechatpay/test/pay", { out_trade_no: order.outTradeNo, notify: false });
    await srv.deps.payments.wechat!.refund({
      outTradeNo: order.outTradeNo,
      outRefundNo: refund.outRefundNo,
      refundFen: 1_000,
      totalFen: order.amountFen,
      reason: "测试",
      notifyUrl: `${srv.url}/api/v1/notify/wechat`,
    });
    const log = await until(async () => {
      const l = await logs().findOneBy({ outTradeNo: order.outTradeNo, eventKind: "refund:SUCCESS" });
      return l?.outcome ? l : null;
    }, 20_000);
    expect(log).toMatchObject({ vendor: "wechat", verified: true, outcome: "refund wrong_vendor" });
    expect(await refunds.findOneByOrFail({ id: refund.id })).toMatchObject({ status: "processing", finishedAt: null });
    expect(await srv.deps.ds.getRepository(LedgerEntry).countBy({ sourceType: "refund", sourceId: refund.id })).toBe(0);
    const billsAfter = await srv.deps.ds.getRepository(Bill).findBy({ accountId: h.account.id });
    expect(billsAfter.map((b) => b.paidFen)).toEqual(billsBefore.map((b) => b.paidFen));
  });
});

describe("forwarding headers are not believed unless TRUST_PROXY says so (issue 10.5)", () => {
  it("sign-in records and audit rows carry the real address, not a forged X-Forwarded-For", async () => {
    const forged = { "x-forwarded-for": "203.0.113.66", "x-real-ip": "203.0.113.67" };
    const login = await client(srv.url).post(
      "/api/v1/auth/staff/login",
      { username: "hotline_agent", password: DEMO_PASSWORD },
      forged,
    );
    expect(login.status).toBe(200);
    const session = await srv.deps.ds
      .getRepository(AuthSession)
      .findOne({ where: { subjectType: "staff", subjectId: login.body.staff.id }, order: { id: "DESC" } });
    expect(session?.ip).toBe("127.0.0.1");
    const agent = await staffLogin(srv.url, "hotline_agent", DEMO_PASSWORD);
    const h = county.households[2];
    const reveal = await agent.api.post(
      `/api/v1/staff/accounts/${h.account.id}/reveal`,
      { fields: ["phone"], reason: "回访电话" },
      forged,
    );
    expect(reveal.status).toBe(200);
    const audit = await srv.deps.ds
      .getRepository(AuditLog)
      .findOne({ where: { action: "pii.reveal", actorId: agent.staff.id }, order: { id: "DESC" } });
    expect(audit?.ip).toBe("127.0.0.1");
  });
});

describe("security headers on the API (issue 10.6)", () => {
  it("answers carry a CSP that frames nothing, nosniff, a referrer policy; no HSTS over plain HTTP", async () => {
    for (const path of ["/api/v1/health", "/api/v1/openapi.json", "/api/v1/nothing-here"]) {
      const res = await fetch(`${srv.url}${path}`);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, path).toMatch(/default-src 'none'/);
      expect(csp, path).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("same-origin");
      expect(res.headers.get("strict-transport-security")).toBeNull();
    }
    // the sandbox's sign-in page keeps its own policy (inline styles, a form), still never framed
    const page = await fetch(
      `${srv.url}/sandbox/wechat/h5-login?redirect_uri=${encodeURIComponent(`${srv.url}/h5/#/pages/login/index`)}`,
    );
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toMatch(/style-src 'unsafe-inline'.*frame-ancestors 'none'/);
  });
});
