import {
  ArrearsAccountPageSchema,
  CollectionAccountsQuerySchema,
  CollectionCurveSchema,
  CollectionDashboardSchema,
  CollectionQuerySchema,
  DASHBOARD_ROLES,
  DASHBOARD_TARGET_ROLES,
  SeasonParamSchema,
  type SeasonTargetsView,
  SeasonTargetsSchema,
  SeasonTargetsViewSchema,
} from "@warmline/shared";
import type { Deps } from "../../deps";
import { route } from "../../http/route";
import { audit } from "../audit";
import {
  arrearsAccounts,
  collectionCurve,
  collectionDashboard,
  saveTargets,
  seasonByCode,
  targetsOf,
} from "./collection";

export function dashboardRoutes(deps: Deps) {
  const { ds } = deps;
  const targetsView = async (code: string): Promise<SeasonTargetsView> => {
    const season = await seasonByCode(ds, code);
    const { targets, row } = await targetsOf(ds, season.id);
    return {
      seasonCode: season.code,
      targets,
      configured: row !== null,
      updatedAt: row ? row.updatedAt.toISOString() : null,
    };
  };
  return [
    route({
      method: "get",
      path: "/staff/dashboards/collection",
      summary: "收费率看板：应收、实收、减免、收费率与目标，分组统计、欠费账龄、欠费前十小区与季末预测",
      tags: ["dashboards"],
      auth: "staff",
      roles: DASHBOARD_ROLES,
      query: CollectionQuerySchema,
      response: CollectionDashboardSchema,
      errors: [400, 404],
      async handler({ query }) {
        return collectionDashboard(ds, query.season);
      },
    }),
    route({
      method: "get",
      path: "/staff/dashboards/collection/curve",
      summary: "收费进度曲线：本季与上季按供热季第几天对齐的每日累计实收",
      tags: ["dashboards"],
      auth: "staff",
      roles: DASHBOARD_ROLES,
      query: CollectionQuerySchema,
      response: CollectionCurveSchema,
      errors: [400, 404],
      async handler({ query }) {
        const { seasonRef: _s, previousRef: _p, ...curve } = await collectionCurve(ds, query.season);
        return curve;
      },
    }),
    route({
      method: "get",
      path: "/staff/dashboards/collection/accounts",
      summary: "欠费户明细（按小区、账龄分组筛选，分页，姓名脱敏）",
      tags: ["dashboards"],
      auth: "staff",
      roles: DASHBOARD_ROLES,
      query: CollectionAccountsQuerySchema,
      response: ArrearsAccountPageSchema,
      errors: [400, 404],
      async handler({ query }) {
        return arrearsAccounts(ds, query);
      },
    }),
    route({
      method: "get",
      path: "/staff/dashboards/targets/:season",
      summary: "供热季目标值（收费率、特殊群体覆盖率、三率）",
      tags: ["dashboards"],
      auth: "staff",
      roles: DASHBOARD_ROLES,
      params: SeasonParamSchema,
      response: SeasonTargetsViewSchema,
      errors: [400, 404],
      async handler({ params }) {
        return targetsView(params.season);
      },
    }),
    route({
      method: "put",
      path: "/staff/dashboards/targets/:season",
      summary: "设置供热季目标值（系统管理员，记审计）",
      tags: ["dashboards"],
      auth: "staff",
      roles: DASHBOARD_TARGET_ROLES,
      params: SeasonParamSchema,
      body: SeasonTargetsSchema,
      response: SeasonTargetsViewSchema,
      errors: [400, 404],
      async handler({ params, body }, ctx) {
        const season = await seasonByCode(ds, params.season);
        const before = (await targetsOf(ds, season.id)).targets;
        await saveTargets(ds, season.id, body, ctx.state.auth?.id ?? null);
        await audit(ds, ctx, {
          action: "dashboard.targets_update",
          targetType: "season",
          targetId: season.id,
          details: { seasonCode: season.code, before, after: body },
        });
        return targetsView(params.season);
      },
    }),
  ];
}
