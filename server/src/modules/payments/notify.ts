import type Router from "@koa/router";
import type { Context } from "koa";
import type { Deps } from "../../deps";
import { NotificationRejected, type PaymentVendor, type VerifiedNotification } from "../../integrations/payments";
import { logger } from "../../lib/logger";
import { VendorNotificationLog } from "./entities";
import { completeRefund, failRefund } from "./refunds";
import { settleVendorPayment } from "./settlement";

const KEEP_HEADERS = /^(wechatpay-|content-type|user-agent|x-request-id)/i;

/**
 * Vendor callbacks: every notification is stored as received (raw body, chosen headers) before anything
 * else; then verified on the raw bytes; then applied exactly once. The answer takes the vendor's form.
 */
export function mountNotifyRoutes(router: Router, deps: Deps) {
  for (const vendor of ["wechat", "alipay"] as const) {
    router.post(`/api/v1/notify/${vendor}`, async (ctx) => handleNotification(deps, vendor, ctx));
  }
}

async function handleNotification(deps: Deps, vendor: PaymentVendor, ctx: Context) {
  const client = deps.payments[vendor];
  const raw = ctx.request.rawBody ?? Buffer.alloc(0);
  const headers = Object.fromEntries(Object.entries(ctx.headers).filter(([k]) => KEEP_HEADERS.test(k)));
  const logs = deps.ds.getRepository(VendorNotificationLog);
  const log = await logs.save(
    logs.create({
      vendor,
      headers,
      rawBody: raw.toString("utf8").slice(0, 60_000),
      verified: false,
      rejectReason: null,
      eventKind: null,
      outTradeNo: null,
      transactionId: null,
      outcome: null,
    }),
  );
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
  if (!client) {
    await logs.update({ id: log.id }, { rejectReason: "NO_CLIENT", outcome: "rejected" });
    return answer(false);
  }
  let note: VerifiedNotification;
  try {
    note = await client.verifyNotification({ headers: ctx.headers, rawBody: raw });
  } catch (err) {
    const reason = err instanceof NotificationRejected ? err.reason : "VERIFY_ERROR";
    logger.warn({ vendor, reason, notificationId: log.id }, "vendor notification rejected");
    await logs.update({ id: log.id }, { rejectReason: reason.slice(0, 32), outcome: "rejected" });
    return answer(false);
  }
  if (note.kind === "refund") {
    await logs.update(
      { id: log.id },
      { verified: true, eventKind: `refund:${note.status}`, outTradeNo: note.outTradeNo.slice(0, 32) },
    );
    try {
      const r =
        note.status === "SUCCESS"
          ? await completeRefund(deps.ds, note.outRefundNo, note.refundId)
          : await failRefund(deps.ds, note.outRefundNo);
      await logs.update({ id: log.id }, { outcome: `refund ${r.status}` });
      return answer(true);
    } catch (err) {
      logger.warn({ err, vendor, notificationId: log.id }, "refund notification not applied");
      await logs.update({ id: log.id }, { outcome: "refund unknown" });
      return answer(false);
    }
  }
  const { trade } = note;
  await logs.update(
    { id: log.id },
    {
      verified: true,
      eventKind: `payment:${trade.state}`,
      outTradeNo: trade.outTradeNo.slice(0, 32),
      transactionId: trade.transactionId,
    },
  );
  if (trade.state !== "PAID" || !trade.transactionId || trade.amountFen === null) {
    await logs.update({ id: log.id }, { outcome: "not paid: nothing to apply" });
    return answer(true);
  }
  const paid = { transactionId: trade.transactionId, amountFen: trade.amountFen, paidAt: trade.paidAt ?? new Date() };
  let outcome: string;
  try {
    outcome = (await deps.ds.transaction((m) => settleVendorPayment(m, trade.outTradeNo, paid))).outcome;
  } catch (err) {
    logger.error({ err, vendor, notificationId: log.id }, "settlement failed");
    await logs.update({ id: log.id }, { outcome: "error" });
    return answer(false); // the vendor will retry
  }
  await logs.update({ id: log.id }, { outcome });
  // a replay changes nothing and still gets success; a wrong amount or an unknown order is refused
  answer(outcome === "settled" || outcome === "replay" || outcome === "flagged");
}
