import { createVerify, type KeyObject } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import Pay from "wechatpay-node-v3";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../config";
import { NotificationRejected, PaymentVendorError } from "../payments";
import { spareKeyPair } from "../../sandboxes/testing/keys";
import { renderTradeBill } from "../../sandboxes/wechat-pay/bill";
import { buildNotification, type NotificationEvent } from "../../sandboxes/wechat-pay/notifications";
import { parseTradeBill, TradeBillFormatError } from "./bill";
import { WechatPayClient } from "./client";
import { configuredWechatPayKeys } from "./keys";
import { aesGcmDecrypt, aesGcmEncrypt, parseAuthorization } from "./signing";

const tmpDirs: string[] = [];
const tmp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-wxpay-unit-"));
  tmpDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

const API_V3_KEY = "0123456789abcdefABCDEF0123456789";

describe("signing helpers", () => {
  it("parse WeChat's Authorization header and refuse variants", () => {
    const good =
      'WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="ABC",timestamp="1700000000",serial_no="5157F0",signature="c2ln"';
    expect(parseAuthorization(good)).toEqual({
      mchid: "1900000001",
      nonce_str: "ABC",
      timestamp: "1700000000",
      serial_no: "5157F0",
      signature: "c2ln",
    });
    expect(parseAuthorization(good.replace("WECHATPAY2", "WECHATPAY3"))).toBeNull();
    expect(parseAuthorization(good.replace(',signature="c2ln"', ""))).toBeNull();
    expect(parseAuthorization(`${good},mchid="2"`)).toBeNull();
    expect(parseAuthorization(`${good} trailing`)).toBeNull();
  });

  it("AES-256-GCM: round trip; a flipped byte or wrong associated data fails (the SDK's decipher_gcm does not)", () => {
    const ct = aesGcmEncrypt(API_V3_KEY, "nonce1234567", "transaction", '{"a":1}');
    expect(aesGcmDecrypt(API_V3_KEY, "nonce1234567", "transaction", ct)).toBe('{"a":1}');
    const bytes = Buffer.from(ct, "base64");
    bytes[0] ^= 1;
    const flipped = bytes.toString("base64");
    expect(() => aesGcmDecrypt(API_V3_KEY, "nonce1234567", "transaction", flipped)).toThrow();
    expect(() => aesGcmDecrypt(API_V3_KEY, "nonce1234567", "refund", ct)).toThrow();
    // the reason we do not use the SDK: it hands back altered plaintext without noticing
    const { privateKey, publicKey } = spareKeyPair(3);
    const sdk = new Pay({
      appid: "wx1",
      mchid: "1900000001",
      serial_no: "01",
      publicKey: Buffer.from(publicKey.export({ type: "spki", format: "pem" })),
      privateKey: Buffer.from(privateKey.export({ type: "pkcs8", format: "pem" })),
    });
    expect(() => sdk.decipher_gcm(flipped, "transaction", "nonce1234567", API_V3_KEY)).not.toThrow();
  });
});

// ---- notification verification without HTTP -------------------------------------------------------

function fixture() {
  const merchant = spareKeyPair(0);
  const platform = spareKeyPair(1);
  const pub = spareKeyPair(2);
  const PUB_ID = "PUB_KEY_ID_0119000000012025111400000001";
  const SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
  const client = new WechatPayClient({
    mchId: "1900000001",
    appId: "wx_sandbox_appid",
    apiBase: "http://127.0.0.1:9/unused",
    merchantSerial: "ABCDEF",
    merchantPrivateKey: merchant.privateKey,
    apiV3Key: API_V3_KEY,
    platformCerts: new Map([[SERIAL.toLowerCase(), platform.publicKey]]),
    wechatpayPublicKey: { id: PUB_ID, key: pub.publicKey },
    // a live clock: the skew tests compare against the real time the notification was signed at
    now: () => Date.now(),
  });
  const platformSigner = { serial: SERIAL, privateKey: platform.privateKey };
  const pubSigner = { serial: PUB_ID, privateKey: pub.privateKey };
  const tx = (over: Record<string, unknown> = {}) => ({
    mchid: "1900000001",
    appid: "wx_sandbox_appid",
    out_trade_no: "WL20251114000001",
    transaction_id: "4200000001202511140000000001",
    trade_type: "JSAPI",
    trade_state: "SUCCESS",
    trade_state_desc: "支付成功",
    bank_type: "OTHERS",
    success_time: "2025-11-14T12:00:00+08:00",
    payer: { openid: "o1" },
    amount: { total: 12345, payer_total: 12345, currency: "CNY", payer_currency: "CNY" },
    ...over,
  });
  const verify = (n: { headers: Record<string, string | string[]>; body: string }) =>
    client.verifyNotification({ headers: n.headers, rawBody: Buffer.from(n.body) });
  return { client, platformSigner, pubSigner, tx, verify, merchant };
}

async function reason(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NotificationRejected);
  return (err as NotificationRejected).reason;
}

describe("verifyNotification", () => {
  const f = fixture();
  const build = (
    resource: Record<string, unknown>,
    opts: {
      event?: NotificationEvent;
      signer?: typeof f.platformSigner;
      faults?: Parameters<typeof buildNotification>[1];
    } = {},
  ) =>
    buildNotification(
      {
        event: opts.event ?? "TRANSACTION.SUCCESS",
        resource,
        apiV3Key: API_V3_KEY,
        signer: opts.signer ?? f.platformSigner,
        nowMs: Date.now(),
      },
      opts.faults,
    );

  it("accepts both key modes and takes the serial case-insensitively", async () => {
    const a = await f.verify(build(f.tx()));
    expect(a).toMatchObject({ kind: "payment", trade: { state: "PAID", amountFen: 12345 } });
    expect(a.kind === "payment" && a.trade.paidAt?.toISOString()).toBe("2025-11-14T04:00:00.000Z");
    expect((await f.verify(build(f.tx(), { signer: f.pubSigner }))).kind).toBe("payment");
    const lower = build(f.tx());
    lower.headers["wechatpay-serial"] = lower.headers["wechatpay-serial"].toLowerCase();
    expect((await f.verify(lower)).kind).toBe("payment");
  });

  it("takes the timestamp window from the configured skew, both ways", async () => {
    expect(await reason(f.verify(build(f.tx(), { faults: { timestampOffsetS: 301 } })))).toBe("STALE_TIMESTAMP");
    expect(await reason(f.verify(build(f.tx(), { faults: { timestampOffsetS: -301 } })))).toBe("STALE_TIMESTAMP");
    expect((await f.verify(build(f.tx(), { faults: { timestampOffsetS: -290 } }))).kind).toBe("payment");
  });

  it("rejects missing or repeated headers and a bad body as MALFORMED", async () => {
    const n = build(f.tx());
    const { "wechatpay-signature": _, ...noSignature } = n.headers;
    expect(await reason(f.verify({ ...n, headers: noSignature }))).toBe("MALFORMED");
    expect(await reason(f.verify({ ...n, headers: { ...n.headers, "wechatpay-nonce": ["a", "b"] } }))).toBe(
      "MALFORMED",
    );
    expect(await reason(f.verify({ ...n, headers: { ...n.headers, "wechatpay-timestamp": "12x" } }))).toBe("MALFORMED");
    expect(await reason(f.verify(build(f.tx(), { faults: { rawBody: "[]" } })))).toBe("MALFORMED");
    // an unpaid transaction is no payment notification
    expect(await reason(f.verify(build(f.tx({ trade_state: "NOTPAY" }))))).toBe("MALFORMED");
    // a transaction event whose resource claims to be a refund
    expect(await reason(f.verify(build(f.tx(), { event: "REFUND.SUCCESS" })))).toBe("MALFORMED");
  });

  it("rejects an unknown serial and a public-key id that is not ours, without fetching anything", async () => {
    expect(await reason(f.verify(build(f.tx(), { faults: { serial: "ABCDEF0123" } })))).toBe("UNKNOWN_SERIAL");
    expect(
      await reason(f.verify(build(f.tx(), { signer: { ...f.pubSigner, serial: "PUB_KEY_ID_0119000000019999" } }))),
    ).toBe("UNKNOWN_SERIAL");
    // signed by the public-key-mode key but claiming the platform certificate's serial
    expect(await reason(f.verify(build(f.tx(), { signer: { ...f.pubSigner, serial: f.platformSigner.serial } })))).toBe(
      "BAD_SIGNATURE",
    );
  });

  it("rejects a body changed after signing and a foreign currency", async () => {
    const n = build(f.tx());
    expect(await reason(f.verify({ ...n, body: n.body.replace("支付成功", "支付成功 ") }))).toBe("BAD_SIGNATURE");
    expect(await reason(f.verify(build(f.tx({ amount: { total: 1, payer_total: 1, currency: "USD" } }))))).toBe(
      "BAD_CURRENCY",
    );
  });

  it("decodes refund notifications of every status", async () => {
    const refund = (status: string) => ({
      mchid: "1900000001",
      out_trade_no: "WL20251114000001",
      transaction_id: "4200000001202511140000000001",
      out_refund_no: "RF20251114000001",
      refund_id: "50300000012025111400000001",
      refund_status: status,
      success_time: "2025-11-14T13:00:00+08:00",
      user_received_account: "支付用户零钱",
      amount: { total: 12345, refund: 345, payer_total: 12345, payer_refund: 345 },
    });
    for (const status of ["SUCCESS", "CLOSED", "ABNORMAL"] as const) {
      const r = await f.verify(build(refund(status), { event: `REFUND.${status}` }));
      expect(r).toMatchObject({
        kind: "refund",
        status,
        refundFen: 345,
        outRefundNo: "RF20251114000001",
        outTradeNo: "WL20251114000001",
      });
    }
    expect(await reason(f.verify(build(refund("SUCCESS"), { event: "REFUND.CLOSED" })))).toBe("MALFORMED");
    expect(
      await reason(f.verify(build({ ...refund("SUCCESS"), mchid: "1900000002" }, { event: "REFUND.SUCCESS" }))),
    ).toBe("FOREIGN_MERCHANT");
  });

  it("answers WeChat the way it wants", () => {
    expect(f.client.notificationAnswer(true)).toMatchObject({ status: 200, body: "" });
    const no = f.client.notificationAnswer(false);
    expect(no.status).toBe(400);
    expect(no.type).toContain("application/json");
    expect(JSON.parse(no.body)).toEqual({ code: "FAIL", message: "失败" });
  });
});

describe("request signing on the wire", () => {
  it("sends WeChat's Authorization with a CSPRNG nonce, signed over METHOD\\nURL\\nts\\nnonce\\nbody\\n", async () => {
    const seen: { method: string; url: string; auth: string; body: string }[] = [];
    const capture = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        auth: req.headers.authorization ?? "",
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(500, { "content-type": "application/json" }).end('{"code":"SYSTEM_ERROR","message":"系统错误"}');
    });
    await new Promise<void>((r) => capture.listen(0, "127.0.0.1", () => r()));
    const base = `http://127.0.0.1:${(capture.address() as AddressInfo).port}/prefix`;
    const f = fixture();
    const client = new WechatPayClient({
      mchId: "1900000001",
      appId: "wx_sandbox_appid",
      apiBase: base,
      merchantSerial: "ABCDEF",
      merchantPrivateKey: f.merchant.privateKey,
      apiV3Key: API_V3_KEY,
      platformCerts: new Map(),
      wechatpayPublicKey: null,
    });
    try {
      const e1 = await client.queryTrade("WL20251114000001").catch((e: unknown) => e);
      expect(e1).toBeInstanceOf(PaymentVendorError);
      expect(e1).toMatchObject({ code: "SYSTEM_ERROR", message: "系统错误" });
      await client.closeTrade("WL20251114000001").catch(() => undefined);
      await client.queryTrade("WL20251114000001").catch(() => undefined);
    } finally {
      capture.closeAllConnections();
      await new Promise((r) => capture.close(r));
    }
    const nonces = new Set<string>();
    for (const s of seen) {
      const m =
        /^WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="([0-9A-F]{32})",timestamp="(\d{10})",serial_no="ABCDEF",signature="([A-Za-z0-9+/=]+)"$/.exec(
          s.auth,
        );
      expect(m, s.auth).not.toBeNull();
      const [, nonce, ts, sig] = m as RegExpExecArray;
      nonces.add(nonce);
      const canonical = s.url.replace(/^\/prefix/, "");
      const message = `${s.method}\n${canonical}\n${ts}\n${nonce}\n${s.body}\n`;
      expect(
        createVerify("RSA-SHA256")
          .update(message)
          .verify(f.merchant.publicKey as KeyObject, sig, "base64"),
      ).toBe(true);
    }
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "GET /prefix/v3/pay/transactions/out-trade-no/WL20251114000001?mchid=1900000001",
      "POST /prefix/v3/pay/transactions/out-trade-no/WL20251114000001/close",
      "GET /prefix/v3/pay/transactions/out-trade-no/WL20251114000001?mchid=1900000001",
    ]);
    expect(seen[1].body).toBe('{"mchid":"1900000001"}');
    expect(nonces.size).toBe(3);
  });
});

describe("trade bill parser", () => {
  const header =
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注";
  const line = (time: string, txn: string, out: string, state: string, amount: string, refund: string, name: string) =>
    `\`${time},\`wx2421b1c4370ec43b,\`10000100,\`0,\`,\`${txn},\`${out},\`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,\`JSAPI,\`${state},\`OTHERS,\`CNY,\`${amount},\`0.00,\`0,\`0,\`${refund},\`0.00,\`,\`,\`${name},\`,\`0.00000,\`0.60%,\`${amount},\`${refund},\``;
  const summary = (n: number) =>
    `总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n\`${n},\`0.00,\`0.00,\`0.00,\`0.00000,\`0.00,\`0.00`;

  it("reads WeChat's format: BOM, backtick fields, commas inside a name, yuan to exact fen", () => {
    const text = `\uFEFF${header}\r\n${line("2025-11-14 09:05:01", "4200000001", "WL1", "SUCCESS", "0.01", "0.00", "供热费,2025")}\r\n${line("2025-11-14 23:59:59", "4200000002", "WL2", "SUCCESS", "1234.56", "0.00", "x")}\r\n${line("2025-11-14 10:00:00", "4200000001", "WL1", "REFUND", "0.00", "0.10", "x")}\r\n${summary(3)}\r\n`;
    expect(parseTradeBill(text)).toEqual([
      {
        outTradeNo: "WL1",
        transactionId: "4200000001",
        amountFen: 1,
        state: "PAID",
        refundFen: 0,
        at: new Date("2025-11-14T01:05:01Z"),
      },
      {
        outTradeNo: "WL2",
        transactionId: "4200000002",
        amountFen: 123456,
        state: "PAID",
        refundFen: 0,
        at: new Date("2025-11-14T15:59:59Z"),
      },
      {
        outTradeNo: "WL1",
        transactionId: "4200000001",
        amountFen: 0,
        state: "REFUND",
        refundFen: 10,
        at: new Date("2025-11-14T02:00:00Z"),
      },
    ]);
  });

  it("refuses what it does not understand rather than returning part of a bill", () => {
    const ok = (body: string, n: number) => `${header}\n${body}\n${summary(n)}\n`;
    const l = (amount: string, state = "SUCCESS") =>
      line("2025-11-14 09:05:01", "42", "WL1", state, amount, "0.00", "x");
    expect(() => parseTradeBill(ok(l("0.1"), 1))).not.toThrow();
    expect(() => parseTradeBill(ok(l("1.234"), 1))).toThrow(TradeBillFormatError);
    expect(() => parseTradeBill(ok(l("-1.00"), 1))).toThrow(TradeBillFormatError);
    expect(() => parseTradeBill(ok(l("abc"), 1))).toThrow(TradeBillFormatError);
    expect(() => parseTradeBill(ok(l("1.00", "REVOKED"), 1))).toThrow(TradeBillFormatError);
    expect(() => parseTradeBill(ok(l("1.00"), 2))).toThrow(TradeBillFormatError);
    expect(() => parseTradeBill(`${header}\n${l("1.00")}\n`)).toThrow(TradeBillFormatError);
    expect(() => parseTradeBill(ok(l("1.00"), 1).replace("商户订单号", "订单"))).toThrow(TradeBillFormatError);
  });

  it("reads back what the sandbox writes", () => {
    const at = new Date("2025-11-14T04:00:00Z");
    const text = renderTradeBill([
      {
        at,
        appId: "wx1",
        mchId: "1900000001",
        transactionId: "4200",
        outTradeNo: "WL1",
        openid: "o",
        state: "SUCCESS",
        totalFen: 99999999,
        description: "a,`b",
      },
    ]);
    expect(parseTradeBill(text)).toEqual([
      { outTradeNo: "WL1", transactionId: "4200", amountFen: 99999999, state: "PAID", refundFen: 0, at },
    ]);
  });
});

describe("configuration and keys", () => {
  it("has sandbox defaults and validates the WeChat Pay settings", () => {
    const c = loadConfig({
      WARMLINE_DEV: "true",
      DATA_DIR: tmp(),
      PUBLIC_URL: "http://h5.test:8080",
      WECHAT_APPID: "wxAPP",
    });
    expect(c.wechatPay).toMatchObject({
      mchId: "1900000001",
      appId: "wxAPP",
      apiBase: "http://h5.test:8080/sandbox/wechatpay",
      notifySkewS: 300,
      sandboxNotifyScale: 1,
    });
    expect(
      loadConfig({ WARMLINE_DEV: "true", WECHATPAY_SANDBOX_NOTIFY_SCALE: "0.001" }).wechatPay.sandboxNotifyScale,
    ).toBe(0.001);
    const prod = loadConfig({
      WARMLINE_DEV: "true",
      DATA_DIR: tmp(),
      SANDBOX_VENDORS: "false",
      WECHATPAY_APPID: "wxPAY",
    });
    expect(prod.wechatPay).toMatchObject({ apiBase: "https://api.mch.weixin.qq.com", appId: "wxPAY" });
    const bad = (() => {
      try {
        loadConfig({
          WARMLINE_DEV: "true",
          WECHATPAY_APIV3_KEY: "short",
          WECHATPAY_PUBLIC_KEY_ID: "0119",
          WECHATPAY_MCHID: "abc",
        });
      } catch (e) {
        return e;
      }
    })();
    expect(bad).toBeInstanceOf(ConfigError);
    const problems = (bad as ConfigError).problems.join("\n");
    expect(problems).toContain("WECHATPAY_APIV3_KEY");
    expect(problems).not.toContain("short"); // secrets are not echoed
    expect(problems).toContain("WECHATPAY_PUBLIC_KEY_ID");
    expect(problems).toContain("WECHATPAY_MCHID");
  });

  it("outside sandbox mode names every missing key", () => {
    const c = loadConfig({ WARMLINE_DEV: "true", DATA_DIR: tmp(), SANDBOX_VENDORS: "false" });
    expect(() => configuredWechatPayKeys(c)).toThrow(
      /WECHATPAY_MERCHANT_PRIVATE_KEY, WECHATPAY_MERCHANT_SERIAL, WECHATPAY_APIV3_KEY, WECHATPAY_PLATFORM_CERTS or WECHATPAY_PUBLIC_KEY/,
    );
    const half = loadConfig({
      WARMLINE_DEV: "true",
      DATA_DIR: tmp(),
      SANDBOX_VENDORS: "false",
      WECHATPAY_PUBLIC_KEY: "x",
    });
    expect(() => configuredWechatPayKeys(half)).toThrow(/WECHATPAY_PUBLIC_KEY_ID/);
  });
});
