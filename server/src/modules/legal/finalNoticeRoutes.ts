import {
  FinalNoticeListSchema,
  FinalNoticeParamsSchema,
  FinalNoticeSchema,
  FinalNoticeSendResultSchema,
  IdParamSchema,
  LEGAL_DESK_ROLES,
} from "@warmline/shared";
import type { Deps } from "../../deps";
import { route } from "../../http/route";
import { generateFinalNotice, listFinalNotices, sendFinalNotice } from "./finalNotice";

/** 催告函 of a case (finalNotice.ts): the legal desk's roles, as the case routes */
export function finalNoticeRoutes(deps: Deps) {
  const roles = LEGAL_DESK_ROLES;
  const tags = ["legal"];
  return [
    route({
      method: "get",
      path: "/staff/legal/cases/:id/final-notices",
      summary: "催告函记录（生成、发送渠道与结果）",
      tags,
      auth: "staff",
      roles,
      params: IdParamSchema,
      response: FinalNoticeListSchema,
      errors: [404],
      async handler({ params }) {
        return listFinalNotices(deps, params.id);
      },
    }),
    route({
      method: "post",
      path: "/staff/legal/cases/:id/final-notices",
      summary: "生成催告函 PDF（待审查或已批准移交的案件；欠费含当日滞纳金）",
      tags,
      auth: "staff",
      roles,
      params: IdParamSchema,
      response: FinalNoticeSchema,
      status: 201,
      errors: [404, 409],
      async handler({ params }, ctx) {
        return generateFinalNotice(deps, ctx, params.id);
      },
    }),
    route({
      method: "post",
      path: "/staff/legal/cases/:id/final-notices/:noticeId/send",
      summary: "发送催告函（短信；有订阅授权的再发小程序消息）；重复请求不会重复发送",
      tags,
      auth: "staff",
      roles,
      params: FinalNoticeParamsSchema,
      response: FinalNoticeSendResultSchema,
      errors: [404, 409],
      async handler({ params }, ctx) {
        return sendFinalNotice(deps, ctx, params.id, params.noticeId);
      },
    }),
  ];
}
