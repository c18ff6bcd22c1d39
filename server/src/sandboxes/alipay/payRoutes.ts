import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import { jsonInput, readText } from "../sandboxBody";
import { isCalendarDate } from "../../integrations/alipay/alipayFormat";
import { cashierPage } from "./cashier";
import { type AlipaySandboxTrades, NOTIFICATION_FAULTS, type NotifyDelivery, SandboxTradeError } from "./trade";

/**
 * Routes of the Alipay payment sandbox, below `base` (/sandbox/alipay):
 *   GET|POST cashier                 the H5 cashier page (sandboxCashier.ts)
 *   GET      bill/download           the bill files handed out by bill.downloadurl.query
 *   POST     test/pay                {out_trade_no, notify?}  the buyer pays; notify:false = lost callback
 *   POST     test/resend             {out_trade_no}           the last notification again
 *   POST     test/notify-faulty      {out_trade_no, fault, send?}  a spoilt notification, sent once or returned
 *   GET      test/notifications      ?out_trade_no=           deliveries and their attempts
 *   GET      test/trades/:out_trade_no                        the sandbox's view of a trade
 *   GET|PUT  test/bill               ?date= / {date, rows|null, format?}  what the bill of a date says
 *   POST     test/reset                                       forget everything
 */
export function mountAlipayPaySandbox(
  router: Router,
  base: string,
  deps: { trades: AlipaySandboxTrades; ready: () => Promise<unknown> },
): void {
  const { trades, ready } = deps;
  const cashier = { trades, ready, action: `${base}/cashier` };
  router.get(`${base}/cashier`, (ctx) => cashierPage(ctx, cashier, ctx.query, false));
  router.post(`${base}/cashier`, async (ctx) => {
    const form = ctx.request.is("application/x-www-form-urlencoded")
      ? Object.fromEntries(new URLSearchParams(await readText(ctx, 1024 * 1024)))
      : {};
    await cashierPage(ctx, cashier, { ...ctx.query, ...form }, true);
  });

  router.get(`${base}/bill/download`, (ctx) => {
    const file = trades.billFile(String(ctx.query.fileId ?? ""));
    ctx.set("Cache-Control", "no-store");
    if (!file) {
      ctx.status = 404;
      ctx.type = "text/plain; charset=utf-8";
      ctx.body = "账单文件不存在或下载地址已过期";
      return;
    }
    ctx.type = file.contentType;
    ctx.set("Content-Disposition", `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
    ctx.body = file.body;
  });

  const T = `${base}/test`;
  router.post(`${T}/pay`, (ctx) =>
    control(ctx, PayRequest, ready, async (input) => {
      const { trade, delivery } = await trades.pay(input.out_trade_no, { notify: input.notify });
      return {
        trade_no: trade.tradeNo,
        out_trade_no: trade.outTradeNo,
        trade_status: trade.status,
        delivery: view(delivery),
      };
    }),
  );
  router.post(`${T}/resend`, (ctx) =>
    control(ctx, TradeRequest, ready, async (input) => ({
      delivery: view(await trades.resendLast(input.out_trade_no)),
    })),
  );
  router.post(`${T}/notify-faulty`, (ctx) =>
    control(ctx, FaultyRequest, ready, async (input) => {
      if (input.send) return { delivery: view(await trades.sendFaulty(input.out_trade_no, input.fault)) };
      return trades.buildNotification(input.out_trade_no, { fault: input.fault });
    }),
  );
  router.get(`${T}/notifications`, (ctx) => {
    const out = typeof ctx.query.out_trade_no === "string" ? ctx.query.out_trade_no : undefined;
    ctx.body = { deliveries: trades.deliveries(out).map(view) };
  });
  router.get(`${T}/trades/:outTradeNo`, (ctx) => {
    const trade = trades.get(ctx.params.outTradeNo);
    if (!trade) {
      ctx.status = 404;
      ctx.body = { error: "TRADE_NOT_EXIST" };
      return;
    }
    ctx.body = trade;
  });
  router.get(`${T}/bill`, (ctx) => {
    const date = String(ctx.query.date ?? "");
    if (!isCalendarDate(date)) {
      ctx.status = 400;
      ctx.body = { error: "date must be YYYY-MM-DD" };
      return;
    }
    ctx.body = { date, rows: trades.billRows(date) };
  });
  router.put(`${T}/bill`, (ctx) =>
    control(ctx, BillRequest, ready, async (input) => {
      trades.prepareBill(input.date, input.rows, input.format);
      return { date: input.date, rows: trades.billRows(input.date) };
    }),
  );
  router.post(`${T}/reset`, (ctx) => {
    trades.reset();
    ctx.body = { ok: true };
  });
}

// ---- requests -----------------------------------------------------------------------------------

const outNo = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z_-]{1,64}$/);
const TradeRequest = z.object({ out_trade_no: outNo });
const PayRequest = z.object({ out_trade_no: outNo, notify: z.boolean().default(true) });
const FaultyRequest = z.object({
  out_trade_no: outNo,
  fault: z.enum(NOTIFICATION_FAULTS),
  send: z.boolean().default(true),
});
const yuan = z.string().regex(/^-?\d{1,9}(\.\d{1,2})?$/);
const time = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
const BillRow = z.object({
  trade_no: z.string().min(1).max(64),
  out_trade_no: z.string().min(1).max(64),
  biz_type: z.enum(["交易", "退款"]),
  subject: z.string().max(256).optional(),
  gmt_create: time.optional(),
  gmt_finish: time,
  total_amount: yuan,
  receipt_amount: yuan,
  out_request_no: z.string().max(64).optional(),
  buyer_logon_id: z.string().max(100).optional(),
});
const BillRequest = z.object({
  date: z.string().refine(isCalendarDate, { message: "must be YYYY-MM-DD" }),
  rows: z.array(BillRow).max(10_000).nullable(),
  format: z.enum(["zip", "csv"]).default("zip"),
});

function view(d: NotifyDelivery | null) {
  return d && { id: d.id, kind: d.kind, url: d.url, params: d.params, attempts: d.attempts, done: d.done };
}

const STATUS: Record<SandboxTradeError["code"], number> = {
  TRADE_NOT_EXIST: 404,
  TRADE_NOT_PAYABLE: 409,
  NO_NOTIFICATION: 409,
  NOT_READY: 503,
};

async function control<T extends z.ZodType>(
  ctx: Context,
  schema: T,
  ready: () => Promise<unknown>,
  run: (input: z.output<T>) => Promise<unknown>,
): Promise<void> {
  const input = await jsonInput(ctx, schema, 1024 * 1024);
  if (input === null) return;
  await ready();
  try {
    ctx.body = await run(input);
  } catch (err) {
    if (!(err instanceof SandboxTradeError)) throw err;
    ctx.status = STATUS[err.code];
    ctx.body = { error: err.code, message: err.message };
  }
}
