import { formatYuan } from "@warmline/shared";
import { escapeHtml } from "../pages";
import type { SandboxOrder } from "./gateway";

/**
 * The sandbox's H5 cashier page: stands in for WeChat's payment sheet in the H5 build. Self-contained
 * (inline CSS, no scripts), Simplified Chinese, every value HTML-escaped.
 */

export const CASHIER_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

export interface CashierView {
  action: string;
  merchantName: string;
  order: SandboxOrder | null;
  prepayId: string;
  returnUrl: string;
  /** a message instead of the pay form (order missing, paid, closed, expired, bad return_url …) */
  notice?: { kind: "error" | "info" | "success"; text: string };
  /** whether the pay/cancel buttons are shown */
  payable: boolean;
}

export function renderCashier(v: CashierView): string {
  const o = v.order;
  const summary = o
    ? `<div class="merchant">${escapeHtml(v.merchantName)}</div>
  <div class="amount"><span class="currency">¥</span>${escapeHtml(formatYuan(o.totalFen).slice(1))}</div>
  <dl>
    <div><dt>商品</dt><dd>${escapeHtml(o.description)}</dd></div>
    <div><dt>收款方</dt><dd>${escapeHtml(v.merchantName)}</dd></div>
    <div><dt>商户订单号</dt><dd class="mono">${escapeHtml(o.outTradeNo)}</dd></div>
  </dl>`
    : "";
  const notice = v.notice
    ? `<p class="notice ${v.notice.kind}" role="${v.notice.kind === "error" ? "alert" : "status"}">${escapeHtml(v.notice.text)}</p>`
    : "";
  const back =
    !v.payable && v.returnUrl ? `<a class="secondary" href="${escapeHtml(v.returnUrl)}">返回商户页面</a>` : "";
  const form = v.payable
    ? `<form method="post" action="${escapeHtml(v.action)}">
    <input type="hidden" name="prepay_id" value="${escapeHtml(v.prepayId)}">
    <input type="hidden" name="return_url" value="${escapeHtml(v.returnUrl)}">
    <button type="submit" name="action" value="pay" class="primary">确认支付</button>
    <button type="submit" name="action" value="cancel" class="secondary">取消支付</button>
  </form>`
    : "";
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="robots" content="noindex">
<title>微信支付（沙箱）</title>
<style>
*{box-sizing:border-box}
body{margin:0;min-height:100vh;background:#ededed;color:#191919;font:16px/1.5 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei",sans-serif}
.banner{background:#fff7e6;color:#ad4e00;border-bottom:1px solid #ffd591;padding:8px 16px;font-size:14px;text-align:center;font-weight:600}
header{background:#07C160;color:#fff;text-align:center;padding:18px 16px;font-size:17px;font-weight:600}
header .mark{display:inline-block;width:26px;height:26px;margin-right:8px;border-radius:50%;background:#fff;color:#07C160;font-size:15px;line-height:26px;vertical-align:middle}
main{max-width:440px;margin:0 auto;padding:16px 16px 32px}
.card{background:#fff;border-radius:12px;padding:28px 20px 20px;text-align:center}
.merchant{font-size:15px;color:#4c4c4c}
.amount{font-size:44px;font-weight:600;margin:8px 0 20px;letter-spacing:.5px}
.currency{font-size:28px;margin-right:4px}
dl{margin:0;padding:16px 0 0;border-top:1px solid #f0f0f0;text-align:left;font-size:14px}
dl div{display:flex;justify-content:space-between;gap:16px;padding:6px 0}
dt{color:#7f7f7f;flex:none}
dd{margin:0;text-align:right;word-break:break-all}
.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
form{margin-top:24px}
.primary,.secondary{display:block;width:100%;font-size:17px;padding:13px;border-radius:8px;font-weight:600;cursor:pointer;text-align:center;text-decoration:none}
.primary{border:0;background:#07C160;color:#fff}
.primary:active{background:#06AD56}
.secondary{margin-top:12px;border:0;background:#f2f2f2;color:#07C160}
.notice{margin:0 0 8px;padding:10px 12px;border-radius:8px;font-size:14px}
.notice.error{background:#fff1f0;color:#cf1322}
.notice.info{background:#f2f2f2;color:#4c4c4c}
.notice.success{background:#e8f8ef;color:#06AD56;font-size:16px;font-weight:600}
.foot{margin-top:16px;font-size:12px;color:#9a9a9a;text-align:center}
</style>
</head>
<body>
<div class="banner" role="note">沙箱收银台（开发测试用）· 不会产生真实扣款</div>
<header><span class="mark" aria-hidden="true">￥</span>微信支付</header>
<main>
<div class="card">
  ${notice}
  ${summary}
  ${form}
  ${back}
</div>
<p class="foot">本页面模拟微信支付收银台，仅用于开发和测试</p>
</main>
</body>
</html>`;
}
