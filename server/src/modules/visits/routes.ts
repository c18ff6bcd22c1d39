import type Router from "@koa/router";
import {
  AccountVisitsSchema,
  AssignmentsSchema,
  BuildPlanResultSchema,
  BuildPlanSchema,
  CorrectVisitSchema,
  IdParamSchema,
  MonthQuerySchema,
  monthOf,
  PlanProgressSchema,
  RecordVisitResultSchema,
  RecordVisitSchema,
  SetAssignmentsSchema,
  SPECIAL_GROUP_ROLES,
  SpecialGroupQuerySchema,
  SpecialGroupSchema,
  StaffIdParamSchema,
  shanghaiDate,
  TodayListSchema,
  VISIT_POSITION_LABELS,
  VISIT_READ_ROLES,
  VISIT_RECORD_ROLES,
  VISIT_SUPERVISE_ROLES,
  VISIT_TODAY_ROLES,
  VisitPageSchema,
  VisitQuerySchema,
  VisitSchema,
  addDays,
  shanghaiMidnight,
} from "@warmline/shared";
import type { Context } from "koa";
import { z } from "zod";
import type { Deps } from "../../deps";
import { authenticateRequest, requireAuth, staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { API_PREFIX, route } from "../../http/route";
import { HeatingAccount } from "../accounts";
import { audit } from "../audit";
import { assignmentsView, setAssignments } from "./assignments";
import { HomeVisit } from "./entities";
import { renderVisitsPdf } from "./pdf";
import { buildPlan, planProgress, todayList } from "./plan";
import { inAccountScope, scopeOf } from "./scope";
import { correctVisit, currentOnly, presentVisits, recordVisit } from "./service";
import { specialGroups } from "./special";

export const ACCOUNT_VISITS_PDF_PATH = `${API_PREFIX}/staff/accounts/:id/visits.pdf`;

/** every visit of an account (corrections included), oldest first */
async function accountVisitViews(deps: Deps, accountId: number) {
  const rows = await deps.ds
    .getRepository(HomeVisit)
    .find({ where: { accountId }, order: { startedAt: "ASC", id: "ASC" } });
  return presentVisits(deps, rows);
}

/**
 * Read scoping: a grid worker or technician sees only the visits and accounts of their communities; anything
 * outside answers 404 exactly like a missing record (as the hardship desk does), so ids reveal nothing.
 */
async function visibleAccount(deps: Deps, ctx: Context, id: number): Promise<HeatingAccount> {
  const account = await deps.ds.getRepository(HeatingAccount).findOneBy({ id });
  if (!account || !(await inAccountScope(deps.ds, ctx, account))) throw new AppError("ACCOUNT_NOT_FOUND");
  return account;
}

async function visibleVisit(deps: Deps, ctx: Context, id: number): Promise<HomeVisit> {
  const row = await deps.ds.getRepository(HomeVisit).findOneBy({ id });
  const account = row ? await deps.ds.getRepository(HeatingAccount).findOneBy({ id: row.accountId }) : null;
  if (!row || !account || !(await inAccountScope(deps.ds, ctx, account))) throw new AppError("VISIT_NOT_FOUND");
  return row;
}

export function visitRoutes(deps: Deps) {
  const { ds } = deps;
  const appendOnly = async () => {
    throw new AppError("VISIT_APPEND_ONLY");
  };
  return [
    route({
      method: "post",
      path: "/staff/visits",
      summary: "登记入户走访",
      tags: ["visits"],
      auth: "staff",
      roles: VISIT_RECORD_ROLES,
      body: RecordVisitSchema,
      response: RecordVisitResultSchema,
      status: 201,
      errors: [403, 404, 409],
      async handler({ body }, ctx) {
        return recordVisit(deps, ctx, body);
      },
    }),
    route({
      method: "get",
      path: "/staff/visits/today",
      summary: "我今天的走访清单（网格员、维修员）",
      tags: ["visits"],
      auth: "staff",
      roles: VISIT_TODAY_ROLES,
      response: TodayListSchema,
      async handler(_input, ctx) {
        return todayList(ds, staffAuth(ctx).id);
      },
    }),
    route({
      method: "get",
      path: "/staff/visits",
      summary: "走访记录查询",
      tags: ["visits"],
      auth: "staff",
      roles: VISIT_READ_ROLES,
      query: VisitQuerySchema,
      response: VisitPageSchema,
      async handler({ query }, ctx) {
        const scope = await scopeOf(ds, ctx);
        const qb = ds.getRepository(HomeVisit).createQueryBuilder("v");
        if (query.accountId) qb.andWhere("v.account_id = :a", { a: query.accountId });
        if (query.staffId) qb.andWhere("(v.author_staff_id = :s OR v.co_visitor_id = :s)", { s: query.staffId });
        if (query.communityId) qb.andWhere("v.community_id = :c", { c: query.communityId });
        if (scope) qb.andWhere("v.community_id IN (:...scope)", { scope: [...scope, -1] });
        if (query.from) qb.andWhere("v.started_at >= :from", { from: shanghaiMidnight(query.from) });
        if (query.to) qb.andWhere("v.started_at < :to", { to: shanghaiMidnight(addDays(query.to, 1)) });
        if (!query.withHistory) qb.andWhere("NOT EXISTS (SELECT 1 FROM home_visits c WHERE c.corrects_id = v.id)");
        const [rows, total] = await qb
          .orderBy("v.started_at", "DESC")
          .addOrderBy("v.id", "DESC")
          .skip((query.page - 1) * query.pageSize)
          .take(query.pageSize)
          .getManyAndCount();
        return { items: await presentVisits(deps, rows), total, page: query.page, pageSize: query.pageSize };
      },
    }),
    route({
      method: "get",
      path: "/staff/visits/:id",
      summary: "走访记录详情（含更正链）",
      tags: ["visits"],
      auth: "staff",
      roles: VISIT_READ_ROLES,
      params: IdParamSchema,
      response: VisitSchema.extend({ history: z.array(VisitSchema) }),
      errors: [404],
      async handler({ params }, ctx) {
        const row = await visibleVisit(deps, ctx, params.id);
        const chain = await ds
          .getRepository(HomeVisit)
          .find({ where: { rootId: row.rootId ?? row.id }, order: { id: "ASC" } });
        const views = await presentVisits(deps, chain.length ? chain : [row]);
        const self = views.find((v) => v.id === row.id) ?? (await presentVisits(deps, [row]))[0];
        return { ...self, history: views };
      },
    }),
    route({
      method: "post",
      path: "/staff/visits/:id/corrections",
      summary: "更正走访记录（追加一条更正，原记录保留）",
      tags: ["visits"],
      auth: "staff",
      roles: VISIT_RECORD_ROLES,
      params: IdParamSchema,
      body: CorrectVisitSchema,
      response: RecordVisitResultSchema,
      status: 201,
      errors: [403, 404, 409],
      async handler({ params, body }, ctx) {
        await visibleVisit(deps, ctx, params.id);
        return correctVisit(deps, ctx, params.id, body);
      },
    }),
    route({
      method: "patch",
      path: "/staff/visits/:id",
      summary: "修改走访记录（不允许：请提交更正）",
      tags: ["visits"],
      auth: "staff",
      roles: VISIT_RECORD_ROLES,
      params: IdParamSchema,
      errors: [409],
      handler: appendOnly,
    }),
    route({
      method: "delete",
      path: "/staff/visits/:id",
      summary: "删除走访记录（不允许：请提交更正）",
      tags: ["visits"],
      auth: "staff",
      roles: VISIT_RECORD_ROLES,
      params: IdParamSchema,
      errors: [409],
      handler: appendOnly,
    }),
    route({
      method: "get",
      path: "/staff/accounts/:id/visits",
      summary: "账户的走访记录与住户态度变化",
      tags: ["visits"],
      auth: "staff",
      roles: VISIT_READ_ROLES,
      params: IdParamSchema,
      response: AccountVisitsSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await visibleAccount(deps, ctx, params.id);
        const items = await accountVisitViews(deps, params.id);
        const positions = currentOnly(items).flatMap((v) =>
          v.position
            ? [{ visitId: v.id, at: v.startedAt, kind: v.position.kind, label: VISIT_POSITION_LABELS[v.position.kind] }]
            : [],
        );
        return { accountId: params.id, items, positions };
      },
    }),
    route({
      method: "get",
      path: "/staff/visit-plans/progress",
      summary: "走访计划进度（按网格员、按小区）",
      tags: ["visits"],
      auth: "staff",
      roles: VISIT_SUPERVISE_ROLES,
      query: MonthQuerySchema,
      response: PlanProgressSchema,
      async handler({ query }) {
        return planProgress(ds, query.month ?? monthOf(shanghaiDate(new Date())));
      },
    }),
    route({
      method: "post",
      path: "/staff/visit-plans/build",
      summary: "生成/更新月度走访计划",
      tags: ["visits"],
      auth: "staff",
      roles: VISIT_SUPERVISE_ROLES,
      body: BuildPlanSchema,
      response: BuildPlanResultSchema,
      async handler({ body }, ctx) {
        const result = await buildPlan(ds, body.month ?? monthOf(shanghaiDate(new Date())));
        await audit(ds, ctx, {
          action: "visit.plan_build",
          targetType: "visit_plan",
          targetId: result.month,
          details: result,
        });
        return result;
      },
    }),
    route({
      method: "get",
      path: "/staff/special-groups",
      summary: "特殊群体名单、缴费状态与覆盖率",
      tags: ["visits"],
      auth: "staff",
      roles: SPECIAL_GROUP_ROLES,
      query: SpecialGroupQuerySchema,
      response: SpecialGroupSchema,
      async handler({ query }, ctx) {
        return specialGroups(ds, await scopeOf(ds, ctx), query.communityId);
      },
    }),
    route({
      method: "get",
      path: "/staff/visit-assignments",
      summary: "网格员/维修员负责的小区",
      tags: ["visits"],
      auth: "staff",
      roles: VISIT_SUPERVISE_ROLES,
      response: AssignmentsSchema,
      async handler() {
        return assignmentsView(ds);
      },
    }),
    route({
      method: "put",
      path: "/staff/visit-assignments/:staffId",
      summary: "调整网格员/维修员负责的小区（自今日起生效）",
      tags: ["visits"],
      auth: "staff",
      roles: VISIT_SUPERVISE_ROLES,
      params: StaffIdParamSchema,
      body: SetAssignmentsSchema,
      response: AssignmentsSchema,
      errors: [400, 404],
      async handler({ params, body }, ctx) {
        await setAssignments(ds, ctx, params.staffId, body.communityIds);
        return assignmentsView(ds);
      },
    }),
  ];
}

/** GET /api/v1/staff/accounts/:id/visits.pdf: the account's 走访记录 as a PDF (audited export). */
export function mountVisitPdf(router: Router, deps: Deps): void {
  router.get(ACCOUNT_VISITS_PDF_PATH, async (ctx: Context) => {
    await authenticateRequest(deps.tokens, ctx);
    requireAuth(ctx, "staff", VISIT_READ_ROLES);
    const id = Number(ctx.params.id);
    if (!Number.isInteger(id) || id <= 0) throw new AppError("ACCOUNT_NOT_FOUND");
    const account = await visibleAccount(deps, ctx, id);
    const visits = await accountVisitViews(deps, id);
    const pdf = await renderVisitsPdf(deps, account, visits);
    await audit(deps.ds, ctx, {
      action: "visit.pdf_export",
      targetType: "heating_account",
      targetId: id,
      details: { visits: visits.length },
    });
    ctx.status = 200;
    ctx.type = "application/pdf";
    ctx.set(
      "Content-Disposition",
      `attachment; filename="visits_${account.accountNo}.pdf"; filename*=UTF-8''${encodeURIComponent(`走访记录_${account.accountNo}.pdf`)}`,
    );
    ctx.set("Cache-Control", "no-store");
    ctx.body = pdf;
  });
}
