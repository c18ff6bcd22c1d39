import type { TicketQuery } from "@warmline/shared";
import type { Deps } from "../../deps";
import { HeatingAccount } from "../accounts";
import { Ticket } from "./entities";
import { presentTickets } from "./present";

/**
 * The ticket search and the SLA board. With open=true: every ticket not closed, sorted by the earliest
 * due time of its running clocks — overdue first, then the least time left; tickets without a running
 * clock (paused, or resolved and waiting for follow-up) last. followUp=true: the follow-up queue.
 */
export async function searchTickets(deps: Deps, q: TicketQuery) {
  const { ds } = deps;
  const qb = ds.getRepository(Ticket).createQueryBuilder("t");
  if (q.open) qb.andWhere("t.status <> 'closed'");
  if (q.followUp) qb.andWhere("t.status = 'resolved'");
  if (q.status) qb.andWhere("t.status = :status", { status: q.status });
  if (q.stationId) qb.andWhere("t.station_id = :stationId", { stationId: q.stationId });
  if (q.grade) qb.andWhere("t.grade = :grade", { grade: q.grade });
  if (q.channel) qb.andWhere("t.channel = :channel", { channel: q.channel });
  if (q.category) qb.andWhere("t.category = :category", { category: q.category });
  if (q.priority) qb.andWhere("t.priority = :priority", { priority: q.priority });
  if (q.breached !== undefined) qb.andWhere("t.sla_breached = :breached", { breached: q.breached });
  if (q.q) {
    const account = await ds.getRepository(HeatingAccount).findOneBy({ accountNo: q.q });
    qb.andWhere("(t.ticket_no = :q OR t.transfer_no = :q OR t.account_id = :accountId)", {
      q: q.q,
      accountId: account?.id ?? 0,
    });
  }
  if (q.followUp) qb.orderBy("t.resolved_at", "ASC");
  else if (q.open)
    qb.orderBy("CASE WHEN t.sla_next_due_at IS NULL THEN 1 ELSE 0 END", "ASC").addOrderBy("t.sla_next_due_at", "ASC");
  else qb.orderBy("t.id", "DESC");
  qb.addOrderBy("t.id", "ASC");
  const [rows, total] = await qb
    .skip((q.page - 1) * q.pageSize)
    .take(q.pageSize)
    .getManyAndCount();
  return { items: await presentTickets(ds, rows, deps.config.sla), total, page: q.page, pageSize: q.pageSize };
}
