import {
  IdParamSchema,
  LEGAL_DESK_ROLES,
  LegalCandidatePageSchema,
  LegalCandidateQuerySchema,
  LegalCandidateSchema,
  LegalCasePageSchema,
  LegalCaseQuerySchema,
  LegalCaseSchema,
  LegalCloseSchema,
  LegalDeadlineListSchema,
  LegalDismissSchema,
  LegalFilingSchema,
  LegalOpenSchema,
  LegalRegisterSchema,
} from "@warmline/shared";
import { z } from "zod";
import type { Deps } from "../../deps";
import { route } from "../../http/route";
import {
  approveCase,
  checkAccount,
  closeCase,
  dismissCandidate,
  fileCase,
  getCase,
  listCandidates,
  listCases,
  listDeadlines,
  openCase,
  refreshCandidates,
  registerCase,
} from "./service";

const FilingBody = LegalFilingSchema.extend({
  scanId: z.number({ message: "请先上传法院收件回执或立案材料的扫描件" }).int().positive(),
});

/** 法务 desk: legal officers and the supervisors (approval: the configured role, checked in the service) */
export function legalRoutes(deps: Deps) {
  const roles = LEGAL_DESK_ROLES;
  const tags = ["legal"];
  return [
    route({
      method: "get",
      path: "/staff/legal/candidates",
      summary: "恶意欠费候选（每日计算；已不予移交或已立案的除外）",
      tags,
      auth: "staff",
      roles,
      query: LegalCandidateQuerySchema,
      response: LegalCandidatePageSchema,
      async handler({ query }) {
        return listCandidates(deps.ds, query);
      },
    }),
    route({
      method: "post",
      path: "/staff/legal/candidates/refresh",
      summary: "立即重新计算恶意欠费候选",
      tags,
      auth: "staff",
      roles,
      response: z.object({ candidates: z.number().int() }),
      async handler() {
        return { candidates: await refreshCandidates(deps.ds, deps.config.legal) };
      },
    }),
    route({
      method: "get",
      path: "/staff/legal/accounts/:id/check",
      summary: "按移交条件逐条检查一个账户（符合与不符合的原因）",
      tags,
      auth: "staff",
      roles,
      params: IdParamSchema,
      response: LegalCandidateSchema,
      errors: [404],
      async handler({ params }) {
        return checkAccount(deps, params.id);
      },
    }),
    route({
      method: "post",
      path: "/staff/legal/accounts/:id/dismiss",
      summary: "不予移交（须填写原因，记入审计）",
      tags,
      auth: "staff",
      roles,
      params: IdParamSchema,
      body: LegalDismissSchema,
      response: z.object({ accountId: z.number().int(), dismissed: z.boolean() }),
      errors: [404, 409],
      async handler({ params, body }, ctx) {
        return dismissCandidate(deps, ctx, params.id, body.reason);
      },
    }),
    route({
      method: "get",
      path: "/staff/legal/cases",
      summary: "法务案件列表",
      tags,
      auth: "staff",
      roles,
      query: LegalCaseQuerySchema,
      response: LegalCasePageSchema,
      async handler({ query }, ctx) {
        return listCases(deps, ctx, query);
      },
    }),
    route({
      method: "post",
      path: "/staff/legal/cases",
      summary: "由候选立案审查（重新核对移交条件）",
      tags,
      auth: "staff",
      roles,
      body: LegalOpenSchema,
      response: LegalCaseSchema,
      status: 201,
      errors: [404, 409],
      async handler({ body }, ctx) {
        return openCase(deps, ctx, body.accountId, body.note);
      },
    }),
    route({
      method: "get",
      path: "/staff/legal/cases/:id",
      summary: "法务案件详情（时间线、期限、可做的操作）",
      tags,
      auth: "staff",
      roles,
      params: IdParamSchema,
      response: LegalCaseSchema,
      errors: [404],
      async handler({ params }, ctx) {
        return getCase(deps, ctx, params.id);
      },
    }),
    route({
      method: "post",
      path: "/staff/legal/cases/:id/approve",
      summary: "批准移交法务（按配置由专班主管或法务批准），开始计算期限",
      tags,
      auth: "staff",
      roles,
      params: IdParamSchema,
      response: LegalCaseSchema,
      errors: [403, 404, 409],
      async handler({ params }, ctx) {
        return approveCase(deps, ctx, params.id);
      },
    }),
    route({
      method: "post",
      path: "/staff/legal/cases/:id/filing",
      summary: "登记提交法院（法院、日期、回执号、扫描件）",
      tags,
      auth: "staff",
      roles,
      params: IdParamSchema,
      body: FilingBody,
      response: LegalCaseSchema,
      errors: [400, 404, 409, 422],
      async handler({ params, body }, ctx) {
        return fileCase(deps, ctx, params.id, body);
      },
    }),
    route({
      method: "post",
      path: "/staff/legal/cases/:id/register",
      summary: "登记法院立案（案号、立案日期）",
      tags,
      auth: "staff",
      roles,
      params: IdParamSchema,
      body: LegalRegisterSchema,
      response: LegalCaseSchema,
      errors: [404, 409, 422],
      async handler({ params, body }, ctx) {
        return registerCase(deps, ctx, params.id, body);
      },
    }),
    route({
      method: "post",
      path: "/staff/legal/cases/:id/close",
      summary: "结案（已全额缴清 / 和解并签订分期计划 / 判决 / 撤回）",
      tags,
      auth: "staff",
      roles,
      params: IdParamSchema,
      body: LegalCloseSchema,
      response: LegalCaseSchema,
      errors: [404, 409],
      async handler({ params, body }, ctx) {
        return closeCase(deps, ctx, params.id, body);
      },
    }),
    route({
      method: "get",
      path: "/staff/legal/deadlines",
      summary: "法务期限一览（提交法院、启动诉讼）",
      tags,
      auth: "staff",
      roles,
      response: LegalDeadlineListSchema,
      async handler() {
        return listDeadlines(deps);
      },
    }),
  ];
}
