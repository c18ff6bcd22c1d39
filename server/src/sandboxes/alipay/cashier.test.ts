import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlipayPayClient } from "../../integrations/alipay/alipayPay";
import type { VerifiedNotification } from "../../integrations/payments";
import { type AlipayHarness, outNo, startAlipaySandbox, startReceiver } from "../testing/alipayHarness";

let h: AlipayHarness;
let client: AlipayPayClient;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const notes: VerifiedNotification[] = [];

beforeAll(async () => {
  h = await startAlipaySandbox({ notifyScale: 1e-4 });
  client = await h.client();
  receiver = await startReceiver(async (req) => {
    notes.push(await client.verifyNotification({ headers: req.headers, rawBody: req.rawBody }));
    return client.notificationAnswer(true);
  });
});
afterAll(async () => {
  await receiver.close();
  await h.close();
});

const H5_RETURN = () => `${h.base}/h5/#/pages/pay/result?from=bill`;

async function trade(description = "民乐县供热费 2025-2026 户号1010110101", amountFen = 123456) {
  const outTradeNo = outNo();
  const created = await client.createTrade({
    outTradeNo,
    amountFen,
    description,
    payerId: "2088102177846882",
    expireAt: new Date(Date.now() + 3600_000),
    notifyUrl: receiver.url,
  });
  return { outTradeNo, tradeNo: created.vendorRef, cashierUrl: created.cashierUrl! };
}

function submit(fields: Record<string, string>): Promise<Response> {
  return fetch(`${h.base}/sandbox/alipay/cashier`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

describe("sandbox H5 cashier", () => {
  it("shows the amount in yuan, the subject and the two buttons, in Chinese, Alipay blue", async () => {
    const { cashierUrl, tradeNo } = await trade();
    const res = await fetch(`${cashierUrl}&return_url=${encodeURIComponent(H5_RETURN())}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<span class="yen">¥</span>1234.56');
    expect(html).toContain("民乐县供热费 2025-2026 户号1010110101");
    expect(html).toMatch(/<button[^>]*value="pay"[^>]*>确认支付<\/button>/);
    expect(html).toMatch(/<button[^>]*value="cancel"[^>]*>取消支付<\/button>/);
    expect(html).toContain("#1677FF");
    expect(html).toContain(`name="trade_no" value="${tradeNo}"`);
    expect(html).not.toMatch(/<script/i);
  });

  it("HTML-escapes everything it echoes (subject, return_url)", async () => {
    const { cashierUrl } = await trade(`<img src=x onerror="alert(1)">'供热'`);
    const evilReturn = `${h.base}/h5/#/x?a="><script>alert(1)</script>`;
    const html = await (await fetch(`${cashierUrl}&return_url=${encodeURIComponent(evilReturn)}`)).text();
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&#60;img src＝x onerror＝&#34;alert(1)&#34;&#62;&#39;供热&#39;");
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
  });

  it("确认支付: pays, notifies our notify_url, and 302s to return_url with out_trade_no and result=paid in the hash", async () => {
    const { outTradeNo, tradeNo } = await trade();
    const res = await submit({ trade_no: tradeNo, return_url: H5_RETURN(), action: "pay" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(
      `${h.base}/h5/#/pages/pay/result?from=bill&out_trade_no=${outTradeNo}&result=paid`,
    );
    expect(await client.queryTrade(outTradeNo)).toMatchObject({ state: "PAID", amountFen: 123456 });
    expect(notes.find((n) => n.kind === "payment" && n.trade.outTradeNo === outTradeNo)).toMatchObject({
      trade: { state: "PAID", amountFen: 123456 },
    });
    // paying again just goes back as paid; the page then says it is paid
    const again = await submit({ trade_no: tradeNo, return_url: H5_RETURN(), action: "pay" });
    expect(again.headers.get("location")).toContain("result=paid");
    const page = await (await fetch(`${h.base}/sandbox/alipay/cashier?trade_no=${tradeNo}`)).text();
    expect(page).toContain("该订单已支付");
    expect(page).not.toContain("确认支付");
  });

  it("取消支付: back with result=cancelled (in the query when return_url has no hash); the trade stays payable", async () => {
    const { outTradeNo, tradeNo } = await trade();
    const res = await submit({ trade_no: tradeNo, return_url: `${h.base}/pay/done?x=1`, action: "cancel" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${h.base}/pay/done?x=1&out_trade_no=${outTradeNo}&result=cancelled`);
    expect((await client.queryTrade(outTradeNo))?.state).toBe("NOT_PAID");
  });

  it("refuses a return_url on another host, and unknown or closed trades", async () => {
    const { tradeNo, outTradeNo } = await trade();
    const foreign = await submit({ trade_no: tradeNo, return_url: "https://evil.example/h5/", action: "pay" });
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain("回跳地址无效");
    expect((await client.queryTrade(outTradeNo))?.state).toBe("NOT_PAID");

    const unknown = await fetch(`${h.base}/sandbox/alipay/cashier?trade_no=2025000022001000000000000000`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("订单不存在");

    await client.closeTrade(outTradeNo);
    const closed = await submit({ trade_no: tradeNo, return_url: H5_RETURN(), action: "pay" });
    expect(closed.status).toBe(409);
    expect(await closed.text()).toContain("订单已关闭");
  });
});
