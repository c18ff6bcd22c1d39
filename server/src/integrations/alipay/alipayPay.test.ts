import http from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PaymentVendorError, type VerifiedNotification } from "../payments";
import { zipEntries, zipRead } from "./alipayBill";
import { shanghaiDate, shanghaiDateTime } from "./alipayFormat";
import { AlipayPayClient } from "./alipayPay";
import type { SandboxBillRow } from "../../sandboxes/alipay/bill";
import {
  type AlipayHarness,
  closeServer,
  listen,
  outNo,
  startAlipaySandbox,
  startReceiver,
  strangerKeys,
  waitFor,
} from "../../sandboxes/testing/alipayHarness";

let clock = Date.now();
let h: AlipayHarness;
let client: AlipayPayClient;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const verified: { outTradeNo: string; result?: VerifiedNotification; error?: unknown }[] = [];

beforeAll(async () => {
  h = await startAlipaySandbox({ now: () => clock, notifyScale: 1e-4 });
  client = await h.client();
  receiver = await startReceiver(async (req) => {
    try {
      const result = await client.verifyNotification({ headers: req.headers, rawBody: req.rawBody });
      const outTradeNo = result.kind === "payment" ? result.trade.outTradeNo : result.outTradeNo;
      verified.push({ outTradeNo, result });
      return client.notificationAnswer(true);
    } catch (error) {
      verified.push({ outTradeNo: new URLSearchParams(req.rawBody.toString()).get("out_trade_no") ?? "", error });
      return client.notificationAnswer(false);
    }
  });
});
afterAll(async () => {
  await receiver.close();
  await h.close();
});
afterEach(() => {
  clock = Date.now();
});

const HOUR = 3600_000;

async function create(amountFen: number, extra: { outTradeNo?: string; description?: string; payerId?: string } = {}) {
  const outTradeNo = extra.outTradeNo ?? outNo();
  const created = await client.createTrade({
    outTradeNo,
    amountFen,
    description: extra.description ?? "民乐县供热费 2025-2026 户号1010110101",
    payerId: extra.payerId ?? "2088102177846882",
    expireAt: new Date(clock + 2 * HOUR),
    notifyUrl: receiver.url,
  });
  return { outTradeNo, created };
}

async function pay(outTradeNo: string, notify = true) {
  const res = await h.post("/sandbox/alipay/test/pay", { out_trade_no: outTradeNo, notify });
  expect(res.status).toBe(200);
  return res.json as { trade_no: string; trade_status: string; delivery: { done: boolean } | null };
}

async function vendorCode(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PaymentVendorError);
  return (err as PaymentVendorError).code;
}

describe("trades against the sandbox, through the real alipay-sdk", () => {
  it("create → NOT_PAID → pay → PAID with the amount in fen; the notification verifies", async () => {
    const { outTradeNo, created } = await create(1234567);
    expect(created.vendorRef).toMatch(/^\d{8}22001\d{15}$/);
    expect(created.clientParams).toEqual({ tradeNO: created.vendorRef });
    expect(created.cashierUrl).toBe(
      `${h.base}/sandbox/alipay/cashier?trade_no=${encodeURIComponent(created.vendorRef)}`,
    );

    const before = await client.queryTrade(outTradeNo);
    expect(before).toMatchObject({
      outTradeNo,
      state: "NOT_PAID",
      transactionId: null,
      amountFen: null,
      paidAt: null,
      merchant: { appId: h.config.alipay.appId, sellerId: "2088000000000001" },
    });

    const paid = await pay(outTradeNo);
    expect(paid).toMatchObject({ trade_no: created.vendorRef, trade_status: "TRADE_SUCCESS" });
    expect(paid.delivery?.done).toBe(true);

    const after = await client.queryTrade(outTradeNo);
    expect(after).toMatchObject({ state: "PAID", transactionId: created.vendorRef, amountFen: 1234567 });
    expect(after?.paidAt?.getTime()).toBe(Math.floor(clock / 1000) * 1000);
    expect((after!.raw as Record<string, unknown>).total_amount).toBe("12345.67");

    const note = verified.find((v) => v.outTradeNo === outTradeNo);
    expect(note?.error).toBeUndefined();
    expect(note?.result).toMatchObject({
      kind: "payment",
      trade: {
        outTradeNo,
        state: "PAID",
        transactionId: created.vendorRef,
        amountFen: 1234567,
        merchant: { appId: h.config.alipay.appId, sellerId: "2088000000000001" },
      },
    });
  });

  it("sends what Alipay expects: biz_content, notify_url, time_expire in Beijing time, user id vs open id", async () => {
    const expireAt = new Date(clock + 90 * 60_000);
    const outTradeNo = outNo();
    await client.createTrade({
      outTradeNo,
      amountFen: 10010,
      description: "供热费 A/B=1&2",
      payerId: "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5",
      expireAt,
      notifyUrl: receiver.url,
    });
    const trade = h.sandboxes.alipayTrades.get(outTradeNo);
    expect(trade).toMatchObject({
      totalFen: 10010,
      subject: "供热费 A／B＝1＆2",
      buyerId: null,
      buyerOpenId: "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5",
      notifyUrl: receiver.url,
      expireAt: Math.floor(expireAt.getTime() / 1000) * 1000,
    });
  });

  it("the same out_trade_no again: same trade_no; with another amount: ACQ.CONTEXT_INCONSISTENT", async () => {
    const { outTradeNo, created } = await create(500);
    const again = await create(500, { outTradeNo });
    expect(again.created.vendorRef).toBe(created.vendorRef);
    expect(await vendorCode(create(501, { outTradeNo }))).toBe("ACQ.CONTEXT_INCONSISTENT");
    await pay(outTradeNo);
    expect(await vendorCode(create(500, { outTradeNo }))).toBe("ACQ.TRADE_HAS_SUCCESS");
  });

  it("an unknown out_trade_no queries as null (ACQ.TRADE_NOT_EXIST)", async () => {
    expect(await client.queryTrade(outNo("NONE"))).toBeNull();
  });

  it("close: CLOSED, closing again is fine, a closed trade cannot be paid, a paid one cannot be closed", async () => {
    const { outTradeNo } = await create(100);
    await client.closeTrade(outTradeNo);
    expect((await client.queryTrade(outTradeNo))?.state).toBe("CLOSED");
    await client.closeTrade(outTradeNo);
    const res = await h.post("/sandbox/alipay/test/pay", { out_trade_no: outTradeNo });
    expect(res.status).toBe(409);

    const other = await create(100);
    await pay(other.outTradeNo);
    expect(await vendorCode(client.closeTrade(other.outTradeNo))).toBe("ACQ.TRADE_STATUS_ERROR");
    expect(await vendorCode(client.closeTrade(outNo("NONE")))).toBe("ACQ.TRADE_NOT_EXIST");
  });

  it("an unpaid trade closes at its time_expire", async () => {
    const { outTradeNo } = await create(100);
    clock += 2 * HOUR - 1000;
    expect((await client.queryTrade(outTradeNo))?.state).toBe("NOT_PAID");
    clock += 1000;
    expect((await client.queryTrade(outTradeNo))?.state).toBe("CLOSED");
    expect((await h.post("/sandbox/alipay/test/pay", { out_trade_no: outTradeNo })).status).toBe(409);
  });

  it("a lost callback (notify:false) sends nothing; querying still finds the payment", async () => {
    const { outTradeNo } = await create(300);
    const paid = await pay(outTradeNo, false);
    expect(paid.delivery).toBeNull();
    expect(h.sandboxes.alipayTrades.deliveries(outTradeNo)).toEqual([]);
    expect((await client.queryTrade(outTradeNo))?.state).toBe("PAID");
    // re-sending needs an earlier notification
    expect((await h.post("/sandbox/alipay/test/resend", { out_trade_no: outTradeNo })).status).toBe(409);
  });
});

describe("refunds", () => {
  const refund = (outTradeNo: string, outRefundNo: string, refundFen: number, totalFen = 100) =>
    client.refund({ outTradeNo, outRefundNo, refundFen, totalFen, reason: "退费", notifyUrl: receiver.url });

  it("partial refunds; a repeated out_request_no is the same refund; over-refund is refused; then REFUNDED", async () => {
    const { outTradeNo, created } = await create(100);
    await pay(outTradeNo);

    const first = await refund(outTradeNo, "R1", 60);
    expect(first).toMatchObject({ refundId: `${created.vendorRef}:R1`, status: "SUCCESS" });
    expect((first.raw as Record<string, unknown>).fund_change).toBe("Y");

    // Alipay answers a repeated out_request_no with fund_change=N: the client confirms through refund.query
    const repeated = await refund(outTradeNo, "R1", 60);
    expect(repeated).toMatchObject({ refundId: `${created.vendorRef}:R1`, status: "SUCCESS" });
    expect((repeated.raw as { refund: Record<string, unknown> }).refund.fund_change).toBe("N");
    expect(h.sandboxes.alipayTrades.get(outTradeNo)?.refundedFen).toBe(60);

    expect(await vendorCode(refund(outTradeNo, "R1", 50))).toBe("ACQ.DISCORDANT_REPEAT_REQUEST");
    expect(await vendorCode(refund(outTradeNo, "R2", 41))).toBe("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL");
    expect((await client.queryTrade(outTradeNo))?.state).toBe("PAID");

    expect((await refund(outTradeNo, "R2", 40)).status).toBe("SUCCESS");
    expect(h.sandboxes.alipayTrades.get(outTradeNo)?.refundedFen).toBe(100);
    const after = await client.queryTrade(outTradeNo);
    expect(after).toMatchObject({ state: "REFUNDED", amountFen: 100, transactionId: created.vendorRef });
    expect(await vendorCode(refund(outTradeNo, "R3", 1))).toBe("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL");

    // each refund was notified; the verified notification carries that refund's amount, not refund_fee's total
    const refunds = await waitFor(
      () => {
        const r = verified.filter((v) => v.outTradeNo === outTradeNo && v.result?.kind === "refund");
        return r.length === 2 && r;
      },
      5000,
      "two refund notifications",
    );
    const byNo = Object.fromEntries(
      refunds.flatMap((r) => (r.result?.kind === "refund" ? [[r.result.outRefundNo, r.result] as const] : [])),
    );
    expect(byNo.R1).toMatchObject({ kind: "refund", outTradeNo, refundFen: 60, status: "SUCCESS" });
    expect(byNo.R2).toMatchObject({ kind: "refund", refundFen: 40, refundId: `${created.vendorRef}:R2` });
    expect((byNo.R2!.raw as Record<string, string>).refund_fee).toBe("1.00");
    expect((byNo.R2!.raw as Record<string, string>).trade_status).toBe("TRADE_CLOSED");
  });

  it("refunding an unpaid or unknown trade is refused", async () => {
    const { outTradeNo } = await create(100);
    expect(await vendorCode(refund(outTradeNo, "R1", 10))).toBe("ACQ.TRADE_STATUS_ERROR");
    expect(await vendorCode(refund(outNo("NONE"), "R1", 10))).toBe("ACQ.TRADE_NOT_EXIST");
    await expect(refund(outTradeNo, "R1", 101)).rejects.toThrow(RangeError);
  });
});

describe("trade bill", () => {
  const date = "2024-11-20";

  const rows: SandboxBillRow[] = [
    {
      trade_no: "2025112022001400000000000001",
      out_trade_no: "WL-SEEN-1",
      biz_type: "交易",
      subject: '民乐县供热费, 2025-2026 "户号" 1010110101',
      gmt_create: "2024-11-20 09:59:00",
      gmt_finish: "2024-11-20 10:00:00",
      total_amount: "1000001.05",
      receipt_amount: "1000001.05",
    },
    {
      // a trade we never saw
      trade_no: "2025112022001400000000000002",
      out_trade_no: "WL-NEVER-SEEN",
      biz_type: "交易",
      gmt_finish: "2024-11-20 23:59:59",
      total_amount: "0.01",
      receipt_amount: "0.01",
    },
    {
      // the amount does not match our order's
      trade_no: "2025112022001400000000000003",
      out_trade_no: "WL-MISMATCH",
      biz_type: "交易",
      gmt_finish: "2024-11-20 12:00:00",
      total_amount: "100.10",
      receipt_amount: "100.10",
    },
    {
      trade_no: "2025112022001400000000000001",
      out_trade_no: "WL-SEEN-1",
      biz_type: "退款",
      gmt_create: "2024-11-20 09:59:00",
      gmt_finish: "2024-11-20 18:30:00",
      total_amount: "1000001.05",
      receipt_amount: "-12.34",
      out_request_no: "WL-SEEN-1-R1",
    },
  ];
  const expected = [
    {
      outTradeNo: "WL-SEEN-1",
      transactionId: "2025112022001400000000000001",
      amountFen: 100000105,
      state: "PAID",
      refundFen: 0,
      at: new Date("2024-11-20T02:00:00Z"),
    },
    {
      outTradeNo: "WL-NEVER-SEEN",
      transactionId: "2025112022001400000000000002",
      amountFen: 1,
      state: "PAID",
      refundFen: 0,
      at: new Date("2024-11-20T15:59:59Z"),
    },
    {
      outTradeNo: "WL-MISMATCH",
      transactionId: "2025112022001400000000000003",
      amountFen: 10010,
      state: "PAID",
      refundFen: 0,
      at: new Date("2024-11-20T04:00:00Z"),
    },
    {
      outTradeNo: "WL-SEEN-1",
      transactionId: "2025112022001400000000000001",
      amountFen: 100000105,
      state: "REFUND",
      refundFen: 1234,
      at: new Date("2024-11-20T10:30:00Z"),
    },
  ];

  it.each(["zip", "csv"] as const)("parses prepared rows served as Alipay's GBK %s", async (format) => {
    const set = await h.post("/sandbox/alipay/test/bill", { date, rows, format }, "PUT");
    expect(set.status).toBe(200);
    expect(await client.downloadBill(date)).toEqual(expected);
  });

  it("the file is what Alipay serves: a zip with GBK-named GBK CSVs (not UTF-8)", async () => {
    await h.post("/sandbox/alipay/test/bill", { date, rows, format: "zip" }, "PUT");
    const url = await urlOfBill(date);
    const zip = Buffer.from(await (await fetch(url)).arrayBuffer());
    const entries = zipEntries(zip);
    expect(entries.map((e) => e.name)).toEqual([
      "20880000000000010156_20241120_业务明细.csv",
      "20880000000000010156_20241120_业务明细(汇总).csv",
    ]);
    const detail = zipRead(zip, entries[0]);
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(detail)).toThrow();
    const text = new TextDecoder("gbk").decode(detail);
    expect(text.split("\r\n")[4]).toMatch(/^支付宝交易号,商户订单号,业务类型,.*,订单金额（元）,商家实收（元）,/);
    expect(text).toContain("2025112022001400000000000002\t,WL-NEVER-SEEN\t,交易\t,");
  });

  it("without prepared rows the bill lists the sandbox's payments and refunds of that day", async () => {
    const { outTradeNo, created } = await create(2599);
    await pay(outTradeNo);
    await client.refund({
      outTradeNo,
      outRefundNo: "BR1",
      refundFen: 599,
      totalFen: 2599,
      reason: "",
      notifyUrl: receiver.url,
    });
    const today = shanghaiDate(clock);
    const bill = await client.downloadBill(today);
    const mine = bill.filter((r) => r.outTradeNo === outTradeNo);
    expect(mine).toEqual([
      expect.objectContaining({ transactionId: created.vendorRef, state: "PAID", amountFen: 2599, refundFen: 0 }),
      expect.objectContaining({ transactionId: created.vendorRef, state: "REFUND", amountFen: 2599, refundFen: 599 }),
    ]);
    expect(shanghaiDateTime(mine[0].at)).toBe(shanghaiDateTime(clock));
  });

  it("a future date has no bill (isp.bill_not_exist); a malformed date is refused before calling", async () => {
    expect(await vendorCode(client.downloadBill(shanghaiDate(clock + 48 * HOUR)))).toBe("isp.bill_not_exist");
    await expect(client.downloadBill("2025-13-01")).rejects.toThrow(RangeError);
  });

  async function urlOfBill(day: string): Promise<string> {
    const captured: string[] = [];
    const proxy = await tamperingProxy((b) => {
      captured.push(b);
      return b;
    });
    try {
      await clientVia(proxy.url).downloadBill(day);
    } finally {
      await closeServer(proxy.server);
    }
    const url = JSON.parse(captured[0]).alipay_data_dataservice_bill_downloadurl_query_response.bill_download_url;
    // a download address is good for 30 seconds, and more than once within them
    return url as string;
  }
});

// ---- answer signatures ----------------------------------------------------------------------------

/** A man in the middle between the client and the sandbox gateway that rewrites answers. */
async function tamperingProxy(rewrite: (body: string) => string): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const upstream = await fetch(`${h.base}${req.url}`, {
      method: req.method,
      headers: { "content-type": req.headers["content-type"] ?? "" },
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const text = await upstream.text();
    res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "text/plain" });
    res.end(rewrite(text));
  });
  const url = await listen(server);
  return { url: `${url}/sandbox/alipay/gateway.do`, server };
}

function clientVia(gateway: string, overrides: Partial<ConstructorParameters<typeof AlipayPayClient>[0]> = {}) {
  return new AlipayPayClient({
    appId: h.config.alipay.appId,
    privateKey: h.keys.appPrivateKey,
    alipayPublicKey: h.keys.alipayPublicKey,
    gateway,
    sellerId: "2088000000000001",
    ...overrides,
  });
}

describe("answer signatures are verified, success and error answers alike", () => {
  it.each([
    ["a changed amount", (b: string) => b.replace('"total_amount":"3.00"', '"total_amount":"0.03"')],
    ["a changed status", (b: string) => b.replace('"WAIT_BUYER_PAY"', '"TRADE_SUCCESS"')],
    [
      "a flipped byte in sign",
      (b: string) => b.replace(/"sign":"(.)/, (_m, c: string) => `"sign":"${c === "A" ? "B" : "A"}`),
    ],
    ["no sign at all", (b: string) => b.replace(/,"sign":"[^"]*"/, "")],
  ])("a tampered query answer (%s) → INVALID_RESPONSE_SIGNATURE", async (_name, rewrite) => {
    const { outTradeNo } = await create(300);
    const proxy = await tamperingProxy(rewrite);
    try {
      expect(await vendorCode(clientVia(proxy.url).queryTrade(outTradeNo))).toBe("INVALID_RESPONSE_SIGNATURE");
      // the untouched answer through a pass-through proxy is believed (the proxy is not the cause)
    } finally {
      await closeServer(proxy.server);
    }
    const honest = await tamperingProxy((b) => b);
    try {
      expect((await clientVia(honest.url).queryTrade(outTradeNo))?.state).toBe("NOT_PAID");
    } finally {
      await closeServer(honest.server);
    }
  });

  it("a forged business error (ACQ.TRADE_NOT_EXIST with a bad sign) is not believed", async () => {
    const { outTradeNo } = await create(300);
    const proxy = await tamperingProxy(
      () =>
        '{"alipay_trade_query_response":{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在"},"sign":"AAAA"}',
    );
    try {
      expect(await vendorCode(clientVia(proxy.url).queryTrade(outTradeNo))).toBe("INVALID_RESPONSE_SIGNATURE");
    } finally {
      await closeServer(proxy.server);
    }
  });

  it("a signed error_response (wrong app id) is verified over error_response and reported by sub_code", async () => {
    const captured: string[] = [];
    const proxy = await tamperingProxy((b) => {
      captured.push(b);
      return b;
    });
    try {
      expect(await vendorCode(clientVia(proxy.url, { appId: "2021009999999999" }).queryTrade(outNo()))).toBe(
        "isv.invalid-app-id",
      );
    } finally {
      await closeServer(proxy.server);
    }
    expect(captured[0]).toMatch(/^\{"error_response":\{.*"sub_code":"isv.invalid-app-id".*\},"sign":"[^"]+"\}$/);
  });

  it("a forged error_response (its sign does not verify) → INVALID_RESPONSE_SIGNATURE", async () => {
    const proxy = await tamperingProxy((b) => b.replace("isv.invalid-app-id", "isv.invalid-signature"));
    try {
      expect(await vendorCode(clientVia(proxy.url, { appId: "2021009999999999" }).queryTrade(outNo()))).toBe(
        "INVALID_RESPONSE_SIGNATURE",
      );
    } finally {
      await closeServer(proxy.server);
    }
  });

  it("answers signed by another key (wrong ALIPAY_PUBLIC_KEY) are not believed", async () => {
    const stranger = strangerKeys().publicKey;
    const { outTradeNo } = await create(300);
    expect(await vendorCode(clientVia(h.gateway, { alipayPublicKey: stranger }).queryTrade(outTradeNo))).toBe(
      "INVALID_RESPONSE_SIGNATURE",
    );
  });

  it("a request signed with another app key is refused by the gateway (isv.invalid-signature)", async () => {
    const other = strangerKeys().privateKey;
    expect(await vendorCode(clientVia(h.gateway, { privateKey: other }).queryTrade(outNo()))).toBe(
      "isv.invalid-signature",
    );
  });

  it("an unreachable gateway → NETWORK_ERROR", async () => {
    const server = http.createServer();
    const url = await listen(server);
    await closeServer(server);
    expect(await vendorCode(clientVia(`${url}/gateway.do`).queryTrade(outNo()))).toBe("NETWORK_ERROR");
  });
});
