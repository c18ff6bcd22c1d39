import { beijingMinuteText, formatYuan, PAYMENT_CHANNEL_LABELS, type PaymentChannelCode } from "@warmline/shared";
import { z } from "zod";
import type { Deps } from "../../deps";
import type { MessageVendor } from "../../integrations/messaging";
import { defineJob } from "../../jobs/registry";
import { AccountBinding, HeatingAccount } from "../accounts";
import { PaymentOrder, Refund } from "../payments";
import { writeInApp } from "./inapp";
import { sendResidentMessage } from "./residentMessage";
import { storedMobile } from "./ticketMessages";

/**
 * 退款通知: a refund of a resident's payment completed (payments' completeRefund enqueues this in the
 * transaction that marks it succeeded, once per refund). Every resident bound to the account, and the
 * resident who paid, get it in 我的消息; the resident who paid also gets it outside the app by the ticket
 * messages' rules — a subscribe message while a one-time consent is left, SMS to the account's mobile
 * otherwise. A callback that repeats the success enqueues nothing (the refund is no longer processing) and a
 * job that runs twice sends nothing twice (unique keys on the messages and the delivery).
 */

export const REFUND_MESSAGE_ATTEMPTS = 8;
const PAYMENTS_PAGE = "pages/payments/index";

export interface RefundMessageContent {
  accountNo: string;
  orderNo: string;
  amount: string;
  /** Beijing "yyyy-MM-dd HH:mm" of the completion */
  time: string;
  channel: string;
}

export function refundText(c: RefundMessageContent): string {
  return `户号 ${c.accountNo} 订单号 ${c.orderNo} 的缴费已退款 ${c.amount}，已于 ${c.time} 原路退回（${c.channel}），到账时间以银行或支付平台为准。如有疑问请致电 0936-4466666。`;
}

export function refundVendorData(vendor: MessageVendor, c: RefundMessageContent): Record<string, string> {
  // 订单编号 character_string1, 退款金额 amount2, 退款时间 time3, 温馨提示 thing4
  const tip = "已原路退回，到账时间以支付平台为准";
  // WeChat's amount field takes no thousands separators
  const amount = c.amount.replaceAll(",", "");
  return vendor === "wechat"
    ? { character_string1: c.orderNo, amount2: amount, time3: c.time, thing4: tip }
    : { keyword1: c.orderNo, keyword2: amount, keyword3: c.time, keyword4: tip };
}

export function refundSucceededJob(deps: () => Deps) {
  return defineJob({
    name: "notify.refund_succeeded",
    schema: z.object({ refundId: z.number().int().positive() }),
    maxAttempts: REFUND_MESSAGE_ATTEMPTS,
    async handle({ refundId }, ctx) {
      const d = deps();
      const refund = await d.ds.getRepository(Refund).findOneBy({ id: refundId });
      if (refund?.status !== "succeeded") return;
      const order = await d.ds.getRepository(PaymentOrder).findOneByOrFail({ id: refund.paymentOrderId });
      const account = await d.ds.getRepository(HeatingAccount).findOneBy({ id: order.accountId });
      const content: RefundMessageContent = {
        accountNo: account?.accountNo ?? "",
        orderNo: order.outTradeNo,
        amount: formatYuan(refund.amountFen),
        time: beijingMinuteText(refund.finishedAt ?? refund.updatedAt),
        channel: PAYMENT_CHANNEL_LABELS[order.channel as PaymentChannelCode] ?? order.channel,
      };
      const bound = await d.ds.getRepository(AccountBinding).findBy({ accountId: order.accountId, activeFlag: true });
      const residents = new Set([
        ...(order.residentUserId !== null ? [order.residentUserId] : []),
        ...bound.map((b) => b.residentUserId),
      ]);
      for (const residentUserId of residents) {
        await writeInApp(d.ds, {
          residentUserId,
          kind: "refund_succeeded",
          title: "退款成功",
          body: refundText(content),
          dedupeKey: `refund:${refundId}:${residentUserId}`,
        });
      }
      // outside the app: the resident who paid online (money handed back at a desk was handed in person)
      if (order.residentUserId === null) return;
      const r = await sendResidentMessage(
        d,
        {
          uniqueKey: `refund:${refundId}`,
          residentUserId: order.residentUserId,
          template: "refund_result",
          page: PAYMENTS_PAGE,
          data: (vendor) => refundVendorData(vendor, content),
          sms: {
            templateCode: d.config.sms.templates.refund_result,
            params: {
              accountNo: content.accountNo,
              orderNo: content.orderNo,
              amount: content.amount,
              time: content.time,
            },
            phone: async () => storedMobile(d, account?.phoneEnc ?? null, "refund message"),
          },
          payload: { refundId, ...content },
        },
        { finalAttempt: ctx.attempt >= REFUND_MESSAGE_ATTEMPTS },
      );
      if (r.status === "pending") throw new Error(`refund message ${refundId} is being sent by another run`);
    },
  });
}
