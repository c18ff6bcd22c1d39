import {
  type AckAlertInput,
  type AlertKind,
  type AlertPage,
  type AlertQuery,
  type AlertSummary,
  type AlertView,
  LEGAL_AUDIENCE,
  type SlaClock,
  type TicketSummaryView,
} from "@warmline/shared";
import { type DataSource, In, IsNull, Not } from "typeorm";
import { AppError } from "../../http/errors";
import { logger } from "../../lib/logger";
import { HeatStation } from "../accounts";
import { StaffUser } from "../staff";
import { StaffAlert } from "./entities";
import { SUPERVISOR_AUDIENCE } from "./raise";

/**
 * What the inbox needs of the modules its alerts are about (tickets sit above alerts: they raise them).
 * The tickets module implements it; the composition root hands it over as `deps.ports.alertSubjects`.
 */
export interface AlertSubjectPort {
  /** the live summaries of the tickets some alerts are about */
  ticketSummaries(ds: DataSource, ticketIds: number[], now: Date): Promise<Map<number, TicketSummaryView>>;
  /** once, when an alert about a ticket has been acknowledged (the 督办 note on its timeline) */
  ticketAlertAcked(ds: DataSource, alert: StaffAlert, staffId: number, now: Date): Promise<void>;
}

const AUDIENCE_OF_ROLE: Record<string, readonly string[]> = {
  supervisor: [SUPERVISOR_AUDIENCE],
  // the legal desk's deadlines and news on its cases' accounts
  legal_officer: [LEGAL_AUDIENCE],
  // admins see every inbox
  admin: [SUPERVISOR_AUDIENCE, LEGAL_AUDIENCE],
};

/** the audiences a staff member with these roles belongs to */
export function audiencesOf(roles: readonly string[]): string[] {
  return [...new Set(roles.flatMap((r) => AUDIENCE_OF_ROLE[r] ?? []))];
}

function stateWhere(state: AlertQuery["state"]) {
  return state === "open" ? { ackAt: IsNull() } : state === "acked" ? { ackAt: Not(IsNull()) } : {};
}

async function present(
  ds: DataSource,
  rows: StaffAlert[],
  subjects: AlertSubjectPort,
  now: Date,
): Promise<AlertView[]> {
  const ticketIds = rows.filter((r) => r.subjectType === "ticket").map((r) => r.subjectId);
  const summaries = ticketIds.length ? await subjects.ticketSummaries(ds, ticketIds, now) : new Map();
  const staffIds = rows.map((r) => r.ackBy).filter((x): x is number => x !== null);
  const staff = staffIds.length ? await ds.getRepository(StaffUser).findBy({ id: In(staffIds) }) : [];
  const names = new Map(staff.map((s) => [s.id, s.displayName]));
  const stationIds = [...new Set(rows.map((r) => r.stationId).filter((x): x is number => x !== null))];
  const stations = stationIds.length ? await ds.getRepository(HeatStation).findBy({ id: In(stationIds) }) : [];
  const stationNames = new Map(stations.map((s) => [s.id, s.name]));
  return rows.map((r) => {
    const data = r.data ?? {};
    return {
      id: r.id,
      kind: r.kind as AlertKind,
      title: r.title,
      body: r.body,
      createdAt: r.createdAt.toISOString(),
      ticket: r.subjectType === "ticket" ? (summaries.get(r.subjectId) ?? null) : null,
      stationName: r.stationId === null ? null : (stationNames.get(r.stationId) ?? null),
      clock: typeof data.clock === "string" ? (data.clock as SlaClock) : null,
      dueAt: typeof data.dueAt === "string" ? data.dueAt : null,
      ackAt: r.ackAt?.toISOString() ?? null,
      ackBy: r.ackBy === null ? null : (names.get(r.ackBy) ?? `#${r.ackBy}`),
      ackNote: r.ackNote,
    };
  });
}

/** The inbox of a staff member's audiences, newest first. */
export async function listAlerts(
  ds: DataSource,
  audiences: string[],
  q: AlertQuery,
  subjects: AlertSubjectPort,
  now = new Date(),
): Promise<AlertPage> {
  const where = { audience: In(audiences.length ? audiences : ["-"]), ...stateWhere(q.state) };
  const [rows, total] = await ds.getRepository(StaffAlert).findAndCount({
    where,
    order: { createdAt: "DESC", id: "DESC" },
    skip: (q.page - 1) * q.pageSize,
    take: q.pageSize,
  });
  return { items: await present(ds, rows, subjects, now), total, page: q.page, pageSize: q.pageSize };
}

export async function alertSummary(ds: DataSource, audiences: string[]): Promise<AlertSummary> {
  const repo = ds.getRepository(StaffAlert);
  const where = { audience: In(audiences.length ? audiences : ["-"]), ackAt: IsNull() };
  const [open, latest] = await Promise.all([
    repo.countBy(where),
    repo.findOne({ where, order: { createdAt: "DESC", id: "DESC" } }),
  ]);
  return { open, latestAt: latest?.createdAt.toISOString() ?? null };
}

/**
 * Acknowledges an alert (已知悉) once: a second acknowledgement by the same person is a no-op, by someone
 * else a 409 naming who did it first. An alert outside the caller's audiences is 404, like a missing one.
 */
export async function ackAlert(
  ds: DataSource,
  staff: { id: number; roles: readonly string[] },
  id: number,
  input: AckAlertInput,
  subjects: AlertSubjectPort,
  now = new Date(),
): Promise<{ alert: AlertView; changed: boolean }> {
  const repo = ds.getRepository(StaffAlert);
  const audiences = audiencesOf(staff.roles);
  const row = await repo.findOneBy({ id, audience: In(audiences.length ? audiences : ["-"]) });
  if (!row) throw new AppError("ALERT_NOT_FOUND");
  const r = await repo
    .createQueryBuilder()
    .update()
    .set({ ackAt: now, ackBy: staff.id, ackNote: input.note || null })
    .where("id = :id AND ack_at IS NULL", { id })
    .execute();
  const after = await repo.findOneByOrFail({ id });
  if (!r.affected && after.ackBy !== staff.id) {
    const by = await ds.getRepository(StaffUser).findOneBy({ id: after.ackBy ?? 0 });
    throw new AppError("ALERT_ALREADY_ACKED", { ackBy: by?.displayName ?? null, ackAt: after.ackAt?.toISOString() });
  }
  if (r.affected) {
    logger.info({ alertId: id, staffId: staff.id }, "alert acknowledged");
    if (after.subjectType === "ticket") await subjects.ticketAlertAcked(ds, after, staff.id, now);
  }
  return { alert: (await present(ds, [after], subjects, now))[0] as AlertView, changed: !!r.affected };
}
