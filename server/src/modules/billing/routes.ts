import {
  ACCOUNT_DESK_ROLES,
  BillCorrectSchema,
  BillCorrectionListSchema,
  BillListSchema,
  BillRunSchema,
  BILLING_ADMIN_ROLES,
  BillSchema,
  CreateSeasonSchema,
  IdParamSchema,
  SeasonListSchema,
  SeasonSchema,
  WAIVER_ROLES,
  WaiveSchema,
} from "@warmline/shared";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { route } from "../../http/route";
import { audit } from "../audit";
import { presentRun, startBillRun } from "./billRun";
import { correctBill, correctionsOfAccount } from "./corrections";
import { billsOfAccount, waiveBill } from "./bills";
import { BillRun, HeatingSeason } from "./entities";
import { createSeason, deleteSeason, presentSeason } from "./seasonService";

export function billingRoutes(deps: Deps) {
  const { ds } = deps;
  return [
    route({
      method: "get",
      path: "/me/accounts/:id/bills",
      summary: "户号的账单（含欠费与滞纳金，按今日计算）",
      tags: ["resident"],
      auth: "resident",
      params: IdParamSchema,
      response: BillListSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await deps.access.require(ctx.state.auth, "account.read", params.id);
        return billsOfAccount(ds, params.id);
      },
    }),
    route({
      method: "get",
      path: "/staff/accounts/:id/bills",
      summary: "账户的账单",
      tags: ["billing"],
      auth: "staff",
      roles: ACCOUNT_DESK_ROLES,
      params: IdParamSchema,
      response: BillListSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await deps.access.require(ctx.state.auth, "account.read", params.id);
        return billsOfAccount(ds, params.id);
      },
    }),
    route({
      method: "post",
      path: "/staff/bills/:id/waive",
      summary: "减免本金或滞纳金（需填写原因，记入审计日志）",
      tags: ["billing"],
      auth: "staff",
      roles: WAIVER_ROLES,
      params: IdParamSchema,
      body: WaiveSchema,
      response: BillSchema,
      errors: [404],
      async handler({ params, body }, ctx) {
        return waiveBill(ds, ctx, params.id, body);
      },
    }),
    route({
      method: "post",
      path: "/staff/bills/:id/correct",
      summary: "更正已出账单的供热面积（金额按账单单价重算，需填写原因，记入审计日志）",
      tags: ["billing"],
      auth: "staff",
      roles: WAIVER_ROLES,
      params: IdParamSchema,
      body: BillCorrectSchema,
      response: BillSchema,
      errors: [404, 409],
      async handler({ params, body }, ctx) {
        return correctBill(ds, ctx, params.id, body);
      },
    }),
    route({
      method: "get",
      path: "/staff/accounts/:id/bill-corrections",
      summary: "账户的账单更正记录",
      tags: ["billing"],
      auth: "staff",
      roles: ACCOUNT_DESK_ROLES,
      params: IdParamSchema,
      response: BillCorrectionListSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await deps.access.require(ctx.state.auth, "account.read", params.id);
        return { items: await correctionsOfAccount(ds, params.id) };
      },
    }),
    route({
      method: "get",
      path: "/staff/seasons",
      summary: "供热季与收费标准",
      tags: ["billing"],
      auth: "staff",
      response: SeasonListSchema,
      async handler() {
        const seasons = await ds.getRepository(HeatingSeason).find({ order: { startDate: "DESC" } });
        return { items: await Promise.all(seasons.map((s) => presentSeason(ds, s))) };
      },
    }),
    route({
      method: "post",
      path: "/staff/seasons",
      summary: "新建供热季及收费标准",
      tags: ["billing"],
      auth: "staff",
      roles: BILLING_ADMIN_ROLES,
      body: CreateSeasonSchema,
      response: SeasonSchema,
      status: 201,
      errors: [409],
      async handler({ body }, ctx) {
        const season = await createSeason(ds, body);
        await audit(ds, ctx, {
          action: "season.create",
          targetType: "season",
          targetId: season.id,
          details: { code: body.code },
        });
        return presentSeason(ds, season);
      },
    }),
    route({
      method: "delete",
      path: "/staff/seasons/:id",
      summary: "删除误建的供热季（仅限尚未开具账单的）",
      tags: ["billing"],
      auth: "staff",
      roles: BILLING_ADMIN_ROLES,
      params: IdParamSchema,
      errors: [404, 409],
      async handler({ params }, ctx) {
        const season = await deleteSeason(ds, params.id);
        await audit(ds, ctx, {
          action: "season.delete",
          targetType: "season",
          targetId: season.id,
          details: { code: season.code },
        });
      },
    }),
    route({
      method: "post",
      path: "/staff/seasons/:id/bill-runs",
      summary: "生成供热季账单（后台任务，可查看进度；重复执行不会重复开票）",
      tags: ["billing"],
      auth: "staff",
      roles: BILLING_ADMIN_ROLES,
      params: IdParamSchema,
      response: BillRunSchema,
      status: 202,
      errors: [404],
      async handler({ params }, ctx) {
        const run = await startBillRun(ds, params.id, staffAuth(ctx).id);
        deps.jobs.kick();
        await audit(ds, ctx, {
          action: "bills.generate",
          targetType: "season",
          targetId: params.id,
          details: { runId: run.id },
        });
        return presentRun(run);
      },
    }),
    route({
      method: "get",
      path: "/staff/bill-runs/:id",
      summary: "账单生成进度",
      tags: ["billing"],
      auth: "staff",
      roles: BILLING_ADMIN_ROLES,
      params: IdParamSchema,
      response: BillRunSchema,
      errors: [404],
      async handler({ params }) {
        const run = await ds.getRepository(BillRun).findOneBy({ id: params.id });
        if (!run) throw new AppError("BILL_RUN_NOT_FOUND");
        return presentRun(run);
      },
    }),
  ];
}
