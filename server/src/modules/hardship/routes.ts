import {
  ACCOUNT_DESK_ROLES,
  AccountHardshipSchema,
  CenterReviewSchema,
  CommunityReviewSchema,
  CreateHardshipApplicationSchema,
  HARDSHIP_APPLY_ROLES,
  HARDSHIP_CENTER_REVIEW_ROLES,
  HARDSHIP_COMMUNITY_REVIEW_ROLES,
  HARDSHIP_DESK_ROLES,
  HardshipApplicationDetailSchema,
  HardshipQueuePageSchema,
  HardshipQueueQuerySchema,
  IdParamSchema,
  ResidentHardshipListSchema,
  ResidentHardshipQuerySchema,
  StaffCreateHardshipApplicationSchema,
  HARDSHIP_SUMMARY_ROLES,
  HardshipSummarySchema,
  ReinstatePlanSchema,
  WithdrawHardshipSchema,
} from "@warmline/shared";
import { In } from "typeorm";
import type { Deps } from "../../deps";
import { residentId, staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { route } from "../../http/route";
import { AccountBinding, HeatingAccount } from "../accounts";
import { HardshipApplication, PaymentPlan } from "./entities";
import { presentApplications, presentPlan } from "./present";
import { hardshipStatus, searchApplications } from "./query";
import { staffHardshipScope } from "./scope";
import { hardshipSummary } from "./summary";
import {
  centerReview,
  communityReview,
  createApplication,
  detailOf,
  reinstatePlan,
  rolesOf,
  staffActorOf,
  withdrawApplication,
} from "./service";

export function hardshipRoutes(deps: Deps) {
  const { ds } = deps;
  const resident = (ctx: Parameters<typeof residentId>[0]) => ({ kind: "resident" as const, id: residentId(ctx) });
  return [
    // --- resident (mini-program) ---
    route({
      method: "post",
      path: "/me/hardship/applications",
      summary: "困难缓缴/分期申请",
      tags: ["resident", "hardship"],
      auth: "resident",
      body: CreateHardshipApplicationSchema,
      response: HardshipApplicationDetailSchema,
      status: 201,
      errors: [400, 404, 409],
      async handler({ body }, ctx) {
        return createApplication(deps, ctx, resident(ctx), body);
      },
    }),
    route({
      method: "get",
      path: "/me/hardship/applications",
      summary: "我的困难缓缴/分期申请",
      tags: ["resident", "hardship"],
      auth: "resident",
      query: ResidentHardshipQuerySchema,
      response: ResidentHardshipListSchema,
      errors: [404],
      async handler({ query }, ctx) {
        const rid = residentId(ctx);
        if (query.accountId) await deps.access.require(ctx.state.auth, "account.read", query.accountId);
        const bound = await ds.getRepository(AccountBinding).findBy({ residentUserId: rid, activeFlag: true });
        const ids = query.accountId ? [query.accountId] : bound.map((b) => b.accountId);
        if (ids.length === 0) return { items: [] };
        const rows = await ds
          .getRepository(HardshipApplication)
          .find({ where: { accountId: In(ids) }, order: { id: "DESC" }, take: 50 });
        return { items: await presentApplications(deps, rows) };
      },
    }),
    route({
      method: "get",
      path: "/me/hardship/applications/:id",
      summary: "申请详情、进度与分期计划",
      tags: ["resident", "hardship"],
      auth: "resident",
      params: IdParamSchema,
      response: HardshipApplicationDetailSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await deps.access.require(ctx.state.auth, "hardship.read", params.id);
        return detailOf(deps, params.id, resident(ctx));
      },
    }),
    route({
      method: "post",
      path: "/me/hardship/applications/:id/withdraw",
      summary: "撤回申请（终审前）",
      tags: ["resident", "hardship"],
      auth: "resident",
      params: IdParamSchema,
      body: WithdrawHardshipSchema,
      response: HardshipApplicationDetailSchema,
      errors: [404, 409],
      async handler({ params, body }, ctx) {
        await deps.access.require(ctx.state.auth, "hardship.read", params.id);
        return withdrawApplication(deps, ctx, resident(ctx), params.id, body.reason);
      },
    }),

    // --- staff (console) ---
    route({
      method: "post",
      path: "/staff/hardship/applications",
      summary: "代居民提交困难缓缴/分期申请（热线、网格员）",
      tags: ["hardship"],
      auth: "staff",
      roles: HARDSHIP_APPLY_ROLES,
      body: StaffCreateHardshipApplicationSchema,
      response: HardshipApplicationDetailSchema,
      status: 201,
      errors: [400, 404, 409],
      async handler({ body }, ctx) {
        return createApplication(deps, ctx, await staffActorOf(deps, ctx), body);
      },
    }),
    route({
      method: "get",
      path: "/staff/hardship/applications",
      summary: "困难申请审核队列（初审/复核）",
      tags: ["hardship"],
      auth: "staff",
      roles: HARDSHIP_DESK_ROLES,
      query: HardshipQueueQuerySchema,
      response: HardshipQueuePageSchema,
      async handler({ query }, ctx) {
        return searchApplications(deps, { ...query, scopeCommunityId: await staffHardshipScope(ds, staffAuth(ctx)) });
      },
    }),
    route({
      method: "get",
      path: "/staff/hardship/applications/:id",
      summary: "困难申请详情",
      tags: ["hardship"],
      auth: "staff",
      roles: HARDSHIP_DESK_ROLES,
      params: IdParamSchema,
      response: HardshipApplicationDetailSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await deps.access.require(ctx.state.auth, "hardship.read", params.id);
        return detailOf(deps, params.id, await staffActorOf(deps, ctx), rolesOf(ctx));
      },
    }),
    route({
      method: "post",
      path: "/staff/hardship/applications/:id/withdraw",
      summary: "代居民撤回申请",
      tags: ["hardship"],
      auth: "staff",
      roles: HARDSHIP_APPLY_ROLES,
      params: IdParamSchema,
      body: WithdrawHardshipSchema,
      response: HardshipApplicationDetailSchema,
      errors: [404, 409],
      async handler({ params, body }, ctx) {
        await deps.access.require(ctx.state.auth, "hardship.read", params.id);
        return withdrawApplication(deps, ctx, await staffActorOf(deps, ctx), params.id, body.reason);
      },
    }),
    route({
      method: "post",
      path: "/staff/hardship/applications/:id/community-review",
      summary: "社区初审：通过或不通过（须填写理由）",
      tags: ["hardship"],
      auth: "staff",
      roles: HARDSHIP_COMMUNITY_REVIEW_ROLES,
      params: IdParamSchema,
      body: CommunityReviewSchema,
      response: HardshipApplicationDetailSchema,
      errors: [404, 409],
      async handler({ params, body }, ctx) {
        await deps.access.require(ctx.state.auth, "hardship.read", params.id);
        return communityReview(deps, ctx, params.id, body);
      },
    }),
    route({
      method: "post",
      path: "/staff/hardship/applications/:id/center-review",
      summary: "供热中心复核：通过（可在规则内调整方案）或不通过",
      tags: ["hardship"],
      auth: "staff",
      roles: HARDSHIP_CENTER_REVIEW_ROLES,
      params: IdParamSchema,
      body: CenterReviewSchema,
      response: HardshipApplicationDetailSchema,
      errors: [400, 403, 404, 409],
      async handler({ params, body }, ctx) {
        await deps.access.require(ctx.state.auth, "hardship.read", params.id);
        return centerReview(deps, ctx, params.id, body);
      },
    }),
    route({
      method: "get",
      path: "/staff/hardship/summary",
      summary: "困难缓缴/分期汇总（申请按状态、计划按状态及金额）",
      tags: ["hardship"],
      auth: "staff",
      roles: HARDSHIP_SUMMARY_ROLES,
      response: HardshipSummarySchema,
      async handler() {
        return hardshipSummary(deps);
      },
    }),
    route({
      method: "post",
      path: "/staff/hardship/plans/:id/reinstate",
      summary: "恢复已违约的分期/缓缴计划（仅一次，须填写理由）",
      tags: ["hardship"],
      auth: "staff",
      roles: HARDSHIP_CENTER_REVIEW_ROLES,
      params: IdParamSchema,
      body: ReinstatePlanSchema,
      response: HardshipApplicationDetailSchema,
      errors: [404, 409],
      async handler({ params, body }, ctx) {
        return reinstatePlan(deps, ctx, params.id, body.reason);
      },
    }),
    route({
      method: "get",
      path: "/staff/accounts/:id/hardship",
      summary: "供热账户的困难状态、申请与计划（账户页；社区范围外的账户答 404）",
      tags: ["hardship"],
      auth: "staff",
      roles: ACCOUNT_DESK_ROLES,
      params: IdParamSchema,
      response: AccountHardshipSchema,
      errors: [404],
      async handler({ params }, ctx) {
        const account = await ds.getRepository(HeatingAccount).findOneBy({ id: params.id });
        if (!account) throw new AppError("ACCOUNT_NOT_FOUND");
        // a community-scoped reviewer sees no other community's applications, here neither (no leak of ids)
        const scope = await staffHardshipScope(ds, staffAuth(ctx));
        if (scope !== null && scope !== account.communityId) throw new AppError("HARDSHIP_NOT_FOUND");
        const apps = await ds
          .getRepository(HardshipApplication)
          .find({ where: { accountId: account.id }, order: { id: "DESC" } });
        const plans = await ds
          .getRepository(PaymentPlan)
          .find({ where: { accountId: account.id }, order: { id: "DESC" } });
        return {
          accountId: account.id,
          status: await hardshipStatus(ds, account.id),
          applications: await presentApplications(deps, apps),
          plans: await Promise.all(plans.map((p) => presentPlan(deps, p))),
        };
      },
    }),
  ];
}
