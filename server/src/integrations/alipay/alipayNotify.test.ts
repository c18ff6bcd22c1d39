import { AlipaySdk } from "alipay-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotificationRejected, type VerifiedNotification } from "../payments";
import type { AlipayPayClient } from "./alipayPay";
import {
  encodeForm,
  NOTIFY_RETRY_DELAYS_MS,
  type NotificationFault,
  signNotification,
} from "../../sandboxes/alipay/trade";
import {
  type AlipayHarness,
  outNo,
  startAlipaySandbox,
  startReceiver,
  waitFor,
} from "../../sandboxes/testing/alipayHarness";

const SCALE = 1e-4;
let h: AlipayHarness;
let client: AlipayPayClient;

beforeAll(async () => {
  h = await startAlipaySandbox({ notifyScale: SCALE });
  client = await h.client();
});
afterAll(async () => {
  await h.close();
});

const FORM = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };

async function paidTrade(opts: { description?: string; notifyUrl?: string; amountFen?: number } = {}) {
  const outTradeNo = outNo();
  const created = await client.createTrade({
    outTradeNo,
    amountFen: opts.amountFen ?? 12345,
    description: opts.description ?? "民乐县供热费 2025-2026 户号1010110101",
    payerId: "2088102177846882",
    expireAt: new Date(Date.now() + 3600_000),
    notifyUrl: opts.notifyUrl ?? "http://127.0.0.1:9/never-called",
  });
  const res = await h.post("/sandbox/alipay/test/pay", { out_trade_no: outTradeNo, notify: false });
  expect(res.status).toBe(200);
  return { outTradeNo, tradeNo: created.vendorRef };
}

async function rejection(body: string | Buffer, headers: Record<string, string> = FORM): Promise<string> {
  const err = await client
    .verifyNotification({ headers, rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body) })
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(NotificationRejected);
  return (err as NotificationRejected).reason;
}

/** A correctly signed notification body from arbitrary fields (for shapes the sandbox never sends). */
function signed(params: Record<string, string>): string {
  return encodeForm(signNotification(params, h.alipayPrivateKey));
}

describe("verifyNotification", () => {
  it("accepts a valid payment notification and decodes it", async () => {
    const { outTradeNo, tradeNo } = await paidTrade({ amountFen: 100000105 });
    const n = h.sandboxes.alipayTrades.buildNotification(outTradeNo);
    expect(n.params).toMatchObject({ sign_type: "RSA2", notify_type: "trade_status_sync", total_amount: "1000001.05" });
    const result = await client.verifyNotification({ headers: FORM, rawBody: Buffer.from(n.body) });
    expect(result).toEqual({
      kind: "payment",
      trade: {
        outTradeNo,
        state: "PAID",
        transactionId: tradeNo,
        amountFen: 100000105,
        paidAt: expect.any(Date),
        merchant: { appId: h.config.alipay.appId, sellerId: "2088000000000001" },
        raw: n.params,
      },
    } satisfies VerifiedNotification);
  });

  it.each<[NotificationFault, string]>([
    ["bad_sign", "BAD_SIGNATURE"],
    ["tampered", "BAD_SIGNATURE"],
    ["no_sign", "BAD_SIGNATURE"],
    ["foreign_app_id", "FOREIGN_MERCHANT"],
    ["foreign_seller_id", "FOREIGN_MERCHANT"],
  ])("a %s notification → %s", async (fault, reason) => {
    const { outTradeNo } = await paidTrade();
    const n = h.sandboxes.alipayTrades.buildNotification(outTradeNo, { fault });
    expect(await rejection(n.body)).toBe(reason);
  });

  it("a correctly signed notification with a wrong total_amount verifies: the amount is the caller's to compare", async () => {
    const { outTradeNo } = await paidTrade({ amountFen: 12345 });
    const n = h.sandboxes.alipayTrades.buildNotification(outTradeNo, { fault: "wrong_total_amount" });
    const result = await client.verifyNotification({ headers: FORM, rawBody: Buffer.from(n.body) });
    expect(result.kind === "payment" && result.trade.amountFen).toBe(12346);
  });

  it("a value containing % verifies (checkNotifySignV2), where the SDK's checkNotifySign throws URIError", async () => {
    const { outTradeNo } = await paidTrade({ description: "供热费 100%合格 50%折扣 %E4" });
    const n = h.sandboxes.alipayTrades.buildNotification(outTradeNo);
    expect(n.params.subject).toBe("供热费 100%合格 50%折扣 %E4");
    expect(n.body).toContain("subject=%E4%BE%9B%E7%83%AD%E8%B4%B9%20100%25");
    const result = await client.verifyNotification({ headers: FORM, rawBody: Buffer.from(n.body) });
    expect(result.kind === "payment" && result.trade.state).toBe("PAID");

    // why V2: the V1 check URI-decodes values once more, and "%合" is not an escape
    const sdk = new AlipaySdk({
      appId: h.config.alipay.appId,
      privateKey: h.keys.appPrivateKey,
      keyType: "PKCS8",
      alipayPublicKey: h.keys.alipayPublicKey,
    });
    expect(() => sdk.checkNotifySign({ ...n.params })).toThrow(URIError);
    expect(sdk.checkNotifySignV2({ ...n.params })).toBe(true);
  });

  it("spaces sent as '+' (Java's URLEncoder) are read as spaces", async () => {
    const { outTradeNo } = await paidTrade({ description: "供热费 2025 2026" });
    const n = h.sandboxes.alipayTrades.buildNotification(outTradeNo);
    const plus = n.body.replaceAll("%20", "+");
    expect(plus).not.toBe(n.body);
    const result = await client.verifyNotification({ headers: FORM, rawBody: Buffer.from(plus) });
    expect(result.kind).toBe("payment");
  });

  it.each([
    ["an empty body", ""],
    ["a broken %-escape", "a=%zz&sign=x"],
    ["a lone %", "subject=100%&sign=x"],
    ["a field twice", "out_trade_no=1&out_trade_no=2&sign=x"],
    ["a field without '='", "out_trade_no&sign=x"],
    ["a GBK charset field", "charset=GBK&sign=x"],
  ])("%s → MALFORMED", async (_name, body) => {
    expect(await rejection(body)).toBe("MALFORMED");
  });

  it("bytes that are not UTF-8 → MALFORMED; a JSON content type → MALFORMED", async () => {
    expect(await rejection(Buffer.from([0x73, 0x75, 0x62, 0x3d, 0xb9, 0xa9]))).toBe("MALFORMED");
    expect(await rejection("a=1", { "content-type": "application/json" })).toBe("MALFORMED");
  });

  it("signed but incomplete or unknown → MALFORMED", async () => {
    const { outTradeNo } = await paidTrade();
    const { sign: _s, sign_type: _t, ...base } = h.sandboxes.alipayTrades.buildNotification(outTradeNo).params;
    const { out_trade_no: _o, ...noOutTradeNo } = base;
    expect(await rejection(signed(noOutTradeNo))).toBe("MALFORMED");
    expect(await rejection(signed({ ...base, trade_status: "TRADE_PENDING" }))).toBe("MALFORMED");
    expect(await rejection(signed({ ...base, total_amount: "12.345" }))).toBe("MALFORMED");
    expect(await rejection(signed({ ...base, notify_type: "trade_status_other" }))).toBe("MALFORMED");
    // the untouched fields, signed the same way, are accepted (the helper is not the cause)
    expect((await client.verifyNotification({ headers: FORM, rawBody: Buffer.from(signed(base)) })).kind).toBe(
      "payment",
    );
  });

  it("a signature over other fields (a field added after signing) → BAD_SIGNATURE", async () => {
    const { outTradeNo } = await paidTrade();
    const n = h.sandboxes.alipayTrades.buildNotification(outTradeNo);
    expect(await rejection(`${n.body}&passback_params=extra`)).toBe("BAD_SIGNATURE");
  });

  it("WAIT_BUYER_PAY and TRADE_CLOSED notifications decode to NOT_PAID and CLOSED", async () => {
    const outTradeNo = outNo();
    await client.createTrade({
      outTradeNo,
      amountFen: 100,
      description: "供热费",
      payerId: "2088102177846882",
      expireAt: new Date(Date.now() + 3600_000),
      notifyUrl: "http://127.0.0.1:9/x",
    });
    const waiting = h.sandboxes.alipayTrades.buildNotification(outTradeNo);
    expect(await client.verifyNotification({ headers: FORM, rawBody: Buffer.from(waiting.body) })).toMatchObject({
      kind: "payment",
      trade: { state: "NOT_PAID", transactionId: null, amountFen: null },
    });
    await client.closeTrade(outTradeNo);
    const closed = h.sandboxes.alipayTrades.buildNotification(outTradeNo);
    expect(await client.verifyNotification({ headers: FORM, rawBody: Buffer.from(closed.body) })).toMatchObject({
      kind: "payment",
      trade: { state: "CLOSED" },
    });
  });

  it("answers 'success' (text/plain) when accepted and something else when not", () => {
    expect(client.notificationAnswer(true)).toEqual({ status: 200, type: "text/plain", body: "success" });
    expect(client.notificationAnswer(false).body).not.toBe("success");
  });
});

describe("notification delivery and retries (schedule scaled by 1e-4)", () => {
  it("retries on Alipay's schedule until the answer is exactly 'success', then stops", async () => {
    const answers = ["fail", "SUCCESS", "success\n", "success"];
    const receiver = await startReceiver(async () => ({
      status: 200,
      type: "text/plain",
      body: answers.shift() ?? "success",
    }));
    try {
      const second = await freshPaidAndNotified(receiver.url);
      await waitFor(() => receiver.received.length >= 4, 5000, "four deliveries");
      await new Promise((r) => setTimeout(r, NOTIFY_RETRY_DELAYS_MS[4] * SCALE + 200));
      expect(receiver.received).toHaveLength(4);
      const delivery = h.sandboxes.alipayTrades.deliveries(second).at(-1)!;
      expect(delivery.done).toBe(true);
      expect(delivery.attempts.map((a) => a.body)).toEqual(["fail", "SUCCESS", "success\n", "success"]);
      const gaps = receiver.received.slice(1).map((r, i) => r.at - receiver.received[i].at);
      for (const [i, gap] of gaps.entries()) {
        const expected = NOTIFY_RETRY_DELAYS_MS[i] * SCALE;
        expect(gap).toBeGreaterThanOrEqual(expected - 2);
        expect(gap).toBeLessThan(expected + 1000);
      }
      // every attempt carries the same signed notification, and each verifies
      const bodies = new Set(receiver.received.map((r) => r.rawBody.toString()));
      expect(bodies.size).toBe(1);
      const result = await client.verifyNotification({ headers: FORM, rawBody: receiver.received[0].rawBody });
      expect(result.kind === "payment" && result.trade.outTradeNo).toBe(second);
    } finally {
      await receiver.close();
    }
  });

  it("a receiver that never says 'success' gets the first try and the 7 retries, then no more", async () => {
    const receiver = await startReceiver(async () => ({ status: 200, type: "text/plain", body: "fail" }));
    try {
      const outTradeNo = await freshPaidAndNotified(receiver.url);
      const total = NOTIFY_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0) * SCALE;
      await waitFor(() => receiver.received.length >= 8, total + 5000, "eight deliveries");
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received).toHaveLength(8);
      const delivery = h.sandboxes.alipayTrades.deliveries(outTradeNo).at(-1)!;
      expect(delivery).toMatchObject({ done: false, retrying: false });
      expect(delivery.attempts).toHaveLength(8);
    } finally {
      await receiver.close();
    }
  }, 30_000);

  it("the test route re-sends the last notification (fresh notify_time and sign) and reports the answer", async () => {
    const receiver = await startReceiver(async (req) => {
      try {
        await client.verifyNotification({ headers: req.headers, rawBody: req.rawBody });
        return client.notificationAnswer(true);
      } catch {
        return client.notificationAnswer(false);
      }
    });
    try {
      const outTradeNo = await freshPaidAndNotified(receiver.url);
      const again = await h.post("/sandbox/alipay/test/resend", { out_trade_no: outTradeNo });
      expect(again.status).toBe(200);
      expect(again.json.delivery).toMatchObject({ kind: "payment", done: true });
      expect(receiver.received).toHaveLength(2);
      const built = await h.post("/sandbox/alipay/test/notify-faulty", {
        out_trade_no: outTradeNo,
        fault: "foreign_app_id",
        send: false,
      });
      expect(built.json.params).toMatchObject({ app_id: "2021009999999999", out_trade_no: outTradeNo });
      expect(receiver.received).toHaveLength(2); // built, not sent
      const sent = await h.post("/sandbox/alipay/test/notify-faulty", { out_trade_no: outTradeNo, fault: "bad_sign" });
      expect(sent.json.delivery.attempts[0]).toMatchObject({ status: 200, body: "fail" });
      const list = await fetch(`${h.base}/sandbox/alipay/test/notifications?out_trade_no=${outTradeNo}`);
      expect(((await list.json()) as { deliveries: unknown[] }).deliveries).toHaveLength(3);
    } finally {
      await receiver.close();
    }
  });
});

/** Creates a trade notifying `url` and pays it through the test route (notification on). */
async function freshPaidAndNotified(url: string): Promise<string> {
  const outTradeNo = outNo();
  await client.createTrade({
    outTradeNo,
    amountFen: 880,
    description: "供热费",
    payerId: "2088102177846882",
    expireAt: new Date(Date.now() + 3600_000),
    notifyUrl: url,
  });
  const res = await h.post("/sandbox/alipay/test/pay", { out_trade_no: outTradeNo });
  expect(res.status).toBe(200);
  return outTradeNo;
}
