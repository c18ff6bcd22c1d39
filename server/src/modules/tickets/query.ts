import type { MyTicketQuery, TechnicianQuery, TechnicianView, TicketQuery } from "@warmline/shared";
import type { Deps } from "../../deps";
import { HeatingAccount } from "../accounts";
import { StaffRoleGrant, StaffUser } from "../staff";
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

/** How far back 我的工单's 已完成 tab reaches. */
const RECENT_DONE_DAYS = 30;

/**
 * 我的工单: the tickets dispatched to this staff member (technicianId). open: not yet resolved, sorted like the
 * SLA board (overdue first, then the least time left, paused ones last); done: resolved or closed within the
 * last 30 days, the latest first.
 */
export async function myTickets(deps: Deps, staffId: number, q: MyTicketQuery, now = new Date()) {
  const { ds } = deps;
  const qb = ds
    .getRepository(Ticket)
    .createQueryBuilder("t")
    .where("t.technician_id = :staffId", { staffId })
    .andWhere(`t.status ${q.tab === "open" ? "NOT IN" : "IN"} ('resolved', 'closed')`);
  if (q.tab === "open") {
    qb.orderBy("CASE WHEN t.sla_next_due_at IS NULL THEN 1 ELSE 0 END", "ASC").addOrderBy("t.sla_next_due_at", "ASC");
  } else {
    const since = new Date(now.getTime() - RECENT_DONE_DAYS * 86_400_000);
    qb.andWhere("t.resolved_at >= :since", { since }).orderBy("t.resolved_at", "DESC");
  }
  qb.addOrderBy("t.id", "ASC");
  const [rows, total] = await qb
    .skip((q.page - 1) * q.pageSize)
    .take(q.pageSize)
    .getManyAndCount();
  return { items: await presentTickets(ds, rows, deps.config.sla), total, page: q.page, pageSize: q.pageSize };
}

/**
 * 派单's technician list: active staff with the technician role; with a station, those of that station and
 * those tied to none (county-wide), the station's own first.
 */
export async function listTechnicians(deps: Deps, q: TechnicianQuery): Promise<TechnicianView[]> {
  const qb = deps.ds
    .getRepository(StaffUser)
    .createQueryBuilder("s")
    .innerJoin(StaffRoleGrant, "g", "g.staff_user_id = s.id AND g.role = :role", { role: "technician" })
    .where("s.status = 'active'");
  if (q.stationId) {
    qb.andWhere("(s.station_id = :stationId OR s.station_id IS NULL)", { stationId: q.stationId }).orderBy(
      "CASE WHEN s.station_id IS NULL THEN 1 ELSE 0 END",
      "ASC",
    );
  }
  const rows = await qb.addOrderBy("s.display_name", "ASC").addOrderBy("s.id", "ASC").distinct(true).getMany();
  return rows.map((s) => ({ id: s.id, displayName: s.displayName, stationId: s.stationId }));
}
