import {
  CreatedPaymentSchema,
  CreatePaymentSchema,
  IdParamSchema,
  OFFLINE_PAYMENT_ROLES,
  OfflinePaymentSchema,
  PaymentListSchema,
  PaymentSchema,
  PaymentStatusSchema,
} from "@warmline/shared";
import type { Deps } from "../../deps";
import { residentId } from "../../http/auth";
import { route } from "../../http/route";
import { createOnlinePayment, paymentStatus } from "./onlinePayments";
import { paymentHistory, presentPayments, recordOfflinePayment } from "./paymentService";

export function paymentRoutes(deps: Deps) {
  return [
    route({
      method: "post",
      path: "/me/payments",
      summary: "发起缴费（金额由服务器按所选账单计算；或按困难分期/缓缴计划缴费）",
      tags: ["resident"],
      auth: "resident",
      body: CreatePaymentSchema,
      response: CreatedPaymentSchema,
      status: 201,
      errors: [400, 404, 409, 502],
      async handler({ body }, ctx) {
        return createOnlinePayment(deps, residentId(ctx), body);
      },
    }),
    route({
      method: "get",
      path: "/me/payments/:id",
      summary: "支付结果（以服务器确认为准）",
      tags: ["resident"],
      auth: "resident",
      params: IdParamSchema,
      response: PaymentStatusSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await deps.access.require(ctx.state.auth, "payment.read", params.id);
        return paymentStatus(deps, residentId(ctx), params.id);
      },
    }),
    route({
      method: "get",
      path: "/me/accounts/:id/payments",
      summary: "缴费记录（线上与线下）",
      tags: ["resident"],
      auth: "resident",
      params: IdParamSchema,
      response: PaymentListSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await deps.access.require(ctx.state.auth, "account.read", params.id);
        return { items: await paymentHistory(deps, params.id) };
      },
    }),
    route({
      method: "get",
      path: "/staff/accounts/:id/payments",
      summary: "账户缴费记录",
      tags: ["payments"],
      auth: "staff",
      params: IdParamSchema,
      response: PaymentListSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await deps.access.require(ctx.state.auth, "account.read", params.id);
        return { items: await paymentHistory(deps, params.id) };
      },
    }),
    route({
      method: "post",
      path: "/staff/payments/offline",
      summary: "线下收费（银行专窗、服务站现金/刷卡/转账，网格员代缴）",
      tags: ["payments"],
      auth: "staff",
      roles: OFFLINE_PAYMENT_ROLES,
      body: OfflinePaymentSchema,
      response: PaymentSchema,
      status: 201,
      errors: [403, 404],
      async handler({ body }, ctx) {
        const order = await recordOfflinePayment(deps, ctx, body);
        return (await presentPayments(deps, [order]))[0];
      },
    }),
  ];
}
