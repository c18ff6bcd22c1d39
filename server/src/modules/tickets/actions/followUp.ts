import { FOLLOW_UP_ROLES, FollowUpSchema } from "@warmline/shared";
import { defineAction } from "./types";

/**
 * 回访 (staff) or 评价 (the resident): satisfied closes the ticket; not satisfied reopens it, handled again
 * from the start in a new cycle with fresh clocks.
 */
export const followUp = defineAction({
  verb: "follow_up",
  path: "follow-up",
  summary: "回访",
  input: FollowUpSchema,
  roles: FOLLOW_UP_ROLES,
  states: ["resolved"],
  events: ["followed_up", "closed", "reopened"],
  async apply({ ticket, now, record }, input) {
    await record("followed_up", {
      satisfied: input.satisfied,
      score: input.score,
      comment: input.comment ?? null,
    });
    ticket.satisfied = input.satisfied ?? null;
    ticket.score = input.score ?? null;
    if (input.satisfied) {
      await record("closed", null);
      ticket.status = "closed";
      ticket.closedAt = now;
    } else {
      ticket.cycle += 1;
      await record("reopened", { reason: input.comment ?? "回访不满意" });
      ticket.status = "new";
      ticket.resolvedAt = null;
      ticket.respondedAt = null;
    }
  },
});
