import { type CreatedPayment, type CreatePaymentInput, type PaymentStatusView, shanghaiDate } from "@warmline/shared";
import type { Deps } from "../../deps";
import { AppError } from "../../http/errors";
import type { EntityManager } from "typeorm";
import {
  type PaymentVendor,
  type PaymentVendorClient,
  PaymentVendorError,
  type VendorTrade,
} from "../../integrations/payments";
import { enqueue } from "../../jobs/outbox";
import { logger } from "../../lib/logger";
import { getBoundAccount, HeatingAccount } from "../accounts";
import { planPayment } from "../hardship";
import { ResidentUser } from "../residents";
import { PaymentAllocation, PaymentOrder } from "./entities";
import { chooseBills, openBills } from "./paymentService";
import { lockOrder, newOutTradeNo, settleVendorPayment } from "./settlement";
import { surplusesOf } from "./surplus";

/** how long a resident has to pay an online order before it is closed at the vendor */
export const ORDER_TTL_MS = 30 * 60_000;
/** first look at the vendor for an order whose notification has not come */
export const FIRST_CHECK_MS = 3 * 60_000;

export function vendorClient(deps: Deps, vendor: PaymentVendor): PaymentVendorClient {
  const client = deps.payments[vendor];
  if (!client) throw new AppError("PAYMENT_VENDOR_ERROR");
  return client;
}

function payerId(resident: ResidentUser, vendor: PaymentVendor): string {
  const id = vendor === "wechat" ? resident.wechatOpenid : resident.alipayUserId;
  if (!id) throw new AppError("PAYER_ID_MISSING");
  return id;
}

/** an order is handed out again only while the resident still has this long to pay it */
const REUSE_MARGIN_MS = 60_000;

/**
 * Order creation per account, one at a time within this process (SQLite, the embedded default, has no row
 * locks); across processes the account row's lock does the same on MySQL/MariaDB.
 */
const accountQueues = new Map<number, Promise<unknown>>();
async function oneAtATime<T>(accountId: number, work: () => Promise<T>): Promise<T> {
  const before = accountQueues.get(accountId) ?? Promise.resolve();
  const run = before.then(work, work);
  const tail = run.catch(() => undefined);
  accountQueues.set(accountId, tail);
  try {
    return await run;
  } finally {
    if (accountQueues.get(accountId) === tail) accountQueues.delete(accountId);
  }
}

function sameBills(a: number[], b: number[]): boolean {
  return a.length === b.length && [...a].sort((x, y) => x - y).every((id, i) => id === [...b].sort((x, y) => x - y)[i]);
}

type Plan = { kind: "reuse"; order: PaymentOrder } | { kind: "new"; order: PaymentOrder; superseded: number[] };

/**
 * A resident starts paying. The server computes the amount from the chosen bills (oldest first) as owed
 * today. A pending order of this resident for the same bills, amount and channel is handed out again (the
 * vendor answers a repeated order with the same prepay_id / trade_no): pressing 确认支付 twice, or coming
 * back from the cashier, makes no second order. Any other pending order that covers one of these bills is
 * closed at its vendor before the new one is issued — so a cashier page left open can no longer take the
 * money; should the vendor say it was paid meanwhile, that payment is settled and the new order refused
 * (BILLS_ALREADY_PAID). The order and its check job are written in one transaction, then the vendor is asked
 * for a trade.
 */
export async function createOnlinePayment(
  deps: Deps,
  residentId: number,
  input: CreatePaymentInput,
): Promise<CreatedPayment> {
  const { ds } = deps;
  // 按计划缴费 takes the plan's bills and an amount; otherwise bills are chosen and the amount is computed
  // here (an amount the client sends without a plan is ignored, as it always was)
  if (input.planId !== undefined && input.billIds?.length) {
    throw new AppError("HARDSHIP_PLAN_PAY_INPUT");
  }
  const account = await getBoundAccount(deps, residentId, input.accountId); // 404 unless bound to this resident
  const resident = await ds.getRepository(ResidentUser).findOneByOrFail({ id: residentId });
  const payer = payerId(resident, input.vendor);
  const client = vendorClient(deps, input.vendor);
  const invoiceBuyer = await deps.ports.invoicing.buyerForResident(
    ds,
    residentId,
    input.accountId,
    input.invoiceTitleId,
  );
  const plan = await oneAtATime(input.accountId, () =>
    ds.transaction(async (m): Promise<Plan> => {
      const now = new Date();
      await lockAccount(m, input.accountId);
      const { billIds, totalFen } =
        input.planId !== undefined
          ? await planOrder(m, input.accountId, input.planId, input.amountFen, now)
          : billOrder(chooseBills(await openBills(m, input.accountId), input.billIds));
      const pending = await m
        .getRepository(PaymentOrder)
        .find({ where: { accountId: input.accountId, status: "created" }, order: { id: "ASC" } });
      const same = pending.find(
        (o) =>
          o.residentUserId === residentId &&
          o.channel === input.vendor &&
          o.amountFen === totalFen &&
          sameBills(o.billIds, billIds) &&
          (o.expireAt?.getTime() ?? 0) > now.getTime() + REUSE_MARGIN_MS,
      );
      if (same) {
        // the title is ours alone (not sent to the vendor): the latest choice counts
        if (JSON.stringify(same.invoiceBuyer) !== JSON.stringify(invoiceBuyer)) {
          await m.getRepository(PaymentOrder).update({ id: same.id }, { invoiceBuyer });
        }
        return { kind: "reuse", order: same };
      }
      const o = await m.getRepository(PaymentOrder).save(
        m.getRepository(PaymentOrder).create({
          outTradeNo: newOutTradeNo(now),
          accountId: input.accountId,
          residentUserId: residentId,
          staffUserId: null,
          channel: input.vendor,
          amountFen: totalFen,
          refundedFen: 0,
          status: "created",
          billIds,
          vendorRef: null,
          transactionId: null,
          receiptNo: null,
          expireAt: new Date(now.getTime() + ORDER_TTL_MS),
          paidAt: null,
          flagged: false,
          flagReason: null,
          unappliedFen: 0,
          invoiceBuyer,
        }),
      );
      // the sweeper: if no notification settles the order, this job asks the vendor (and closes it at expiry)
      await enqueue(
        m,
        "payments.check_order",
        { orderId: o.id },
        { dedupeKey: `check_order:${o.id}:0`, delayMs: FIRST_CHECK_MS },
      );
      const superseded = pending.filter((p) => p.billIds.some((id) => billIds.includes(id))).map((p) => p.id);
      return { kind: "new", order: o, superseded };
    }),
  );
  const order = plan.order;
  if (plan.kind === "new" && plan.superseded.length) {
    let paidMeanwhile = false;
    try {
      for (const id of plan.superseded) if ((await supersede(deps, id)) === "paid") paidMeanwhile = true;
    } catch (err) {
      await ds.getRepository(PaymentOrder).update({ id: order.id, status: "created" }, { status: "closed" });
      throw err;
    }
    if (paidMeanwhile) {
      await ds.getRepository(PaymentOrder).update({ id: order.id, status: "created" }, { status: "closed" });
      throw new AppError("BILLS_ALREADY_PAID");
    }
  }
  try {
    const trade = await client.createTrade({
      outTradeNo: order.outTradeNo,
      amountFen: order.amountFen,
      description: `民乐县供热费 户号${account.accountNo}`,
      payerId: payer,
      expireAt: order.expireAt as Date,
      notifyUrl: `${deps.config.publicUrl}/api/v1/notify/${input.vendor}`,
    });
    if (order.vendorRef !== trade.vendorRef) {
      await ds.getRepository(PaymentOrder).update({ id: order.id }, { vendorRef: trade.vendorRef });
    }
    return {
      id: order.id,
      outTradeNo: order.outTradeNo,
      vendor: input.vendor,
      amountFen: order.amountFen,
      expireAt: (order.expireAt as Date).toISOString(),
      clientParams: trade.clientParams,
      cashierUrl: trade.cashierUrl ?? null,
    };
  } catch (err) {
    if (plan.kind === "new") {
      // never reached the payer: close it here; the check job will confirm with the vendor
      await ds.getRepository(PaymentOrder).update({ id: order.id, status: "created" }, { status: "closed" });
    }
    if (err instanceof PaymentVendorError) {
      logger.warn({ vendor: err.vendor, code: err.code, outTradeNo: order.outTradeNo }, "vendor refused the trade");
      throw new AppError("PAYMENT_VENDOR_ERROR", { vendorCode: err.code });
    }
    throw err;
  }
}

function billOrder(c: ReturnType<typeof chooseBills>): { billIds: number[]; totalFen: number } {
  return { billIds: c.chosen.map((o) => o.bill.id), totalFen: c.totalFen };
}

/**
 * 按计划缴费: the plan's bills still owing, and the amount asked for (default: the rest of the next
 * instalment), at least 1 fen and at most what is left of the plan. The money goes only to the plan's
 * bills, whatever else the account owes; more than the instalment counts toward the next ones.
 */
async function planOrder(
  m: EntityManager,
  accountId: number,
  planId: number,
  amountFen: number | undefined,
  now: Date,
): Promise<{ billIds: number[]; totalFen: number }> {
  const due = await planPayment(m, planId, accountId, shanghaiDate(now));
  const totalFen = amountFen ?? due.nextFen;
  if (!Number.isSafeInteger(totalFen) || totalFen < 1 || totalFen > due.remainingFen) {
    throw new AppError("HARDSHIP_PLAN_PAY_AMOUNT", { nextFen: due.nextFen, remainingFen: due.remainingFen });
  }
  return { billIds: due.billIds, totalFen };
}

async function lockAccount(m: EntityManager, accountId: number): Promise<void> {
  if (m.connection.options.type === "better-sqlite3") return;
  await m
    .getRepository(HeatingAccount)
    .createQueryBuilder("a")
    .select("a.id")
    .where("a.id = :accountId", { accountId })
    .setLock("pessimistic_write")
    .getOne();
}

/**
 * Closes a superseded pending order at its vendor (WeChat Pay close, Alipay alipay.trade.close), then here.
 * The vendor refusing because the order is paid (ORDER_PAID / ACQ.TRADE_STATUS_ERROR) → the payment is
 * settled from the vendor's answer and "paid" returned. Any other failure → PAYMENT_VENDOR_ERROR: no new
 * order while the old one may still take money.
 */
async function supersede(deps: Deps, orderId: number): Promise<"closed" | "paid"> {
  const { ds } = deps;
  const old = await ds.getRepository(PaymentOrder).findOneByOrFail({ id: orderId });
  if (old.status === "paid") return "paid";
  if (old.status !== "created") return "closed";
  const client = vendorClient(deps, old.channel as PaymentVendor);
  try {
    await client.closeTrade(old.outTradeNo);
  } catch (err) {
    if (!(err instanceof PaymentVendorError)) throw err;
    let trade: VendorTrade | null;
    try {
      trade = await client.queryTrade(old.outTradeNo);
    } catch {
      throw new AppError("PAYMENT_VENDOR_ERROR", { vendorCode: err.code });
    }
    if (trade?.state === "PAID" && trade.transactionId && trade.amountFen !== null) {
      const paid = {
        vendor: client.vendor,
        transactionId: trade.transactionId,
        amountFen: trade.amountFen,
        paidAt: trade.paidAt ?? new Date(),
      };
      const res = await ds.transaction((m) => settleVendorPayment(m, old.outTradeNo, paid));
      logger.info({ outTradeNo: old.outTradeNo, outcome: res.outcome }, "a superseded order had been paid: settled");
      return "paid";
    }
    // never created at the vendor, or closed already: nothing can pay it, which is what closing is for
    if (trade !== null && trade.state !== "CLOSED") {
      logger.warn({ vendor: err.vendor, code: err.code, outTradeNo: old.outTradeNo }, "vendor refused to close");
      throw new AppError("PAYMENT_VENDOR_ERROR", { vendorCode: err.code });
    }
  }
  return ds.transaction(async (m) => {
    const locked = await lockOrder(m, { id: orderId });
    if (locked?.status === "paid") return "paid"; // its notification came while we closed it
    if (locked?.status === "created") {
      locked.status = "closed";
      await m.getRepository(PaymentOrder).save(locked);
    }
    return "closed";
  });
}

export async function paymentStatus(deps: Deps, residentId: number, id: number): Promise<PaymentStatusView> {
  const { ds } = deps;
  const o = await ds.getRepository(PaymentOrder).findOneBy({ id, residentUserId: residentId });
  if (!o) throw new AppError("PAYMENT_NOT_FOUND");
  const invoice = (await deps.ports.invoicing.invoicesOfPayments(ds, [o.id])).get(o.id);
  return {
    id: o.id,
    outTradeNo: o.outTradeNo,
    accountId: o.accountId,
    amountFen: o.amountFen,
    status: o.status,
    paidAt: o.paidAt?.toISOString() ?? null,
    invoiceId: invoice?.id ?? null,
    invoiceStatus: invoice?.status ?? null,
    // an invoice comes only for money applied to bills; flagged money waits for staff (or goes back)
    invoiceExpected:
      invoice !== undefined ||
      (o.status === "paid" &&
        !o.flagged &&
        (await ds.getRepository(PaymentAllocation).countBy({ paymentOrderId: o.id })) > 0),
    surplus: (await surplusesOf(ds, [o], deps.config.surplusRefund)).get(o.id) ?? null,
  };
}
