import type { Context } from "koa";
import { checkRedirect, escapeHtml, withLoginResult } from "../pages";
import { fenToYuan } from "../../integrations/alipay/alipayFormat";
import type { AlipaySandboxTrades, SandboxTrade } from "./trade";

/**
 * The sandbox's H5 cashier (收银台), standing in for the payment sheet my.tradePay opens in the Alipay app:
 *   GET  …/cashier?trade_no=…&return_url=…   shows the amount and subject, "确认支付" / "取消支付"
 *   POST …/cashier                           pays (and notifies) or cancels, then 302 to return_url with
 *                                            out_trade_no and result=paid|cancelled (inside the hash
 *                                            when return_url has one), like the sign-in sandbox
 * return_url must be on the host the page was requested from (any port). Everything echoed is escaped.
 */

export const MERCHANT_NAME = "暖线供热服务";
const MAX_FIELD = 2048;

type Query = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export interface CashierDeps {
  trades: AlipaySandboxTrades;
  /** resolves once the sandbox gateway (and so the notification signing key) is ready */
  ready: () => Promise<unknown>;
  /** the path the page posts back to */
  action: string;
}

export async function cashierPage(ctx: Context, deps: CashierDeps, q: Query, submit: boolean): Promise<void> {
  ctx.set("Cache-Control", "no-store");
  ctx.set(
    "Content-Security-Policy",
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
  );
  ctx.type = "text/html; charset=utf-8";
  const tradeNo = (one(q.trade_no) ?? "").slice(0, MAX_FIELD);
  const rawReturn = (one(q.return_url) ?? "").slice(0, MAX_FIELD + 1);
  const fail = (status: number, message: string) => {
    ctx.status = status;
    ctx.body = page(`<div class="card"><p class="error">${escapeHtml(message)}</p></div>`);
  };

  let returnTo: URL | null = null;
  if (rawReturn) {
    const checked = checkRedirect(rawReturn, ctx);
    if (!checked.ok) return fail(400, checked.reason.replaceAll("redirect_uri", "return_url"));
    returnTo = checked.url;
  }
  if (!tradeNo) return fail(400, "缺少 trade_no 参数");
  await deps.ready();
  const trade = deps.trades.byTradeNo(tradeNo);
  if (!trade) return fail(404, "订单不存在");

  const back = (result: "paid" | "cancelled") =>
    returnTo ? withLoginResult(returnTo, { out_trade_no: trade.outTradeNo, result }) : null;

  if (submit) {
    const action = one(q.action);
    if (action === "cancel") {
      // leaving the cashier does not close the trade at Alipay: it stays payable until it expires
      const target = back("cancelled");
      if (target) return ctx.redirect(target);
      ctx.body = page(resultCard(trade, "已取消支付", "订单未支付，可在有效期内重新发起支付。", null));
      return;
    }
    if (action !== "pay") return fail(400, "未知的操作");
    if (trade.status === "WAIT_BUYER_PAY") await deps.trades.pay(trade.outTradeNo);
    if (trade.status === "TRADE_SUCCESS" || trade.status === "TRADE_FINISHED") {
      const target = back("paid");
      if (target) return ctx.redirect(target);
      ctx.body = page(resultCard(trade, "支付成功", `已向${MERCHANT_NAME}付款。`, null));
      return;
    }
    ctx.status = 409;
    ctx.body = page(resultCard(trade, "订单已关闭", "订单已超时或已关闭，无法支付。", back("cancelled")));
    return;
  }

  if (trade.status === "TRADE_SUCCESS" || trade.status === "TRADE_FINISHED") {
    ctx.body = page(resultCard(trade, "该订单已支付", "无需重复付款。", back("paid")));
    return;
  }
  if (trade.status === "TRADE_CLOSED") {
    ctx.body = page(resultCard(trade, "订单已关闭", "订单已超时或已关闭，无法支付。", back("cancelled")));
    return;
  }
  ctx.body = page(payForm(trade, deps.action, rawReturn));
}

function summary(trade: SandboxTrade): string {
  return `<p class="label">需付款</p>
<p class="amount"><span class="yen">¥</span>${escapeHtml(fenToYuan(trade.totalFen))}</p>
<dl>
<dt>订单信息</dt><dd>${escapeHtml(trade.subject)}</dd>
<dt>收款方</dt><dd>${escapeHtml(MERCHANT_NAME)}</dd>
<dt>商户订单号</dt><dd class="mono">${escapeHtml(trade.outTradeNo)}</dd>
</dl>`;
}

function payForm(trade: SandboxTrade, action: string, returnUrl: string): string {
  return `<div class="card">
${summary(trade)}
</div>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="trade_no" value="${escapeHtml(trade.tradeNo)}">
<input type="hidden" name="return_url" value="${escapeHtml(returnUrl)}">
<p class="method">付款方式：账户余额（沙箱）</p>
<button type="submit" name="action" value="pay" class="primary">确认支付</button>
<button type="submit" name="action" value="cancel" class="secondary">取消支付</button>
</form>`;
}

function resultCard(trade: SandboxTrade, title: string, detail: string, backUrl: string | null): string {
  return `<div class="card">
<h2>${escapeHtml(title)}</h2>
<p class="detail">${escapeHtml(detail)}</p>
${summary(trade)}
</div>
${backUrl ? `<a class="primary link" href="${escapeHtml(backUrl)}">返回商户</a>` : ""}`;
}

function page(content: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>支付宝收银台（沙箱）</title>
<style>
*{box-sizing:border-box}
body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;background:#f5f5f5;color:#1f2329}
.banner{background:#fffbe6;color:#ad6800;font-size:12px;text-align:center;padding:6px 12px;border-bottom:1px solid #ffe58f}
header{background:#1677FF;color:#fff;padding:18px 20px;display:flex;align-items:center;gap:10px}
.mark{width:32px;height:32px;border-radius:8px;background:#fff;color:#1677FF;font-weight:700;display:flex;align-items:center;justify-content:center;font-size:18px}
header h1{margin:0;font-size:18px;font-weight:600}
main{max-width:480px;margin:0 auto;padding:16px}
.card{background:#fff;border-radius:12px;padding:20px;box-shadow:0 1px 2px rgba(0,0,0,.05)}
h2{margin:0 0 6px;font-size:18px;color:#1677FF}
.detail{margin:0 0 14px;color:#646a73;font-size:14px}
.label{margin:0;text-align:center;color:#646a73;font-size:14px}
.amount{margin:6px 0 16px;text-align:center;font-size:36px;font-weight:600;letter-spacing:.5px}
.yen{font-size:22px;margin-right:2px}
dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:10px 16px;font-size:14px;border-top:1px solid #f0f0f0;padding-top:14px}
dt{color:#8f959e}
dd{margin:0;text-align:right;word-break:break-all}
.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
.method{margin:16px 4px 12px;font-size:13px;color:#8f959e}
button,.link{display:block;width:100%;height:46px;border:0;border-radius:8px;font-size:17px;cursor:pointer;text-align:center;line-height:46px;text-decoration:none}
.primary{background:#1677FF;color:#fff;font-weight:600;margin-top:16px}
.primary:active{background:#0E5FD8}
.secondary{background:#fff;color:#1677FF;margin-top:10px;border:1px solid #1677FF}
.error{margin:0;padding:10px 12px;border-radius:8px;background:#fff1f0;color:#cf1322;font-size:14px}
</style>
</head>
<body>
<div class="banner" role="note">沙箱收银台（开发测试用）· 不连接真实的支付宝，不会扣款</div>
<header><div class="mark" aria-hidden="true">支</div><h1>支付宝 · 收银台</h1></header>
<main>
${content}
</main>
</body>
</html>`;
}
