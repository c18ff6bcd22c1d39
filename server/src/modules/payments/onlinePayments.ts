import type { CreatedPayment, CreatePaymentInput, PaymentStatusView } from "@warmline/shared";
import type { Deps } from "../../deps";
import { AppError } from "../../http/errors";
import { type PaymentVendor, type PaymentVendorClient, PaymentVendorError } from "../../integrations/payments";
import { enqueue } from "../../jobs/outbox";
import { logger } from "../../lib/logger";
import { getBoundAccount } from "../accounts";
import { ResidentUser } from "../residents";
import { PaymentOrder } from "./entities";
import { chooseBills, openBills } from "./paymentService";
import { newOutTradeNo } from "./settlement";

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

/**
 * A resident starts paying. The server computes the amount from the chosen bills (oldest first) as owed
 * today, writes the order and its check job in one transaction, then asks the vendor for a trade.
 */
export async function createOnlinePayment(
  deps: Deps,
  residentId: number,
  input: CreatePaymentInput,
): Promise<CreatedPayment> {
  const { ds } = deps;
  const account = await getBoundAccount(deps, residentId, input.accountId); // 404 unless bound to this resident
  const resident = await ds.getRepository(ResidentUser).findOneByOrFail({ id: residentId });
  const payer = payerId(resident, input.vendor);
  const client = vendorClient(deps, input.vendor);
  const now = new Date();
  const invoiceBuyer = await deps.ports.invoicing.buyerForResident(
    ds,
    residentId,
    input.accountId,
    input.invoiceTitleId,
  );
  const order = await ds.transaction(async (m) => {
    const { chosen, totalFen } = chooseBills(await openBills(m, input.accountId), input.billIds);
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
        billIds: chosen.map((c) => c.bill.id),
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
    return o;
  });
  try {
    const trade = await client.createTrade({
      outTradeNo: order.outTradeNo,
      amountFen: order.amountFen,
      description: `民乐县供热费 户号${account.accountNo}`,
      payerId: payer,
      expireAt: order.expireAt as Date,
      notifyUrl: `${deps.config.publicUrl}/api/v1/notify/${input.vendor}`,
    });
    await ds.getRepository(PaymentOrder).update({ id: order.id }, { vendorRef: trade.vendorRef });
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
    // never reached the payer: close it here; the check job will confirm with the vendor
    await ds.getRepository(PaymentOrder).update({ id: order.id, status: "created" }, { status: "closed" });
    if (err instanceof PaymentVendorError) {
      logger.warn({ vendor: err.vendor, code: err.code, outTradeNo: order.outTradeNo }, "vendor refused the trade");
      throw new AppError("PAYMENT_VENDOR_ERROR", { vendorCode: err.code });
    }
    throw err;
  }
}

export async function paymentStatus(deps: Deps, residentId: number, id: number): Promise<PaymentStatusView> {
  const { ds } = deps;
  const o = await ds.getRepository(PaymentOrder).findOneBy({ id, residentUserId: residentId });
  if (!o) throw new AppError("PAYMENT_NOT_FOUND");
  return {
    id: o.id,
    outTradeNo: o.outTradeNo,
    accountId: o.accountId,
    amountFen: o.amountFen,
    status: o.status,
    paidAt: o.paidAt?.toISOString() ?? null,
    invoiceId: (await deps.ports.invoicing.invoicesOfPayments(ds, [o.id])).get(o.id)?.id ?? null,
  };
}
