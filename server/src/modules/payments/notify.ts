import type Router from "@koa/router";
import type { Context } from "koa";
import type { Deps } from "../../deps";
import { NotificationRejected, type PaymentVendor, type VerifiedNotification } from "../../integrations/payments";
import { clientIp } from "../../http/auth";
import { markRejected } from "../../http/rateLimit";
import { logger } from "../../lib/logger";
import { VendorNotificationLog } from "./entities";
import { completeRefund, failRefund, RefundOfOtherVendor } from "./refunds";
import { settleVendorPayment } from "./settlement";

const KEEP_HEADERS = /^(wechatpay-|content-type|user-agent|x-request-id)/i;
/** what is kept of a notification that failed verification: this many characters of its body … */
export const REJECTED_BODY_PREFIX = 512;
/** … and of each kept header */
const HEADER_VALUE_MAX = 256;
/** a verified body is kept whole up to this many characters (the column is TEXT) */
const VERIFIED_BODY_MAX = 60_000;

/**
 * Vendor callbacks: every notification is verified on the raw bytes first (the body was capped at
 * NOTIFY_MAX_BODY_KB before it was read); a verified one is stored whole and then applied exactly once,
 * and only if it names an order or refund of its own vendor. One that fails verification is stored as a
 * small row (reason, headers, the first bytes, size, sender) and counts against its sender's address
 * (http/rateLimit.ts callbackRejectLimit): too many and the address is refused for a while with 429.
 * The answer takes the vendor's form.
 */
export function mountNotifyRoutes(router: Router, deps: Deps) {
  for (const vendor of ["wechat", "alipay"] as const) {
    router.post(`/api/v1/notify/${vendor}`, async (ctx) => handleNotification(deps, vendor, ctx));
  }
}

function keptHeaders(ctx: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.headers)) {
    if (!KEEP_HEADERS.test(name) || value === undefined) continue;
    out[name] = (Array.isArray(value) ? value.join(", ") : value).slice(0, HEADER_VALUE_MAX);
  }
  return out;
}

async function handleNotification(deps: Deps, vendor: PaymentVendor, ctx: Context) {
  const client = deps.payments[vendor];
  const raw = ctx.request.rawBody ?? Buffer.alloc(0);
  const logs = deps.ds.getRepository(VendorNotificationLog);
  const received = { vendor, headers: keptHeaders(ctx), bodyBytes: raw.length, remoteIp: clientIp(ctx) || null };
  const answer = (ok: boolean) => {
    const a = client?.notificationAnswer(ok) ?? {
      status: ok ? 200 : 400,
      type: "text/plain",
      body: ok ? "success" : "fail",
    };
    ctx.status = a.status;
    ctx.type = a.type;
    ctx.body = a.body;
  };
  const reject = async (reason: string) => {
    markRejected(ctx);
    logger.warn({ vendor, reason, ip: received.remoteIp, bytes: raw.length }, "vendor notification rejected");
    await logs.insert({
      ...received,
      rawBody: raw
        .subarray(0, REJECTED_BODY_PREFIX * 4)
        .toString("utf8")
        .slice(0, REJECTED_BODY_PREFIX),
      verified: false,
      rejectReason: reason.slice(0, 32),
      eventKind: null,
      outTradeNo: null,
      transactionId: null,
      outcome: "rejected",
    });
    answer(false);
  };
  if (!client) return reject("NO_CLIENT");
  let note: VerifiedNotification;
  try {
    note = await client.verifyNotification({ headers: ctx.headers, rawBody: raw });
  } catch (err) {
    return reject(err instanceof NotificationRejected ? err.reason : "VERIFY_ERROR");
  }
  const verified = {
    ...received,
    rawBody: raw.toString("utf8").slice(0, VERIFIED_BODY_MAX),
    verified: true,
    rejectReason: null,
    outcome: null,
  };
  if (note.kind === "refund") {
    const log = await logs.save(
      logs.create({
        ...verified,
        eventKind: `refund:${note.status}`,
        outTradeNo: note.outTradeNo.slice(0, 32),
        transactionId: null,
      }),
    );
    try {
      const r =
        note.status === "SUCCESS"
          ? await completeRefund(deps.ds, note.outRefundNo, note.refundId, vendor)
          : await failRefund(deps.ds, note.outRefundNo, vendor);
      await logs.update({ id: log.id }, { outcome: `refund ${r.status}` });
      return answer(true);
    } catch (err) {
      // a refund of another vendor's payment is refused like an unknown one (and told apart in the log)
      const wrongVendor = err instanceof RefundOfOtherVendor;
      logger.warn({ err, vendor, notificationId: log.id }, "refund notification not applied");
      await logs.update({ id: log.id }, { outcome: wrongVendor ? "refund wrong_vendor" : "refund unknown" });
      return answer(false);
    }
  }
  const { trade } = note;
  const log = await logs.save(
    logs.create({
      ...verified,
      eventKind: `payment:${trade.state}`,
      outTradeNo: trade.outTradeNo.slice(0, 32),
      transactionId: trade.transactionId,
    }),
  );
  if (trade.state !== "PAID" || !trade.transactionId || trade.amountFen === null) {
    await logs.update({ id: log.id }, { outcome: "not paid: nothing to apply" });
    return answer(true);
  }
  const paid = {
    vendor,
    transactionId: trade.transactionId,
    amountFen: trade.amountFen,
    paidAt: trade.paidAt ?? new Date(),
  };
  let outcome: string;
  try {
    outcome = (await deps.ds.transaction((m) => settleVendorPayment(m, trade.outTradeNo, paid))).outcome;
  } catch (err) {
    logger.error({ err, vendor, notificationId: log.id }, "settlement failed");
    await logs.update({ id: log.id }, { outcome: "error" });
    return answer(false); // the vendor will retry
  }
  await logs.update({ id: log.id }, { outcome });
  // a replay changes nothing and still gets success; a wrong amount, an unknown order or an order of the
  // other vendor is refused
  answer(outcome === "settled" || outcome === "replay" || outcome === "flagged");
}
