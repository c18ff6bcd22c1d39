import { NotificationListSchema } from "@warmline/shared";
import type { Deps } from "../../deps";
import { residentId } from "../../http/auth";
import { route } from "../../http/route";
import { Notification } from "./entities";

export function notificationRoutes({ ds }: Deps) {
  return [
    route({
      method: "get",
      path: "/me/notifications",
      summary: "我的消息",
      tags: ["resident"],
      auth: "resident",
      response: NotificationListSchema,
      async handler(_i, ctx) {
        const rows = await ds
          .getRepository(Notification)
          .find({ where: { residentUserId: residentId(ctx) }, order: { id: "DESC" }, take: 50 });
        return {
          items: rows.map((n) => ({
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            channel: n.channel,
            createdAt: n.createdAt.toISOString(),
          })),
        };
      },
    }),
  ];
}
