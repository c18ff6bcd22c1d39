import { FOLLOW_UP_ROLES, meetsUnreachableRule, type SatisfactionLevel, StaffFollowUpSchema } from "@warmline/shared";
import { AppError } from "../../../http/errors";
import { missedFollowUps } from "../followUpCalls";
import { defineAction } from "./types";

/**
 * 回访 (staff) or 评价 (the resident). Reached: solved and 满意/基本满意 closes the ticket; unsolved or
 * 不满意 reopens it, handled again from the start in a new cycle with fresh clocks. Staff also record a call
 * that did not get through (follow_up_missed, its time the event's), and 无法联系 once those calls meet
 * UNREACHABLE_RULE: the result goes to the resident by SMS and the ticket closes (办结，无法联系); before the
 * rule is met, 409 FOLLOW_UP_UNREACHABLE_TOO_EARLY. The followed_up record carries the fields
 * shared/serviceRates.ts readFollowUp reads (outcome, solved, level, attempts, smsAt).
 */
export const followUp = defineAction({
  verb: "follow_up",
  path: "follow-up",
  summary: "回访（联系上：是否解决、满意程度；未接通；无法联系）",
  input: StaffFollowUpSchema,
  roles: FOLLOW_UP_ROLES,
  states: ["resolved"],
  events: ["follow_up_missed", "followed_up", "closed", "reopened"],
  async apply({ m, ticket, now, actor, record, notify }, input) {
    const comment = input.comment ?? null;
    if (input.outcome === "missed" || input.outcome === "unreachable") {
      // only staff call residents back
      if (actor.kind !== "staff") throw new AppError("TICKET_BAD_STATE");
      if (input.outcome === "missed") {
        await record("follow_up_missed", { comment });
        return;
      }
      const attempts = await missedFollowUps(m, ticket.id, ticket.cycle);
      if (!meetsUnreachableRule(attempts)) throw new AppError("FOLLOW_UP_UNREACHABLE_TOO_EARLY");
      const e = await record("followed_up", {
        outcome: "unreachable",
        attempts: attempts.map((a) => a.toISOString()),
        // the result SMS is queued in this transaction and sent by the outbox right after it commits
        smsAt: now.toISOString(),
        comment,
      });
      await notify(e, "unreachable_result");
      await record("closed", { reason: "unreachable" });
      ticket.satisfied = null;
      ticket.score = null;
      ticket.status = "closed";
      ticket.closedAt = now;
      return;
    }
    const level: SatisfactionLevel = input.level ?? (input.satisfied ? "satisfied" : "unsatisfied");
    const solved = input.solved ?? input.satisfied ?? false;
    const satisfied = level !== "unsatisfied";
    await record("followed_up", {
      outcome: "reached",
      solved,
      level,
      satisfied,
      score: input.score ?? null,
      comment,
    });
    ticket.satisfied = satisfied;
    ticket.score = input.score ?? null;
    if (satisfied && solved) {
      await record("closed", null);
      ticket.status = "closed";
      ticket.closedAt = now;
    } else {
      ticket.cycle += 1;
      await record("reopened", { reason: comment ?? (satisfied ? "回访未解决" : "回访不满意") });
      ticket.status = "new";
      ticket.resolvedAt = null;
      ticket.respondedAt = null;
    }
  },
});
