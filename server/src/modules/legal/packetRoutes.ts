import {
  IdParamSchema,
  LEGAL_DESK_ROLES,
  LegalPacketLinkSchema,
  LegalPacketListSchema,
  LegalPacketParamsSchema,
  LegalPacketSchema,
} from "@warmline/shared";
import type { Deps } from "../../deps";
import { route } from "../../http/route";
import { listPackets, packetLink, requestPacket } from "./packet";

/** 诉讼材料包: build (a job), list with progress, a one-time download link (legal officers and supervisors) */
export function packetRoutes(deps: Deps) {
  const roles = LEGAL_DESK_ROLES;
  const tags = ["legal"];
  return [
    route({
      method: "post",
      path: "/staff/legal/cases/:id/packet",
      summary: "生成诉讼材料包（后台任务；已批准移交且未结案的案件）",
      tags,
      auth: "staff",
      roles,
      params: IdParamSchema,
      response: LegalPacketSchema,
      status: 202,
      errors: [404, 409],
      async handler({ params }, ctx) {
        return requestPacket(deps, ctx, params.id);
      },
    }),
    route({
      method: "get",
      path: "/staff/legal/cases/:id/packets",
      summary: "案件的诉讼材料包（进度、哈希、下载情况）",
      tags,
      auth: "staff",
      roles,
      params: IdParamSchema,
      response: LegalPacketListSchema,
      errors: [404],
      async handler({ params }) {
        return listPackets(deps, params.id);
      },
    }),
    route({
      method: "post",
      path: "/staff/legal/cases/:id/packets/:packetId/link",
      summary: "诉讼材料包的下载链接（只能使用一次；记入审计）",
      tags,
      auth: "staff",
      roles,
      params: LegalPacketParamsSchema,
      response: LegalPacketLinkSchema,
      errors: [404, 409, 410],
      async handler({ params }, ctx) {
        return packetLink(deps, ctx, params.id, params.packetId);
      },
    }),
  ];
}
