import { ChainVerifySchema, IdParamSchema, LEGAL_DESK_ROLES } from "@warmline/shared";
import type { Deps } from "../../deps";
import { route } from "../../http/route";
import { verifyAccountChains, verifyCaseChains } from "./chainVerify";

/** 校验证据链 (modules/evidence): recompute the chains a case uses, or those of one account */
export function chainRoutes(deps: Deps) {
  const roles = LEGAL_DESK_ROLES;
  const tags = ["legal"];
  return [
    route({
      method: "post",
      path: "/staff/legal/cases/:id/verify-chain",
      summary: "校验案件使用的证据链（走访记录、催缴提醒、案件时间线），指出第一条被改动的记录",
      tags,
      auth: "staff",
      roles,
      params: IdParamSchema,
      response: ChainVerifySchema,
      errors: [404],
      async handler({ params }, ctx) {
        return verifyCaseChains(deps, ctx, params.id);
      },
    }),
    route({
      method: "post",
      path: "/staff/legal/accounts/:id/verify-chain",
      summary: "校验一个账户的证据链（走访记录、催缴提醒）",
      tags,
      auth: "staff",
      roles,
      params: IdParamSchema,
      response: ChainVerifySchema,
      errors: [404],
      async handler({ params }, ctx) {
        return verifyAccountChains(deps, ctx, params.id);
      },
    }),
  ];
}
