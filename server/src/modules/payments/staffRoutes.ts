import {
  CreateRefundSchema,
  IdParamSchema,
  PAYMENT_DESK_ROLES,
  PaymentPageSchema,
  PaymentSchema,
  PaymentSearchSchema,
  REFUND_ROLES,
  RefundListSchema,
  RefundSchema,
  ReconRunListSchema,
  ReconRunSchema,
  ResolveFlagSchema,
  StartReconSchema,
} from "@warmline/shared";
import type { Deps } from "../../deps";
import { AppError } from "../../http/errors";
import { route } from "../../http/route";
import { audit } from "../audit";
import { PaymentOrder, ReconRun, Refund } from "./entities";
import { presentPayments } from "./paymentService";
import { presentRecon, startRecon } from "./reconciliation";
import { createRefund, presentRefund } from "./refunds";
import { resolveFlag, searchPayments } from "./staffPayments";

export function staffPaymentRoutes(deps: Deps) {
  const { ds } = deps;
  return [
    route({
      method: "get",
      path: "/staff/payments",
      summary: "缴费查询（订单号、流水号、收据号、户号）",
      tags: ["payments"],
      auth: "staff",
      roles: PAYMENT_DESK_ROLES,
      query: PaymentSearchSchema,
      response: PaymentPageSchema,
      async handler({ query }) {
        const { rows, total } = await searchPayments(deps, query);
        return { items: await presentPayments(deps, rows), total, page: query.page, pageSize: query.pageSize };
      },
    }),
    route({
      method: "get",
      path: "/staff/payments/:id",
      summary: "支付订单详情",
      tags: ["payments"],
      auth: "staff",
      roles: PAYMENT_DESK_ROLES,
      params: IdParamSchema,
      response: PaymentSchema,
      errors: [404],
      async handler({ params }) {
        const order = await ds.getRepository(PaymentOrder).findOneBy({ id: params.id });
        if (!order) throw new AppError("PAYMENT_NOT_FOUND");
        return (await presentPayments(deps, [order]))[0];
      },
    }),
    route({
      method: "get",
      path: "/staff/payments/:id/refunds",
      summary: "退款记录",
      tags: ["payments"],
      auth: "staff",
      roles: PAYMENT_DESK_ROLES,
      params: IdParamSchema,
      response: RefundListSchema,
      errors: [404],
      async handler({ params }) {
        if (!(await ds.getRepository(PaymentOrder).existsBy({ id: params.id })))
          throw new AppError("PAYMENT_NOT_FOUND");
        const rows = await ds
          .getRepository(Refund)
          .find({ where: { paymentOrderId: params.id }, order: { id: "ASC" } });
        return { items: rows.map(presentRefund) };
      },
    }),
    route({
      method: "post",
      path: "/staff/payments/:id/refunds",
      summary: "退款（全部或部分；需填写原因，记入审计日志）",
      tags: ["payments"],
      auth: "staff",
      roles: REFUND_ROLES,
      params: IdParamSchema,
      body: CreateRefundSchema,
      response: RefundSchema,
      status: 201,
      errors: [404, 409, 502],
      async handler({ params, body }, ctx) {
        return presentRefund(await createRefund(deps, ctx, params.id, body));
      },
    }),
    route({
      method: "post",
      path: "/staff/payments/:id/resolve-flag",
      summary: "处理异常款项（冲抵欠费或退款）",
      tags: ["payments"],
      auth: "staff",
      roles: REFUND_ROLES,
      params: IdParamSchema,
      body: ResolveFlagSchema,
      response: PaymentSchema,
      errors: [404, 409],
      async handler({ params, body }, ctx) {
        const order = await resolveFlag(deps, ctx, params.id, body);
        return (await presentPayments(deps, [order]))[0];
      },
    }),
    route({
      method: "post",
      path: "/staff/reconciliations",
      summary: "发起对账（某日某渠道）",
      tags: ["payments"],
      auth: "staff",
      roles: REFUND_ROLES,
      body: StartReconSchema,
      response: ReconRunSchema,
      status: 202,
      async handler({ body }, ctx) {
        const run = await startRecon(ds, body.vendor, body.date);
        deps.jobs.kick();
        await audit(ds, ctx, { action: "payment.reconcile", targetType: "recon_run", targetId: run.id, details: body });
        return presentRecon(ds, run, false);
      },
    }),
    route({
      method: "get",
      path: "/staff/reconciliations",
      summary: "对账记录",
      tags: ["payments"],
      auth: "staff",
      roles: PAYMENT_DESK_ROLES,
      response: ReconRunListSchema,
      async handler() {
        const runs = await ds.getRepository(ReconRun).find({ order: { id: "DESC" }, take: 100 });
        return { items: await Promise.all(runs.map(async (r) => presentRecon(ds, r, false))) };
      },
    }),
    route({
      method: "get",
      path: "/staff/reconciliations/:id",
      summary: "对账结果（三类差异）",
      tags: ["payments"],
      auth: "staff",
      roles: PAYMENT_DESK_ROLES,
      params: IdParamSchema,
      response: ReconRunSchema,
      errors: [404],
      async handler({ params }) {
        const run = await ds.getRepository(ReconRun).findOneBy({ id: params.id });
        if (!run) throw new AppError("RECON_NOT_FOUND");
        return presentRecon(ds, run);
      },
    }),
  ];
}
