import { createVerify } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import Router from "@koa/router";
import { shanghaiDate } from "@warmline/shared";
import Koa from "koa";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Config, loadConfig } from "../../config";
import { bodyParser } from "../../http/body";
import { NotificationRejected, PaymentVendorError, type VerifiedNotification } from "../payments";
import { sandboxVendorKeys } from "../../sandboxes";
import { seedSandboxKeys, spareKeyPair } from "../../sandboxes/testing/keys";
import type { SandboxJson } from "../../sandboxes/testing/alipayHarness";
import type { WechatPaySandbox } from "../../sandboxes/wechat-pay/gateway";
import type { Delivery } from "../../sandboxes/wechat-pay/notifications";
import { mountWechatPaySandbox } from "../../sandboxes/wechat-pay/routes";
import { createWechatPayClient, WechatPayClient } from "./client";
import type { WechatPayKeys } from "./keys";

/**
 * The client against the sandbox over real HTTP: the sandbox mounted the way the app mounts it (behind
 * the app's body parser), a receiver server standing in for our notify endpoint, keys generated into a
 * temporary DATA_DIR and shared by both sides the way one deployment shares them.
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-wechatpay-"));
seedSandboxKeys(dataDir);
const RETRY_SCALE = 0.002; // 15 s → 30 ms
let server: http.Server;
let receiver: http.Server;
let base: string;
let receiverBase: string;
let config: Config;
let client: WechatPayClient;
let keys: WechatPayKeys;
let sandbox: WechatPaySandbox;

interface Received {
  path: string;
  notificationId: string | null;
  at: number;
  result?: VerifiedNotification;
  reason?: string;
}
const received: Received[] = [];
/** /notify/flaky answers 500 this many times before it starts accepting */
let flakyFailures = 0;

function listen(s: http.Server): Promise<string> {
  return new Promise((resolve) => {
    s.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`));
  });
}

async function stop(s: http.Server) {
  s.closeAllConnections();
  await new Promise((resolve) => s.close(resolve));
}

beforeAll(async () => {
  const app = new Koa({ proxy: true });
  const router = new Router();
  const mounted = mountWechatPaySandbox(router, loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir }), {
    retryScale: RETRY_SCALE,
    refundDelayMs: 20,
  });
  app.use(bodyParser());
  app.use(router.routes());
  server = http.createServer(app.callback());
  base = await listen(server);
  sandbox = await mounted.sandbox();

  config = loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir, PUBLIC_URL: base });
  const vendorKeys = sandboxVendorKeys(config);
  client = await createWechatPayClient(config, vendorKeys);
  keys = await vendorKeys.wechatPay();

  // our notify endpoint: verifies with the client and answers the way the client says WeChat wants
  receiver = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    let notificationId: string | null = null;
    try {
      notificationId = (JSON.parse(rawBody.toString("utf8")) as { id?: string }).id ?? null;
    } catch {
      // malformed on purpose
    }
    const entry: Received = { path: req.url ?? "", notificationId, at: Date.now() };
    received.push(entry);
    let ok = true;
    try {
      entry.result = await client.verifyNotification({ headers: req.headers, rawBody });
    } catch (err) {
      ok = false;
      entry.reason = err instanceof NotificationRejected ? err.reason : `unexpected ${String(err)}`;
    }
    if (req.url === "/notify/flaky" && flakyFailures > 0) {
      flakyFailures--;
      res.writeHead(500).end("try later");
      return;
    }
    const answer = client.notificationAnswer(ok);
    res.writeHead(answer.status, { "content-type": answer.type }).end(answer.body);
  });
  receiverBase = await listen(receiver);
}, 60_000); // generates RSA keys

afterEach(() => {
  sandbox.mode = { responses: "platform", notifications: "platform", responseFault: null, refundNotifications: true };
});

afterAll(async () => {
  sandbox.close();
  await stop(server);
  await stop(receiver);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

let seq = 0;
const orderNo = (tag: string) =>
  `WL${tag}${Date.now().toString(36)}${(seq++).toString().padStart(3, "0")}`.slice(0, 32);

async function createOrder(tag: string, amountFen = 1234, notifyPath = "/notify/wechat") {
  const outTradeNo = orderNo(tag);
  const created = await client.createTrade({
    outTradeNo,
    amountFen,
    description: "民乐县供热费 2025-2026 户号1010110101",
    payerId: "sandbox_openid_tester",
    expireAt: new Date(Date.now() + 30 * 60_000),
    notifyUrl: `${receiverBase}${notifyPath}`,
  });
  return { outTradeNo, created };
}

async function control(pathname: string, body: unknown = {}) {
  const res = await fetch(`${base}/sandbox/wechatpay/test/${pathname}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as SandboxJson };
}

async function waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 3000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function vendorCode(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PaymentVendorError);
  return (err as PaymentVendorError).code;
}

/** Delivers a deliberately broken (or intact) notification once and returns what our endpoint said. */
async function fault(outTradeNo: string, kind: string, signer?: "platform" | "publicKey") {
  const { status, json } = await control("notifications/fault", { out_trade_no: outTradeNo, fault: kind, signer });
  expect(status).toBe(200);
  const delivery = json as Delivery;
  const entry = received.findLast((r) => r.path === "/notify/wechat");
  return { delivery, entry: entry as Received, attempt: delivery.attempts[0] };
}

describe("prepay (JSAPI)", () => {
  it("returns wx.requestPayment params whose paySign verifies with the merchant public key", async () => {
    const { outTradeNo, created } = await createOrder("P");
    expect(created.vendorRef).toMatch(/^wx\d{14}[0-9a-f]{20}$/);
    const p = created.clientParams;
    expect(Object.keys(p).sort()).toEqual(["appId", "nonceStr", "package", "paySign", "signType", "timeStamp"]);
    expect(p.appId).toBe(config.wechatPay.appId);
    expect(p.package).toBe(`prepay_id=${created.vendorRef}`);
    expect(p.signType).toBe("RSA");
    expect(p.nonceStr).toMatch(/^[0-9A-F]{32}$/);
    expect(Math.abs(Number(p.timeStamp) - Date.now() / 1000)).toBeLessThan(5);
    const message = `${p.appId}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`;
    expect(createVerify("RSA-SHA256").update(message).verify(keys.merchantPublicKey, p.paySign, "base64")).toBe(true);
    // any other message does not verify
    expect(
      createVerify("RSA-SHA256")
        .update(message.replace(created.vendorRef, `${created.vendorRef}x`))
        .verify(keys.merchantPublicKey, p.paySign, "base64"),
    ).toBe(false);
    expect(created.cashierUrl).toBe(`${base}/sandbox/wechatpay/cashier?prepay_id=${created.vendorRef}`);

    const order = sandbox.orderByOutTradeNo(outTradeNo);
    expect(order).toMatchObject({ totalFen: 1234, openid: "sandbox_openid_tester", mchId: "1900000001" });
    // time_expire went over the wire as RFC 3339 in Beijing time
    expect(order?.timeExpire).toBeGreaterThan(Date.now() + 29 * 60_000);
  });

  it("gives the same prepay_id for the same order again and refuses the number with another amount", async () => {
    const outTradeNo = orderNo("D");
    const input = {
      outTradeNo,
      amountFen: 500,
      description: "供热费",
      payerId: "sandbox_openid_tester",
      expireAt: new Date(Date.now() + 600_000),
      notifyUrl: `${receiverBase}/notify/wechat`,
    };
    const first = await client.createTrade(input);
    const second = await client.createTrade(input);
    expect(second.vendorRef).toBe(first.vendorRef);
    expect(second.clientParams.nonceStr).not.toBe(first.clientParams.nonceStr);
    const err = await client.createTrade({ ...input, amountFen: 501 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaymentVendorError);
    expect(err).toMatchObject({ vendor: "wechat", code: "INVALID_REQUEST", message: "订单号重复" });
  });

  it("is refused with SIGN_ERROR when signed with another key, under our serial or another", {
    timeout: 60_000,
  }, async () => {
    // our merchant serial, someone else's key: only the signature check can catch it
    const impostor = new WechatPayClient({
      mchId: config.wechatPay.mchId,
      appId: config.wechatPay.appId,
      apiBase: config.wechatPay.apiBase,
      merchantSerial: keys.merchantSerial,
      merchantPrivateKey: spareKeyPair(0).privateKey,
      apiV3Key: keys.apiV3Key,
      platformCerts: keys.platformCerts,
      wechatpayPublicKey: keys.wechatpayPublicKey,
    });
    expect(await vendorCode(impostor.queryTrade("WL0000000001"))).toBe("SIGN_ERROR");
    // a whole other set-up (its own serial and key)
    const other = new WechatPayClient({
      mchId: config.wechatPay.mchId,
      appId: config.wechatPay.appId,
      apiBase: config.wechatPay.apiBase,
      merchantSerial: "2C5F3A9E17B04D6E8F1A2B3C4D5E6F708192A3B4",
      merchantPrivateKey: spareKeyPair(1).privateKey,
      apiV3Key: "abcdefABCDEF0123456789abcdefABCD",
      platformCerts: new Map(),
      wechatpayPublicKey: { id: "PUB_KEY_ID_0119000000012025111400000009", key: spareKeyPair(2).publicKey },
    });
    expect(await vendorCode(other.queryTrade("WL0000000001"))).toBe("SIGN_ERROR");
  });

  it("checks its input before calling WeChat Pay", async () => {
    const ok = {
      outTradeNo: orderNo("V"),
      amountFen: 100,
      description: "供热费",
      payerId: "o1",
      expireAt: new Date(Date.now() + 600_000),
      notifyUrl: `${receiverBase}/notify/wechat`,
    };
    expect(await vendorCode(client.createTrade({ ...ok, amountFen: 12.5 }))).toBe("INVALID_INPUT");
    expect(await vendorCode(client.createTrade({ ...ok, outTradeNo: "../x" }))).toBe("INVALID_INPUT");
    expect(await vendorCode(client.createTrade({ ...ok, description: "暖".repeat(43) }))).toBe("INVALID_INPUT");
    expect(await vendorCode(client.createTrade({ ...ok, notifyUrl: `${receiverBase}/n?x=1` }))).toBe("INVALID_INPUT");
  });
});

describe("query and close", () => {
  it("reports NOT_PAID before and PAID (fen, transaction id, time, merchant) after payment", async () => {
    const { outTradeNo } = await createOrder("Q", 98765);
    expect(await client.queryTrade(outTradeNo)).toMatchObject({
      outTradeNo,
      state: "NOT_PAID",
      transactionId: null,
      amountFen: null,
      paidAt: null,
    });
    const paid = await control("pay", { out_trade_no: outTradeNo, notify: false });
    expect(paid.status).toBe(200);
    const trade = await client.queryTrade(outTradeNo);
    expect(trade).toMatchObject({
      outTradeNo,
      state: "PAID",
      transactionId: paid.json.transaction_id,
      amountFen: 98765,
      merchant: { mchId: "1900000001", appId: config.wechatPay.appId },
    });
    expect(trade?.transactionId).toMatch(/^4200\d{24}$/);
    expect(Math.abs((trade?.paidAt?.getTime() ?? 0) - Date.now())).toBeLessThan(5000);
    // notify:false is a lost callback: nothing was delivered
    expect(sandbox.deliveries(outTradeNo)).toEqual([]);
  });

  it("answers null for an order WeChat Pay does not know", async () => {
    expect(await client.queryTrade("WLNEVERCREATED01")).toBeNull();
  });

  it("closes an unpaid order (which then cannot be paid) and refuses to close a paid one", async () => {
    const { outTradeNo } = await createOrder("C");
    await client.closeTrade(outTradeNo);
    await client.closeTrade(outTradeNo); // again: still fine
    expect((await client.queryTrade(outTradeNo))?.state).toBe("CLOSED");
    const pay = await control("pay", { out_trade_no: outTradeNo });
    expect(pay).toMatchObject({ status: 400, json: { code: "ORDERCLOSED" } });

    const { outTradeNo: paidNo } = await createOrder("C");
    await control("pay", { out_trade_no: paidNo, notify: false });
    expect(await vendorCode(client.closeTrade(paidNo))).toBe("ORDERPAID");
  });
});

describe("refunds", () => {
  it("refunds in parts up to the paid amount, refuses more, and notifies the refund", async () => {
    const { outTradeNo } = await createOrder("R", 1000);
    await control("pay", { out_trade_no: outTradeNo, notify: false });
    const notifyUrl = `${receiverBase}/notify/wechat`;
    const first = await client.refund({
      outTradeNo,
      outRefundNo: `${outTradeNo}A`.slice(-32),
      refundFen: 300,
      totalFen: 1000,
      reason: "多缴退费",
      notifyUrl,
    });
    expect(first.status).toBe("PROCESSING");
    expect(first.refundId).toMatch(/^5030\d+$/);
    expect((await client.queryTrade(outTradeNo))?.state).toBe("REFUNDED");

    const second = await client.refund({
      outTradeNo,
      outRefundNo: `${outTradeNo}B`.slice(-32),
      refundFen: 700,
      totalFen: 1000,
      reason: "多缴退费",
      notifyUrl,
    });
    expect(second.status).toBe("PROCESSING");
    const over = client.refund({
      outTradeNo,
      outRefundNo: `${outTradeNo}C`.slice(-32),
      refundFen: 1,
      totalFen: 1000,
      reason: "多缴退费",
      notifyUrl,
    });
    expect(await vendorCode(over)).toBe("INVALID_REQUEST");

    // the refunds settle and REFUND.SUCCESS notifications arrive, verified and decoded
    const refunds = await waitFor(() => {
      const got = received.filter((r) => r.result?.kind === "refund" && r.result.outTradeNo === outTradeNo);
      return got.length === 2 ? got : null;
    });
    expect(
      refunds
        .map((r) => r.result)
        .sort((a, b) => (a as { refundFen: number }).refundFen - (b as { refundFen: number }).refundFen),
    ).toMatchObject([
      { kind: "refund", status: "SUCCESS", refundFen: 300, refundId: first.refundId },
      { kind: "refund", status: "SUCCESS", refundFen: 700, refundId: second.refundId },
    ]);
  });

  it("refuses a refund of an unpaid order and one with a wrong order total", async () => {
    const { outTradeNo } = await createOrder("R", 1000);
    const input = {
      outTradeNo,
      outRefundNo: `${outTradeNo}X`.slice(-32),
      refundFen: 100,
      totalFen: 1000,
      reason: "",
      notifyUrl: `${receiverBase}/notify/wechat`,
    };
    expect(await vendorCode(client.refund(input))).toBe("INVALID_REQUEST");
    await control("pay", { out_trade_no: outTradeNo, notify: false });
    expect(await vendorCode(client.refund({ ...input, totalFen: 999 }))).toBe("PARAM_ERROR");
  });
});

describe("payment notifications", () => {
  it.each(["platform", "publicKey"] as const)("are verified and decoded when signed in %s mode", async (mode) => {
    sandbox.mode.notifications = mode;
    const { outTradeNo } = await createOrder("N", 4321);
    const paid = await control("pay", { out_trade_no: outTradeNo });
    const entry = await waitFor(() =>
      received.find((r) => r.result?.kind === "payment" && r.result.trade.outTradeNo === outTradeNo),
    );
    expect(entry.result).toMatchObject({
      kind: "payment",
      trade: {
        outTradeNo,
        state: "PAID",
        transactionId: paid.json.transaction_id,
        amountFen: 4321,
        merchant: { mchId: "1900000001", appId: config.wechatPay.appId },
      },
    });
    const delivery = await waitFor(() => sandbox.deliveries(outTradeNo).find((d) => d.state === "delivered"));
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]).toMatchObject({ status: 200, answer: "" });
    const serial = sandbox.signer(mode).serial;
    expect(serial.startsWith("PUB_KEY_ID_")).toBe(mode === "publicKey");
  });

  it.each([
    ["bad_signature", "BAD_SIGNATURE"],
    ["old_timestamp", "STALE_TIMESTAMP"],
    ["flipped_ciphertext", "BAD_CIPHERTEXT"],
    ["foreign_mchid", "FOREIGN_MERCHANT"],
    ["foreign_appid", "FOREIGN_MERCHANT"],
    ["unknown_serial", "UNKNOWN_SERIAL"],
    ["malformed", "MALFORMED"],
  ])("with fault %s are rejected as %s, answered with WeChat's failure form", async (kind, reason) => {
    const { outTradeNo } = await createOrder("F");
    await control("pay", { out_trade_no: outTradeNo, notify: false });
    const { entry, attempt } = await fault(outTradeNo, kind);
    expect(entry.result).toBeUndefined();
    expect(entry.reason).toBe(reason);
    expect(attempt.status).toBe(400);
    expect(JSON.parse(attempt.answer)).toEqual({ code: "FAIL", message: "失败" });
  });

  it("rejects faults in public-key mode too, and accepts the intact one", async () => {
    const { outTradeNo } = await createOrder("F");
    await control("pay", { out_trade_no: outTradeNo, notify: false });
    expect((await fault(outTradeNo, "bad_signature", "publicKey")).entry.reason).toBe("BAD_SIGNATURE");
    expect((await fault(outTradeNo, "old_timestamp", "publicKey")).entry.reason).toBe("STALE_TIMESTAMP");
    const intact = await fault(outTradeNo, "none", "publicKey");
    expect(intact.entry.result?.kind).toBe("payment");
    expect(intact.attempt).toMatchObject({ status: 200, answer: "" });
  });

  it("pass on WeChat's amount as sent (a wrong amount is for the payment module to catch)", async () => {
    const { outTradeNo } = await createOrder("F", 2000);
    await control("pay", { out_trade_no: outTradeNo, notify: false });
    const { entry } = await fault(outTradeNo, "wrong_amount");
    expect(entry.result).toMatchObject({ kind: "payment", trade: { outTradeNo, amountFen: 2001 } });
  });

  it("are retried on WeChat's schedule after a non-2xx, with the same id, until a 2xx", async () => {
    flakyFailures = 2;
    const { outTradeNo } = await createOrder("T", 100, "/notify/flaky");
    await control("pay", { out_trade_no: outTradeNo });
    const delivery = await waitFor(() => sandbox.deliveries(outTradeNo).find((d) => d.state === "delivered"));
    expect(delivery.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    const hits = received.filter((r) => r.path === "/notify/flaky" && r.notificationId === delivery.notificationId);
    expect(hits).toHaveLength(3);
    // every attempt verified (each is signed afresh) and carried the same notification
    expect(hits.every((h) => h.result?.kind === "payment")).toBe(true);
    // 15 s and 15 s, scaled
    expect(hits[1].at - hits[0].at).toBeGreaterThanOrEqual(15_000 * RETRY_SCALE - 5);
    expect(hits[2].at - hits[1].at).toBeGreaterThanOrEqual(15_000 * RETRY_SCALE - 5);
    // nothing more once accepted (the next slot would have been 30 s → 60 ms)
    await new Promise((r) => setTimeout(r, 30_000 * RETRY_SCALE * 4));
    expect(received.filter((r) => r.notificationId === delivery.notificationId)).toHaveLength(3);
    expect(delivery.attempts).toHaveLength(3);
  });

  it("can be delivered again (resend) with the same id", async () => {
    const { outTradeNo } = await createOrder("S");
    await control("pay", { out_trade_no: outTradeNo });
    const first = await waitFor(() => sandbox.deliveries(outTradeNo).find((d) => d.state === "delivered"));
    const again = await control("notifications/resend", { out_trade_no: outTradeNo });
    expect(again.status).toBe(200);
    expect(again.json.notificationId).toBe(first.notificationId);
    await waitFor(() => received.filter((r) => r.notificationId === first.notificationId).length === 2);
  });
});

describe("response signatures", () => {
  it("accepts answers signed in public-key mode", async () => {
    sandbox.mode.responses = "publicKey";
    const { outTradeNo } = await createOrder("K");
    expect((await client.queryTrade(outTradeNo))?.state).toBe("NOT_PAID");
  });

  it.each(["bad_signature", "tampered_body", "unknown_serial", "stale_timestamp"] as const)(
    "makes the client throw when the answer has %s",
    async (responseFault) => {
      const { outTradeNo } = await createOrder("K");
      const mode = await control("mode", { responseFault });
      expect(mode.json.responseFault).toBe(responseFault);
      const err = await client.queryTrade(outTradeNo).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PaymentVendorError);
      expect((err as PaymentVendorError).code).toBe("RESPONSE_UNVERIFIED");
      await control("mode", { responseFault: null });
      expect((await client.queryTrade(outTradeNo))?.state).toBe("NOT_PAID");
    },
  );
});

describe("trade bill", () => {
  it("downloads and parses prepared rows to exact fen", async () => {
    const date = "2025-11-14";
    const rows = [
      { outTradeNo: "WLBILL000001", transactionId: "4200000001202511140000000001", amountFen: 1, state: "PAID" },
      { outTradeNo: "WLBILL000002", transactionId: "4200000001202511140000000002", amountFen: 123456, state: "PAID" },
      { outTradeNo: "WLBILL000003", transactionId: "4200000001202511140000000003", amountFen: 10, state: "PAID" },
      {
        outTradeNo: "WLBILL000002",
        transactionId: "4200000001202511140000000002",
        amountFen: 0,
        state: "REFUND",
        refundFen: 3456,
        at: "2025-11-14T15:30:00+08:00",
      },
    ];
    expect((await control("bills", { date, rows })).status).toBe(200);
    const bill = await client.downloadBill(date);
    expect(bill).toEqual([
      {
        outTradeNo: "WLBILL000001",
        transactionId: "4200000001202511140000000001",
        amountFen: 1,
        state: "PAID",
        refundFen: 0,
        at: new Date("2025-11-14T12:00:00+08:00"),
      },
      {
        outTradeNo: "WLBILL000002",
        transactionId: "4200000001202511140000000002",
        amountFen: 123456,
        state: "PAID",
        refundFen: 0,
        at: new Date("2025-11-14T12:00:00+08:00"),
      },
      {
        outTradeNo: "WLBILL000003",
        transactionId: "4200000001202511140000000003",
        amountFen: 10,
        state: "PAID",
        refundFen: 0,
        at: new Date("2025-11-14T12:00:00+08:00"),
      },
      {
        outTradeNo: "WLBILL000002",
        transactionId: "4200000001202511140000000002",
        amountFen: 0,
        state: "REFUND",
        refundFen: 3456,
        at: new Date("2025-11-14T15:30:00+08:00"),
      },
    ]);
    // the file really is WeChat's format: backtick fields, yuan amounts, a summary at the end
    const text = sandbox.billText(date) ?? "";
    expect(text).toContain("`0.01,");
    expect(text).toContain("`1234.56,");
    expect(text.trim().split("\r\n").at(-2)).toMatch(/^总交易单数,/);
    expect(text.trim().split("\r\n").at(-1)).toBe("`4,`1234.67,`34.56,`0.00,`7.20066,`1234.67,`34.56");
  });

  it("lists the day's paid orders when nothing was prepared, and nothing for a day without trades", async () => {
    const { outTradeNo } = await createOrder("B", 777);
    await control("pay", { out_trade_no: outTradeNo, notify: false });
    const today = shanghaiDate(new Date());
    const bill = await client.downloadBill(today);
    expect(bill.find((r) => r.outTradeNo === outTradeNo)).toMatchObject({ amountFen: 777, state: "PAID" });
    expect(await client.downloadBill("2020-01-01")).toEqual([]);
  });

  it("refuses a bill whose summary does not match its lines", async () => {
    const date = "2025-11-13";
    const good = sandbox.billText("2025-11-14") ?? "";
    const bad = good.replace(/^`4,/m, "`5,");
    expect(bad).not.toBe(good);
    await control("bills", { date, csv: bad });
    expect(await vendorCode(client.downloadBill(date))).toBe("BILL_MALFORMED");
  });
});

describe("H5 cashier page", () => {
  const cashier = (q: Record<string, string>) => `${base}/sandbox/wechatpay/cashier?${new URLSearchParams(q)}`;
  const H5_RETURN = () => `${base}/h5/#/pages/pay/result?bill=9`;

  it("shows merchant, description and yuan amount with the pay and cancel buttons, all escaped", async () => {
    const outTradeNo = orderNo("H");
    const created = await client.createTrade({
      outTradeNo,
      amountFen: 123456,
      description: '供热费<script>alert("x")</script>',
      payerId: "o_h5",
      expireAt: new Date(Date.now() + 600_000),
      notifyUrl: `${receiverBase}/notify/wechat`,
    });
    const res = await fetch(cashier({ prepay_id: created.vendorRef, return_url: H5_RETURN() }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain("确认支付");
    expect(html).toContain("取消支付");
    expect(html).toContain("暖线供热服务");
    expect(html).toContain("1,234.56");
    expect(html).toContain("#07C160");
    expect(html).not.toContain("<script>");
    expect(html).toContain("&#60;script&#62;");
  });

  async function submit(prepayId: string, action: string, returnUrl = H5_RETURN()) {
    return fetch(`${base}/sandbox/wechatpay/cashier`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ prepay_id: prepayId, return_url: returnUrl, action }).toString(),
    });
  }

  it("confirming pays, notifies and returns to the app's hash route with the result", async () => {
    const { outTradeNo, created } = await createOrder("H", 880);
    const res = await submit(created.vendorRef, "pay");
    expect(res.status).toBe(302);
    const location = res.headers.get("location") ?? "";
    const [before, hash] = location.split("#");
    expect(before).toBe(`${base}/h5/`);
    const [route, query] = hash.split("?");
    expect(route).toBe("/pages/pay/result");
    expect(Object.fromEntries(new URLSearchParams(query))).toEqual({
      bill: "9",
      out_trade_no: outTradeNo,
      result: "paid",
    });
    expect((await client.queryTrade(outTradeNo))?.state).toBe("PAID");
    await waitFor(() => received.find((r) => r.result?.kind === "payment" && r.result.trade.outTradeNo === outTradeNo));
    // the page now says so
    const again = await (await fetch(cashier({ prepay_id: created.vendorRef }))).text();
    expect(again).toContain("该订单已支付");
    expect(again).not.toContain("确认支付");
  });

  it("cancelling returns with result=cancelled and leaves the order unpaid", async () => {
    const { outTradeNo, created } = await createOrder("H");
    const res = await submit(created.vendorRef, "cancel", `${base}/pay-result?x=1`);
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get("location") ?? "");
    expect(url.pathname).toBe("/pay-result");
    expect(Object.fromEntries(url.searchParams)).toEqual({ x: "1", out_trade_no: outTradeNo, result: "cancelled" });
    expect((await client.queryTrade(outTradeNo))?.state).toBe("NOT_PAID");
  });

  it("refuses a return_url on another host and an unknown prepay_id", async () => {
    const { created } = await createOrder("H");
    const foreign = await submit(created.vendorRef, "pay", "https://evil.example/steal");
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain("只允许返回本站");
    expect(sandbox.orderByPrepayId(created.vendorRef)?.paidAt).toBeNull();
    const unknown = await fetch(cashier({ prepay_id: "wx_nope" }));
    expect(unknown.status).toBe(404);
  });
});
