import {
  ACCOUNT_DESK_ROLES,
  ConfirmValveVisitSchema,
  CreateSuspensionSchema,
  HeatingStatusHistorySchema,
  IdParamSchema,
  ResidentSuspensionQuerySchema,
  ScheduleValveVisitSchema,
  SUSPENSION_DESK_ROLES,
  SUSPENSION_REVIEW_ROLES,
  SUSPENSION_VISIT_ROLES,
  SuspensionDecisionSchema,
  SuspensionPageSchema,
  SuspensionQueueQuerySchema,
  SuspensionRulesViewSchema,
  SuspensionViewSchema,
  WithdrawSuspensionSchema,
} from "@warmline/shared";
import type { Deps } from "../../deps";
import { residentId, staffAuth } from "../../http/auth";
import { route } from "../../http/route";
import { HeatingAccount } from "../accounts";
import { SuspensionApplication } from "./entities";
import { presentApplications } from "./present";
import {
  apply,
  confirmVisit,
  decide,
  heatingHistory,
  openRules,
  scheduleVisit,
  staffActorOf,
  viewOf,
  withdraw,
} from "./service";

export function suspensionRoutes(deps: Deps) {
  const { ds } = deps;
  const resident = (ctx: Parameters<typeof residentId>[0]) => ({ kind: "resident" as const, id: residentId(ctx) });
  return [
    // --- resident (mini-program) ---
    route({
      method: "get",
      path: "/me/suspension-rules",
      summary: "报停/复供须知：本次申请对应的供热季、截止日期、欠费规则、基本热费比例",
      tags: ["resident", "suspensions"],
      auth: "resident",
      response: SuspensionRulesViewSchema,
      async handler() {
        return openRules(deps);
      },
    }),
    route({
      method: "post",
      path: "/me/suspensions",
      summary: "申请报停或复供（仅限已绑定的户号）",
      tags: ["resident", "suspensions"],
      auth: "resident",
      body: CreateSuspensionSchema,
      response: SuspensionViewSchema,
      status: 201,
      errors: [400, 404, 409, 422],
      async handler({ body }, ctx) {
        await deps.access.require(ctx.state.auth, "account.read", body.accountId);
        return apply(deps, ctx, resident(ctx), body);
      },
    }),
    route({
      method: "get",
      path: "/me/suspensions",
      summary: "我的报停/复供申请与供热状态",
      tags: ["resident", "suspensions"],
      auth: "resident",
      query: ResidentSuspensionQuerySchema,
      response: HeatingStatusHistorySchema,
      errors: [404],
      async handler({ query }, ctx) {
        await deps.access.require(ctx.state.auth, "account.read", query.accountId);
        return heatingHistory(deps, query.accountId);
      },
    }),
    route({
      method: "post",
      path: "/me/suspensions/:id/withdraw",
      summary: "撤回报停/复供申请（审核前）",
      tags: ["resident", "suspensions"],
      auth: "resident",
      params: IdParamSchema,
      body: WithdrawSuspensionSchema,
      response: SuspensionViewSchema,
      errors: [404, 409],
      async handler({ params, body }, ctx) {
        await deps.access.require(ctx.state.auth, "suspension.read", params.id);
        return withdraw(deps, ctx, resident(ctx), params.id, body.reason);
      },
    }),

    // --- staff (console) ---
    route({
      method: "get",
      path: "/staff/suspensions",
      summary: "报停/复供办理队列（维修员：派给自己的上门任务）",
      tags: ["suspensions"],
      auth: "staff",
      roles: SUSPENSION_DESK_ROLES,
      query: SuspensionQueueQuerySchema,
      response: SuspensionPageSchema,
      async handler({ query }, ctx) {
        const s = staffAuth(ctx);
        // a technician alone sees only the visits dispatched to them
        const onlyTech = s.roles.every((r) => r === "technician");
        const qb = ds.getRepository(SuspensionApplication).createQueryBuilder("s");
        if (query.status) qb.andWhere("s.status = :status", { status: query.status });
        if (query.kind) qb.andWhere("s.kind = :kind", { kind: query.kind });
        if (query.seasonCode) qb.andWhere("s.season_code = :code", { code: query.seasonCode });
        if (query.mine || onlyTech) qb.andWhere("s.technician_id = :me", { me: s.id });
        if (query.accountNo) {
          qb.innerJoin(HeatingAccount, "a", "a.id = s.account_id").andWhere("a.account_no = :no", {
            no: query.accountNo,
          });
        }
        const [rows, total] = await qb
          .orderBy("s.id", "DESC")
          .skip((query.page - 1) * query.pageSize)
          .take(query.pageSize)
          .getManyAndCount();
        return { items: await presentApplications(deps, rows), total, page: query.page, pageSize: query.pageSize };
      },
    }),
    route({
      method: "get",
      path: "/staff/suspensions/:id",
      summary: "报停/复供申请详情",
      tags: ["suspensions"],
      auth: "staff",
      roles: SUSPENSION_DESK_ROLES,
      params: IdParamSchema,
      response: SuspensionViewSchema,
      errors: [404],
      async handler({ params }) {
        return viewOf(deps, params.id);
      },
    }),
    route({
      method: "post",
      path: "/staff/suspensions/:id/decision",
      summary: "审核报停/复供申请（批准，或填写原因不予批准）",
      tags: ["suspensions"],
      auth: "staff",
      roles: SUSPENSION_REVIEW_ROLES,
      params: IdParamSchema,
      body: SuspensionDecisionSchema,
      response: SuspensionViewSchema,
      errors: [400, 404, 409],
      async handler({ params, body }, ctx) {
        return decide(deps, ctx, params.id, body);
      },
    }),
    route({
      method: "post",
      path: "/staff/suspensions/:id/valve-visit",
      summary: "安排维修员上门关阀加封（或拆封开阀）；待审核的申请同时批准",
      tags: ["suspensions"],
      auth: "staff",
      roles: SUSPENSION_REVIEW_ROLES,
      params: IdParamSchema,
      body: ScheduleValveVisitSchema,
      response: SuspensionViewSchema,
      errors: [400, 404, 409],
      async handler({ params, body }, ctx) {
        return scheduleVisit(deps, ctx, params.id, body);
      },
    }),
    route({
      method: "post",
      path: "/staff/suspensions/:id/valve-visit/confirm",
      summary: "维修员确认上门办结（须先上传阀门照片）",
      tags: ["suspensions"],
      auth: "staff",
      roles: SUSPENSION_VISIT_ROLES,
      params: IdParamSchema,
      body: ConfirmValveVisitSchema,
      response: SuspensionViewSchema,
      errors: [403, 404, 409],
      async handler({ params, body }, ctx) {
        await staffActorOf(deps, ctx);
        return confirmVisit(deps, ctx, params.id, body.note);
      },
    }),
    route({
      method: "get",
      path: "/staff/accounts/:id/heating-status",
      summary: "账户供热状态（正常/报停）、变更历史与报停/复供申请",
      tags: ["suspensions"],
      auth: "staff",
      roles: ACCOUNT_DESK_ROLES,
      params: IdParamSchema,
      response: HeatingStatusHistorySchema,
      errors: [404],
      async handler({ params }) {
        return heatingHistory(deps, params.id);
      },
    }),
  ];
}
