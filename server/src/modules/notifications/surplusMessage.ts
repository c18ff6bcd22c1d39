import { surplusNotice } from "@warmline/shared";
import { z } from "zod";
import { defineJob } from "../../jobs/registry";
import { AccountBinding, HeatingAccount } from "../accounts";
import { PaymentOrder, surplusesOf } from "../payments";
import { writeInApp } from "./inapp";

/**
 * 余款: money of a payment paid no bill (bills already paid, order closed). The resident who paid — and
 * every resident bound to the account — is told in plain words how much, why, and when it comes back.
 * Once per payment and resident.
 */
export const paymentSurplusJob = defineJob({
  name: "notify.payment_surplus",
  schema: z.object({ paymentOrderId: z.number().int().positive() }),
  async handle({ paymentOrderId }, { ds }) {
    const order = await ds.getRepository(PaymentOrder).findOneBy({ id: paymentOrderId });
    if (!order) return;
    // the surplus job has decided (scheduled / awaiting_supervisor) before it enqueues this message
    const surplus = (await surplusesOf(ds, [order], { mode: "auto", holdMs: 0 })).get(order.id);
    if (!surplus) return;
    const account = await ds.getRepository(HeatingAccount).findOneBy({ id: order.accountId });
    const bound = (await ds.getRepository(AccountBinding).findBy({ accountId: order.accountId, activeFlag: true })).map(
      (b) => b.residentUserId,
    );
    const residents = new Set([...(order.residentUserId !== null ? [order.residentUserId] : []), ...bound]);
    for (const residentUserId of residents) {
      await writeInApp(ds, {
        residentUserId,
        kind: "payment_surplus",
        title: "重复缴费款项将退回",
        body: `户号 ${account?.accountNo ?? ""} 订单号 ${order.outTradeNo}：${surplusNotice(surplus)}`,
        dedupeKey: `payment_surplus:${paymentOrderId}:${residentUserId}`,
      });
    }
  },
});
