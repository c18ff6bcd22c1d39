import { DISPATCH_ROLES, HOTLINE_ROLES, RespondSchema } from "@warmline/shared";
import { defineAction } from "./types";

/** 首次响应: the first contact with the resident; it stops the response clock. */
export const respond = defineAction({
  verb: "respond",
  path: "respond",
  summary: "首次响应（联系居民）",
  input: RespondSchema,
  roles: [...new Set([...HOTLINE_ROLES, ...DISPATCH_ROLES])],
  states: ["new"],
  events: ["responded"],
  async apply({ ticket, now, record, notify }, input) {
    const e = await record("responded", { note: input.note ?? null });
    ticket.status = "responded";
    ticket.respondedAt ??= now;
    await notify(e, "responded");
  },
});
