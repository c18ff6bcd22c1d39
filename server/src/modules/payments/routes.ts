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
import { AppError } from "../../http/errors";
import { route } from "../../http/route";
import { getBoundAccount } from "../accounts/bindingService";
import { HeatingAccount } from "../accounts/entities";
import { createOnlinePayment, paymentStatus } from "./onlinePayments";
import { paymentHistory, presentPayments, recordOfflinePayment } from "./paymentService";

export function paymentRoutes(deps: Deps) {
  const { ds } = deps;
  return [
    route({
      method: "post",
      path: "/me/payments",
      summary: "发起缴费（金额由服务器按所选账单计算）",
      tags: ["resident"],
      auth: "resident",
      body: CreatePaymentSchema,
      response: CreatedPaymentSchema,
      status: 201,
      errors: [404, 502],
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
        return paymentStatus(ds, residentId(ctx), params.id);
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
        await getBoundAccount(deps, residentId(ctx), params.id);
        return { items: await paymentHistory(ds, params.id) };
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
      async handler({ params }) {
        if (!(await ds.getRepository(HeatingAccount).existsBy({ id: params.id })))
          throw new AppError("ACCOUNT_NOT_FOUND");
        return { items: await paymentHistory(ds, params.id) };
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
        const order = await recordOfflinePayment(ds, ctx, body);
        return (await presentPayments(ds, [order]))[0];
      },
    }),
  ];
}
