import {
  IdParamSchema,
  LEGAL_DESK_ROLES,
  TYPICAL_CASE_REVIEWER_ROLES,
  TypicalCaseDraftSchema,
  TypicalCaseOfCaseSchema,
  TypicalCasePageSchema,
  TypicalCaseQuerySchema,
  TypicalCaseRejectSchema,
  TypicalCaseTextSchema,
  TypicalCaseViewSchema,
} from "@warmline/shared";
import type { Deps } from "../../deps";
import { route } from "../../http/route";
import {
  approveTypicalCase,
  draftTypicalCase,
  listTypicalCases,
  rejectTypicalCase,
  reviseTypicalCase,
  typicalCaseOfCase,
} from "./typicalCase";

/** 曝光典型案例: drafted on the legal desk, reviewed by a supervisor, published to the community's notices */
export function typicalCaseRoutes(deps: Deps) {
  const roles = LEGAL_DESK_ROLES;
  const tags = ["legal"];
  return [
    route({
      method: "get",
      path: "/staff/legal/typical-cases",
      summary: "典型案例列表（待审核、已发布、未通过）",
      tags,
      auth: "staff",
      roles,
      query: TypicalCaseQuerySchema,
      response: TypicalCasePageSchema,
      async handler({ query }) {
        return listTypicalCases(deps, query);
      },
    }),
    route({
      method: "get",
      path: "/staff/legal/cases/:id/typical-case",
      summary: "案件的典型案例（未撰写时给出自动生成的匿名稿）",
      tags,
      auth: "staff",
      roles,
      params: IdParamSchema,
      response: TypicalCaseOfCaseSchema,
      errors: [404],
      async handler({ params }) {
        return typicalCaseOfCase(deps, params.id);
      },
    }),
    route({
      method: "post",
      path: "/staff/legal/cases/:id/typical-case",
      summary: "由已结案案件撰写典型案例（匿名：只保留姓氏、小区和楼栋），提交主管审核",
      tags,
      auth: "staff",
      roles,
      params: IdParamSchema,
      body: TypicalCaseDraftSchema,
      response: TypicalCaseViewSchema,
      status: 201,
      errors: [404, 409, 422],
      async handler({ params, body }, ctx) {
        return draftTypicalCase(deps, ctx, params.id, body);
      },
    }),
    route({
      method: "put",
      path: "/staff/legal/typical-cases/:id",
      summary: "修改典型案例（待审核或未通过的；修改后重新待审核）",
      tags,
      auth: "staff",
      roles,
      params: IdParamSchema,
      body: TypicalCaseTextSchema,
      response: TypicalCaseViewSchema,
      errors: [404, 409, 422],
      async handler({ params, body }, ctx) {
        return reviseTypicalCase(deps, ctx, params.id, body);
      },
    }),
    route({
      method: "post",
      path: "/staff/legal/typical-cases/:id/approve",
      summary: "审核通过并发布到案件所在小区的公告栏（撰写人以外的主管）",
      tags,
      auth: "staff",
      roles: TYPICAL_CASE_REVIEWER_ROLES,
      params: IdParamSchema,
      response: TypicalCaseViewSchema,
      errors: [404, 409, 422],
      async handler({ params }, ctx) {
        return approveTypicalCase(deps, ctx, params.id);
      },
    }),
    route({
      method: "post",
      path: "/staff/legal/typical-cases/:id/reject",
      summary: "审核不通过（须填写原因）",
      tags,
      auth: "staff",
      roles: TYPICAL_CASE_REVIEWER_ROLES,
      params: IdParamSchema,
      body: TypicalCaseRejectSchema,
      response: TypicalCaseViewSchema,
      errors: [404, 409],
      async handler({ params, body }, ctx) {
        return rejectTypicalCase(deps, ctx, params.id, body.reason);
      },
    }),
  ];
}
