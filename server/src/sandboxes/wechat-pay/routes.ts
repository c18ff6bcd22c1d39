import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { Config } from "../../config";
import { SANDBOX_PATHS } from "../../integrations/sandboxPaths";
import { logger } from "../../lib/logger";
import { checkRedirect, withLoginResult } from "../pages";
import { CASHIER_CSP, type CashierView, renderCashier } from "./cashier";
import { type SandboxKeys, sandboxVendorKeys } from "../keys";
import { NOTIFICATION_FAULTS, RESPONSE_FAULTS, SandboxError, WechatPaySandbox } from "./gateway";
import { readBytes, readText } from "../sandboxBody";

/** sandbox request bodies are refused above this size */
const BODY_LIMIT = 256 * 1024;

/**
 * The WeChat Pay sandbox, mounted under /sandbox/wechatpay (SANDBOX_VENDORS=true only):
 *   /v3/…                        the API v3 endpoints the client uses (jsapi, query, close, refunds, bills)
 *   /cashier                     the H5 cashier page (stands in for WeChat's payment sheet)
 *   /test/pay                    pay an order ({out_trade_no, notify?}; notify:false = lost callback)
 *   /test/notifications          list deliveries (?out_trade_no=)
 *   /test/notifications/resend   deliver an order's last notification again ({out_trade_no})
 *   /test/notifications/fault    deliver a broken notification once ({out_trade_no, fault, signer?, notify_url?})
 *   /test/orders/:out_trade_no   the sandbox's view of an order
 *   /test/bills                  prepare a date's trade bill ({date, rows} or {date, csv})
 *   /test/mode                   signing mode of answers/notifications, answer faults, lost refund notifications
 *   /test/refunds/settle         finish a PROCESSING refund now ({out_refund_no})
 *   /test/reset                  forget everything
 * Anyone who reaches it can mark orders paid: it must never be mounted in production.
 */
export const WECHATPAY_SANDBOX_PATH = SANDBOX_PATHS.wechatpay;

export interface WechatPaySandboxMountOptions {
  now?: () => number;
  /** notification retry delays are multiplied by this; WECHATPAY_SANDBOX_NOTIFY_SCALE by default */
  retryScale?: number;
  refundDelayMs?: number;
  /** the deployment's sandbox keys; read from (or generated into) DATA_DIR by default */
  keys?: SandboxKeys;
}

export interface MountedWechatPaySandbox {
  /** the gateway, created on first use (its keys may have to be generated first) */
  sandbox(): Promise<WechatPaySandbox>;
}

export function mountWechatPaySandbox(
  router: Router,
  config: Config,
  opts: WechatPaySandboxMountOptions = {},
): MountedWechatPaySandbox {
  if (!config.sandboxVendors) throw new Error("mountWechatPaySandbox called with SANDBOX_VENDORS=false");
  let created: Promise<WechatPaySandbox> | null = null;
  const sandbox = () => {
    created ??= createSandbox(config, opts).catch((err: unknown) => {
      created = null;
      throw err;
    });
    return created;
  };
  const P = WECHATPAY_SANDBOX_PATH;

  const api = async (ctx: Context) => {
    const sb = await sandbox();
    const at = ctx.originalUrl.indexOf(`${P}/v3/`);
    const answer = await sb.handle({
      method: ctx.method,
      url: at < 0 ? ctx.url : ctx.originalUrl.slice(at + P.length),
      headers: ctx.headers,
      body: await readBytes(ctx, BODY_LIMIT),
    });
    ctx.status = answer.status;
    ctx.set(answer.headers);
    ctx.set("Cache-Control", "no-store");
    if (answer.status !== 204) ctx.body = answer.body;
  };
  router.post(`${P}/v3/pay/transactions/jsapi`, api);
  router.get(`${P}/v3/pay/transactions/out-trade-no/:outTradeNo`, api);
  router.get(`${P}/v3/pay/transactions/id/:transactionId`, api);
  router.post(`${P}/v3/pay/transactions/out-trade-no/:outTradeNo/close`, api);
  router.post(`${P}/v3/refund/domestic/refunds`, api);
  router.get(`${P}/v3/refund/domestic/refunds/:outRefundNo`, api);
  router.get(`${P}/v3/bill/tradebill`, api);
  router.get(`${P}/v3/billdownload/file`, api);

  // ---- test controls ----
  const control = (handler: (sb: WechatPaySandbox, input: unknown, ctx: Context) => Promise<unknown> | unknown) => {
    return async (ctx: Context) => {
      const sb = await sandbox();
      let input: unknown = {};
      const text = await readText(ctx, BODY_LIMIT);
      try {
        if (text.trim()) input = JSON.parse(text);
      } catch {
        ctx.status = 400;
        ctx.body = { code: "PARAM_ERROR", message: "请求体不是 JSON" };
        return;
      }
      ctx.set("Cache-Control", "no-store");
      try {
        ctx.body = (await handler(sb, input, ctx)) ?? { ok: true };
      } catch (err) {
        if (err instanceof SandboxError) {
          ctx.status = err.status;
          ctx.body = { code: err.code, message: err.message };
        } else if (err instanceof z.ZodError) {
          ctx.status = 400;
          ctx.body = {
            code: "PARAM_ERROR",
            message: "参数错误",
            issues: err.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
          };
        } else {
          throw err;
        }
      }
    };
  };

  router.post(
    `${P}/test/pay`,
    control((sb, input) => {
      const { out_trade_no, notify } = PayInput.parse(input);
      const order = sb.pay(out_trade_no, { notify });
      return { out_trade_no, transaction_id: order.transactionId, trade_state: sb.tradeState(order) };
    }),
  );
  router.get(
    `${P}/test/notifications`,
    control((sb, _input, ctx) => {
      const no = ctx.query.out_trade_no;
      return { deliveries: sb.deliveries(typeof no === "string" ? no : undefined) };
    }),
  );
  router.post(
    `${P}/test/notifications/resend`,
    control((sb, input) => sb.resend(OrderInput.parse(input).out_trade_no)),
  );
  router.post(
    `${P}/test/notifications/fault`,
    control(async (sb, input) => {
      const { out_trade_no, fault, signer, notify_url } = FaultInput.parse(input);
      const order = sb.orderByOutTradeNo(out_trade_no);
      const n = sb.paymentNotification(out_trade_no, fault === "none" ? null : fault, signer);
      const url = notify_url ?? order?.notifyUrl;
      if (!url) throw new SandboxError(400, "PARAM_ERROR", "缺少 notify_url");
      return sb.deliverOnce(out_trade_no, url, n);
    }),
  );
  router.get(
    `${P}/test/orders/:outTradeNo`,
    control((sb, _input, ctx) => {
      const order = sb.orderByOutTradeNo(String(ctx.params.outTradeNo));
      if (!order) throw new SandboxError(404, "ORDER_NOT_EXIST", "订单不存在");
      return { ...order, trade_state: sb.tradeState(order) };
    }),
  );
  router.post(
    `${P}/test/bills`,
    control((sb, input) => {
      const { date, rows, csv } = BillInput.parse(input);
      sb.setBill(date, { rows, csv });
    }),
  );
  router.post(
    `${P}/test/mode`,
    control((sb, input) => {
      const m = ModeInput.parse(input);
      if (m.responses) sb.mode.responses = m.responses;
      if (m.notifications) sb.mode.notifications = m.notifications;
      if (m.responseFault !== undefined) sb.mode.responseFault = m.responseFault;
      if (m.refundNotifications !== undefined) sb.mode.refundNotifications = m.refundNotifications;
      return sb.mode;
    }),
  );
  router.post(
    `${P}/test/refunds/settle`,
    control((sb, input) => {
      sb.settleRefund(z.object({ out_refund_no: z.string().min(1) }).parse(input).out_refund_no);
    }),
  );
  router.post(
    `${P}/test/reset`,
    control((sb) => sb.reset()),
  );

  // ---- H5 cashier ----
  const cashierPath = `${P}/cashier`;
  router.get(cashierPath, async (ctx) => {
    const q = ctx.query;
    cashier(ctx, await sandbox(), one(q.prepay_id), one(q.return_url), null);
  });
  router.post(cashierPath, async (ctx) => {
    const form = new URLSearchParams(await readText(ctx, BODY_LIMIT));
    const action = form.get("action");
    cashier(
      ctx,
      await sandbox(),
      form.get("prepay_id") ?? "",
      form.get("return_url") ?? "",
      action === "pay" || action === "cancel" ? action : null,
    );
  });

  function cashier(
    ctx: Context,
    sb: WechatPaySandbox,
    prepayId: string,
    returnUrl: string,
    action: "pay" | "cancel" | null,
  ): void {
    ctx.set("Cache-Control", "no-store");
    ctx.set("Content-Security-Policy", CASHIER_CSP);
    ctx.type = "text/html; charset=utf-8";
    const order = prepayId ? (sb.orderByPrepayId(prepayId) ?? null) : null;
    const view: CashierView = {
      action: cashierPath,
      merchantName: sb.merchantName,
      order,
      prepayId,
      returnUrl,
      payable: false,
    };
    const show = (status: number, notice: CashierView["notice"], payable = false) => {
      ctx.status = status;
      ctx.body = renderCashier({ ...view, notice, payable });
    };

    let target: URL | null = null;
    if (returnUrl) {
      const check = checkRedirect(returnUrl, ctx);
      if (!check.ok) {
        view.returnUrl = "";
        show(400, { kind: "error", text: check.reason.replace("redirect_uri", "return_url") });
        return;
      }
      target = check.url;
    }
    if (!order) {
      show(404, { kind: "error", text: "订单不存在或已失效（prepay_id 无效）" });
      return;
    }
    /** back to the merchant's page with the result, or a result page when there is no return_url */
    const finish = (result: "paid" | "cancelled") => {
      if (target) ctx.redirect(withLoginResult(target, { out_trade_no: order.outTradeNo, result }));
      else show(200, result === "paid" ? { kind: "success", text: "支付成功" } : { kind: "info", text: "已取消支付" });
    };

    if (action === "cancel") {
      finish("cancelled");
      return;
    }
    if (action === "pay") {
      try {
        sb.pay(order.outTradeNo);
      } catch (err) {
        if (!(err instanceof SandboxError)) throw err;
        show(409, { kind: "error", text: err.message });
        return;
      }
      finish("paid");
      return;
    }
    const state = sb.tradeState(order);
    if (state === "SUCCESS" || state === "REFUND") {
      show(200, { kind: "info", text: "该订单已支付" });
      return;
    }
    if (state === "CLOSED") {
      show(200, { kind: "error", text: "订单已关闭，无法支付" });
      return;
    }
    if (sb.expired(order)) {
      show(200, { kind: "error", text: "订单已过期，无法支付" });
      return;
    }
    show(200, undefined, true);
  }

  return { sandbox };
}

async function createSandbox(
  config: Config,
  { keys: source, ...opts }: WechatPaySandboxMountOptions,
): Promise<WechatPaySandbox> {
  const keys = await (source ?? sandboxVendorKeys(config)).wechatPaySandbox();
  const { client } = keys;
  if (client.source.platform === "configured" || client.source.publicKey === "configured") {
    logger.warn(
      "WECHATPAY_PLATFORM_CERTS / WECHATPAY_PUBLIC_KEY are configured: answers and notifications of the local WeChat Pay sandbox (signed with its own keys) will not verify",
    );
  }
  return new WechatPaySandbox({
    mchId: config.wechatPay.mchId,
    appId: config.wechatPay.appId,
    merchants: new Map([[client.merchantSerial, client.merchantPublicKey]]),
    platform: keys.platform,
    publicKey: keys.publicKey,
    apiV3Key: client.apiV3Key,
    retryScale: config.wechatPay.sandboxNotifyScale,
    ...definedOnly(opts),
  });
}

/** options without their undefined entries (an undefined `now` must not replace the default) */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? "") : (v ?? ""));

const outTradeNo = z.string().min(1).max(64);
const PayInput = z.object({ out_trade_no: outTradeNo, notify: z.boolean().optional() });
const OrderInput = z.object({ out_trade_no: outTradeNo });
const Signer = z.enum(["platform", "publicKey"]);
const FaultInput = z.object({
  out_trade_no: outTradeNo,
  fault: z.enum([...NOTIFICATION_FAULTS, "none"]),
  signer: Signer.optional(),
  notify_url: z.string().url().optional(),
});
const ModeInput = z.object({
  responses: Signer.optional(),
  notifications: Signer.optional(),
  responseFault: z.enum(RESPONSE_FAULTS).nullable().optional(),
  refundNotifications: z.boolean().optional(),
});
const BillInput = z
  .object({
    date: z.string(),
    rows: z
      .array(
        z.object({
          outTradeNo: z.string().min(1).max(32),
          transactionId: z.string().min(1).max(32).optional(),
          amountFen: z.number().int().min(0),
          state: z.enum(["PAID", "REFUND"]),
          refundFen: z.number().int().min(0).optional(),
          at: z.coerce.date().optional(),
          description: z.string().max(127).optional(),
        }),
      )
      .optional(),
    csv: z.string().optional(),
  })
  .refine((b) => (b.rows === undefined) !== (b.csv === undefined), "give rows or csv");
