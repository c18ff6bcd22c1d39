import type Router from "@koa/router";
import type { Context } from "koa";
import type { Deps } from "../../deps";
import { markRejected } from "../../http/rateLimit";
import { API_PREFIX } from "../../http/route";
import { logger } from "../../lib/logger";
import { applyCallback } from "./issuance";

/**
 * POST /api/v1/notify/einvoice: the platform's result callback (raw body, verified by the provider). Its
 * answers are the platform's protocol, not our error shape. (The PDFs are served by the files module.)
 */
export function mountEInvoiceCallback(router: Router, deps: Deps): void {
  router.post(`${API_PREFIX}/notify/einvoice`, async (ctx: Context) => {
    const raw = (ctx.request.rawBody ?? Buffer.alloc(0)).toString("utf8");
    const result = deps.einvoice.parseCallback(raw, ctx.headers);
    if (!result) {
      logger.warn({ len: raw.length }, "e-invoice callback refused");
      markRejected(ctx); // counts against the sender's address (too many: 429 for a while)
      ctx.status = 400;
      ctx.body = { code: "E9999", describe: "验签失败" };
      return;
    }
    let orderNo: string | null = null;
    try {
      orderNo = String((JSON.parse(raw) as { orderNo?: unknown }).orderNo ?? "");
    } catch {
      orderNo = null;
    }
    const known = orderNo ? await applyCallback(deps, orderNo, result) : false;
    ctx.status = 200;
    ctx.body = { code: known ? "E0000" : "E0001", describe: known ? "成功" : "订单号不存在" };
  });
}
