import { FIELD_ROLES, ResolveSchema } from "@warmline/shared";
import { requireWarmRoom } from "../coldRoom";
import { defineAction } from "./types";

/** The follow-up reminder is due when nobody has followed up this long after the resolution. */
export const FOLLOW_UP_REMINDER_MS = 2 * 3600_000;

/**
 * 处理完成: stops the resolution clock (a paused ticket resumes first, so the pause ends with the work);
 * tells the resident and sets the follow-up reminder. A cold-room ticket needs proof that the room is warm
 * again first (a reading at the floor after the last visit, or the resident's 已恢复正常): 409 TICKET_ROOM_NOT_WARM.
 */
export const resolve = defineAction({
  verb: "resolve",
  path: "resolve",
  summary: "处理完成",
  input: ResolveSchema,
  roles: FIELD_ROLES,
  states: ["responded", "dispatched", "on_site"],
  events: ["resumed", "resolved"],
  async apply({ m, ticket, sla, now, record, notify, attachPhotos }, input) {
    await requireWarmRoom(m, ticket, now);
    if (sla.paused) await record("resumed", { note: "处理完成，恢复计时" });
    const e = await record("resolved", { note: input.note });
    await attachPhotos(input.photoIds, e);
    ticket.status = "resolved";
    ticket.resolvedAt = now;
    await notify(e, "resolved");
    await notify(e, "follow_up_due", FOLLOW_UP_REMINDER_MS);
  },
});
