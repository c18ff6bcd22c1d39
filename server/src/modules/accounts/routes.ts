import {
  ACCOUNT_DESK_ROLES,
  ACCOUNT_UPKEEP_ROLES,
  AccountHardshipFlagsSchema,
  AccountTransferResultSchema,
  AccountTransferSchema,
  AccountUpdateSchema,
  AccountSearchQuerySchema,
  BindAccountSchema,
  CommunityListSchema,
  IdParamSchema,
  ResidentAccountListSchema,
  ResidentAccountSchema,
  RevealResultSchema,
  RevealSchema,
  StaffAccountPageSchema,
  StaffAccountSchema,
} from "@warmline/shared";
import type { Deps } from "../../deps";
import { clientIp, residentId } from "../../http/auth";
import { route } from "../../http/route";
import { bindAccount, getBoundAccount, listBoundAccounts, unbindAccount } from "./bindingService";
import { Community, HeatingAccount } from "./entities";
import { getStaffAccount, revealAccountPii, searchAccounts } from "./staffAccountService";
import { setHardshipFlags, transferAccount, updateAccount } from "./upkeepService";

export function residentAccountRoutes(deps: Deps) {
  // binding requests per client address (RATE_LIMIT_BIND); failures are limited further in bindAccount
  const bindLimit = deps.limits.rateLimit({
    name: "bind",
    ...deps.config.rateLimits.bind,
    key: (ctx) => clientIp(ctx) || null,
  });
  return [
    route({
      method: "get",
      path: "/me/accounts",
      summary: "我绑定的供热户号",
      tags: ["resident"],
      auth: "resident",
      response: ResidentAccountListSchema,
      async handler(_i, ctx) {
        return { items: await listBoundAccounts(deps, residentId(ctx)) };
      },
    }),
    route({
      method: "post",
      path: "/me/accounts",
      summary: "绑定户号（户号 + 第二验证要素）",
      tags: ["resident"],
      auth: "resident",
      body: BindAccountSchema,
      response: ResidentAccountSchema,
      status: 201,
      errors: [409, 429],
      before: [bindLimit],
      async handler({ body }, ctx) {
        return bindAccount(deps, ctx, residentId(ctx), body);
      },
    }),
    route({
      method: "get",
      path: "/me/accounts/:id",
      summary: "户号详情（仅限本人已绑定的户号）",
      tags: ["resident"],
      auth: "resident",
      params: IdParamSchema,
      response: ResidentAccountSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await deps.access.require(ctx.state.auth, "account.read", params.id);
        return getBoundAccount(deps, residentId(ctx), params.id);
      },
    }),
    route({
      method: "delete",
      path: "/me/accounts/:id",
      summary: "解绑户号",
      tags: ["resident"],
      auth: "resident",
      params: IdParamSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await unbindAccount(deps, ctx, residentId(ctx), params.id);
      },
    }),
  ];
}

export function staffAccountRoutes(deps: Deps) {
  return [
    route({
      method: "get",
      path: "/staff/accounts",
      summary: "账户查询（户号、手机号、地址；结果脱敏）",
      tags: ["staff"],
      auth: "staff",
      roles: ACCOUNT_DESK_ROLES,
      query: AccountSearchQuerySchema,
      response: StaffAccountPageSchema,
      async handler({ query }) {
        return searchAccounts(deps, query);
      },
    }),
    route({
      method: "get",
      path: "/staff/accounts/:id",
      summary: "账户详情（脱敏）",
      tags: ["staff"],
      auth: "staff",
      roles: ACCOUNT_DESK_ROLES,
      params: IdParamSchema,
      response: StaffAccountSchema,
      errors: [404],
      async handler({ params }) {
        return getStaffAccount(deps, params.id);
      },
    }),
    route({
      method: "post",
      path: "/staff/accounts/:id/reveal",
      summary: "查看完整个人信息（按角色授权，记入审计日志）",
      tags: ["staff"],
      auth: "staff",
      params: IdParamSchema,
      body: RevealSchema,
      response: RevealResultSchema,
      errors: [403, 404],
      async handler({ params, body }, ctx) {
        return revealAccountPii(deps, ctx, params.id, body);
      },
    }),
    route({
      method: "patch",
      path: "/staff/accounts/:id",
      summary: "修改账户信息（地址、面积（下一期账单起生效）、类别、电话、身份证号；记入审计日志）",
      tags: ["staff"],
      auth: "staff",
      roles: ACCOUNT_UPKEEP_ROLES,
      params: IdParamSchema,
      body: AccountUpdateSchema,
      response: StaffAccountSchema,
      errors: [404],
      async handler({ params, body }, ctx) {
        return updateAccount(deps, ctx, params.id, body);
      },
    }),
    route({
      method: "put",
      path: "/staff/accounts/:id/hardship-flags",
      summary: "设置困难类别与特殊群体标记（行动不便、失能、独居老人、残疾；须填写原因，记入审计日志）",
      tags: ["staff"],
      auth: "staff",
      roles: ACCOUNT_UPKEEP_ROLES,
      params: IdParamSchema,
      body: AccountHardshipFlagsSchema,
      response: StaffAccountSchema,
      errors: [404],
      async handler({ params, body }, ctx) {
        return setHardshipFlags(deps, ctx, params.id, body);
      },
    }),
    route({
      method: "post",
      path: "/staff/accounts/:id/transfer",
      summary: "过户（原户主的绑定解除，历史与未缴账单留在本户）",
      tags: ["staff"],
      auth: "staff",
      roles: ACCOUNT_UPKEEP_ROLES,
      params: IdParamSchema,
      body: AccountTransferSchema,
      response: AccountTransferResultSchema,
      errors: [404],
      async handler({ params, body }, ctx) {
        return transferAccount(deps, ctx, params.id, body);
      },
    }),
    route({
      method: "get",
      path: "/staff/communities",
      summary: "小区列表",
      tags: ["staff"],
      auth: "staff",
      response: CommunityListSchema,
      async handler() {
        const rows: { id: number; code: string; name: string; district: string | null; n: string | number }[] =
          await deps.ds
            .getRepository(Community)
            .createQueryBuilder("c")
            .leftJoin(HeatingAccount, "a", "a.community_id = c.id")
            .select(["c.id AS id", "c.code AS code", "c.name AS name", "c.district AS district"])
            .addSelect("COUNT(a.id)", "n")
            .groupBy("c.id")
            .addGroupBy("c.code")
            .addGroupBy("c.name")
            .addGroupBy("c.district")
            .orderBy("c.code", "ASC")
            .getRawMany();
        return {
          items: rows.map((r) => ({
            id: Number(r.id),
            code: r.code,
            name: r.name,
            district: r.district,
            accountCount: Number(r.n),
          })),
        };
      },
    }),
  ];
}
