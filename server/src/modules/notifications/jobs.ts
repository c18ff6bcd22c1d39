import { formatYuan, PAYMENT_CHANNEL_LABELS, type PaymentChannelCode } from "@warmline/shared";
import type { DataSource } from "typeorm";
import { z } from "zod";
import { defineJob } from "../../jobs/registry";
import { AccountBinding, HeatingAccount } from "../accounts";
import { Invoice } from "../invoices";
import { PaymentOrder } from "../payments";
import { writeInApp } from "./inapp";

/** After a binding commits: tell the resident (in-app message). Runs at least once; the dedupe key makes it once. */
export const accountBoundJob = defineJob({
  name: "notify.account_bound",
  schema: z.object({ bindingId: z.number().int().positive() }),
  async handle({ bindingId }, { ds }) {
    const binding = await ds.getRepository(AccountBinding).findOneBy({ id: bindingId });
    if (!binding) return; // binding rolled back or deleted: nothing to say
    const account = await ds.getRepository(HeatingAccount).findOneByOrFail({ id: binding.accountId });
    await writeInApp(ds, {
      residentUserId: binding.residentUserId,
      kind: "account_bound",
      title: "户号绑定成功",
      body: `您已成功绑定供热户号 ${account.accountNo}（${account.address}）。如非本人操作，请立即解绑并致电 24 小时供热服务热线 0936-4466666。`,
      dedupeKey: `account_bound:${bindingId}`,
    });
  },
});

/** the residents bound to an account now (each gets the account's notices) */
async function boundResidents(db: DataSource, accountId: number): Promise<number[]> {
  const rows = await db.getRepository(AccountBinding).findBy({ accountId, activeFlag: true });
  return [...new Set(rows.map((b) => b.residentUserId))];
}

/** An issued blue invoice: each resident bound to the account is told where to find it. Once per invoice. */
export const invoiceIssuedJob = defineJob({
  name: "notify.invoice_issued",
  schema: z.object({ invoiceId: z.number().int().positive() }),
  async handle({ invoiceId }, { ds }) {
    const inv = await ds.getRepository(Invoice).findOneBy({ id: invoiceId });
    if (inv?.status !== "issued" || inv.kind !== "blue") return;
    const account = await ds.getRepository(HeatingAccount).findOneBy({ id: inv.accountId });
    for (const residentUserId of await boundResidents(ds, inv.accountId)) {
      await writeInApp(ds, {
        residentUserId,
        kind: "invoice_issued",
        title: "电子发票已开具",
        body: `户号 ${account?.accountNo ?? ""} 的供热费电子发票已开具（发票号码 ${inv.invoiceNo ?? ""}，金额 ${formatYuan(inv.totalFen)}），可在户号的“电子发票”中查看、下载或发送到邮箱。`,
        dedupeKey: `invoice_issued:${invoiceId}:${residentUserId}`,
      });
    }
  },
});

/** Money applied to an account's bills: each resident bound to it is told (我的消息). Once per payment. */
export const paymentPaidJob = defineJob({
  name: "notify.payment_paid",
  schema: z.object({ paymentOrderId: z.number().int().positive() }),
  async handle({ paymentOrderId }, { ds }) {
    const order = await ds.getRepository(PaymentOrder).findOneBy({ id: paymentOrderId });
    if (order?.status !== "paid") return;
    const applied = order.amountFen - order.unappliedFen;
    if (applied <= 0) return;
    const account = await ds.getRepository(HeatingAccount).findOneBy({ id: order.accountId });
    const channel = PAYMENT_CHANNEL_LABELS[order.channel as PaymentChannelCode] ?? order.channel;
    for (const residentUserId of await boundResidents(ds, order.accountId)) {
      await writeInApp(ds, {
        residentUserId,
        kind: "payment_paid",
        title: "缴费成功",
        body: `户号 ${account?.accountNo ?? ""} 已缴费 ${formatYuan(applied)}（${channel}），订单号 ${order.outTradeNo}。电子发票开具后可在户号的“电子发票”中查看。`,
        dedupeKey: `payment_paid:${paymentOrderId}:${residentUserId}`,
      });
    }
  },
});
