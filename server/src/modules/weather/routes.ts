import {
  OUTDOOR_RECORD_ROLES,
  OutdoorListSchema,
  OutdoorQuerySchema,
  OutdoorReadingSchema,
  RecordOutdoorSchema,
  TICKET_DESK_ROLES,
} from "@warmline/shared";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { route } from "../../http/route";
import { listOutdoor, presentReading, recordOutdoor } from "./service";

/** 室外气温: the readings the cold-room floor depends on. */
export function weatherRoutes(deps: Deps) {
  const { ds } = deps;
  return [
    route({
      method: "get",
      path: "/staff/outdoor-readings",
      summary: "室外气温：当前适用读数、对应室温标准与近期读数",
      tags: ["tickets"],
      auth: "staff",
      roles: TICKET_DESK_ROLES,
      query: OutdoorQuerySchema,
      response: OutdoorListSchema,
      async handler({ query }) {
        return listOutdoor(ds, query);
      },
    }),
    route({
      method: "post",
      path: "/staff/outdoor-readings",
      summary: "登记室外气温（人工或气象站）",
      tags: ["tickets"],
      auth: "staff",
      roles: OUTDOOR_RECORD_ROLES,
      body: RecordOutdoorSchema,
      response: OutdoorReadingSchema,
      status: 201,
      errors: [400, 404],
      async handler({ body }, ctx) {
        return presentReading(ds, await recordOutdoor(ds, staffAuth(ctx).id, body));
      },
    }),
  ];
}
