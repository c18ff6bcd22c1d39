import { meetsUnreachableRule, shanghaiDate } from "@warmline/shared";
import type { EntityManager } from "typeorm";
import { TicketEvent } from "./entities";

type Ev = Pick<TicketEvent, "type" | "at" | "cycle">;

/**
 * The follow-up calls that did not get through since the ticket's last 处理完成 (in its current cycle):
 * the attempts the 无法联系 rule counts.
 */
export function missedSinceResolved(events: readonly Ev[], cycle: number): Date[] {
  const current = events.filter((e) => e.cycle === cycle);
  let from = -1;
  current.forEach((e, i) => {
    if (e.type === "resolved") from = i;
  });
  return current
    .slice(from + 1)
    .filter((e) => e.type === "follow_up_missed")
    .map((e) => e.at);
}

export async function missedFollowUps(m: EntityManager, ticketId: number, cycle: number): Promise<Date[]> {
  const events = await m
    .getRepository(TicketEvent)
    .find({ where: { ticketId, cycle }, order: { at: "ASC", id: "ASC" } });
  return missedSinceResolved(events, cycle);
}

/** 已拨打 N 次（D 天）, and whether 无法联系 may be recorded yet. */
export function missedSummary(attempts: readonly Date[]): { count: number; days: number; meetsRule: boolean } {
  return {
    count: attempts.length,
    days: new Set(attempts.map((a) => shanghaiDate(a))).size,
    meetsRule: meetsUnreachableRule(attempts),
  };
}
