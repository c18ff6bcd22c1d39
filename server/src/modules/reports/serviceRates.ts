/**
 * The 三率 (+ 办结率) report read from the database: the tickets of a range and the events the rates need,
 * counted by the rules in @warmline/shared (tickets/rates.ts; definitions in serviceRates.ts). The range is
 * checked here and refused in the API's terms.
 */
import {
  addDays,
  type BizDate,
  DEFAULT_SLA_POLICY,
  RATE_EVENT_DATA_TYPES,
  RATE_EVENT_TYPES,
  type RateTicket,
  rateRangeProblem,
  rateRows,
  type ServiceRatesQuery,
  type ServiceRatesView,
  type SlaPolicy,
  shanghaiMidnight,
  type TicketCategory,
  type TicketChannel,
  type TicketEventType,
} from "@warmline/shared";
import type { DataSource } from "typeorm";
import { AppError } from "../../http/errors";
import { HeatStation } from "../accounts";
import { Ticket, TicketEvent } from "../tickets";

/** Refuses a bad range: dates that are not real dates, a reversed range (400), or one too long. */
export function checkRange(query: Pick<ServiceRatesQuery, "from" | "to">): void {
  const problem = rateRangeProblem(query);
  if (problem?.kind === "invalid") {
    throw new AppError(
      "VALIDATION_FAILED",
      problem.fields.map((f) => ({ ...f, in: "query" })),
    );
  }
  if (problem?.kind === "too_long") throw new AppError("REPORT_RANGE_TOO_LONG");
}

// --- loading ---

/** A datetime from a raw row: mysql2 gives Date objects; SQLite gives "YYYY-MM-DD HH:MM:SS.SSS" in UTC. */
export function rawInstant(v: unknown): Date {
  if (v instanceof Date) return v;
  const s = String(v);
  const iso = s.includes("T") ? s : s.replace(" ", "T");
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
}

function rawJson(v: unknown): Record<string, unknown> | null {
  if (v === null || v === undefined || v === "") return null;
  if (typeof v === "object") return v as Record<string, unknown>;
  try {
    const parsed = JSON.parse(String(v)) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Tickets created in [from, to] (Shanghai dates) with the events the rates need: two queries, only the
 * needed columns, raw rows (no entity hydration), so a season (~50k tickets) loads in a second or two.
 */
export async function loadRateTickets(ds: DataSource, from: BizDate, to: BizDate): Promise<RateTicket[]> {
  const start = shanghaiMidnight(from);
  const end = shanghaiMidnight(addDays(to, 1));
  const ticketRows: {
    id: number | string;
    createdAt: unknown;
    stationId: number | string | null;
    stationName: string | null;
    channel: TicketChannel;
    category: TicketCategory;
    incidentId: number | string | null;
  }[] = await ds
    .getRepository(Ticket)
    .createQueryBuilder("t")
    .leftJoin(HeatStation, "s", "s.id = t.station_id")
    .select("t.id", "id")
    .addSelect("t.created_at", "createdAt")
    .addSelect("t.station_id", "stationId")
    .addSelect("s.name", "stationName")
    .addSelect("t.channel", "channel")
    .addSelect("t.category", "category")
    .addSelect("t.incident_id", "incidentId")
    .where("t.created_at >= :start AND t.created_at < :end", { start, end })
    .getRawMany();
  const byId = new Map<number, RateTicket>();
  for (const r of ticketRows) {
    byId.set(Number(r.id), {
      id: Number(r.id),
      createdAt: rawInstant(r.createdAt),
      stationId: r.stationId === null || r.stationId === undefined ? null : Number(r.stationId),
      stationName: r.stationName ?? null,
      channel: r.channel,
      category: r.category,
      incidentId: r.incidentId === null || r.incidentId === undefined ? null : Number(r.incidentId),
      events: [],
    });
  }
  if (byId.size === 0) return [];
  const eventRows: { ticketId: number | string; type: TicketEventType; at: unknown; data: unknown }[] = await ds
    .getRepository(TicketEvent)
    .createQueryBuilder("e")
    .innerJoin(Ticket, "t", "t.id = e.ticket_id")
    .select("e.ticket_id", "ticketId")
    .addSelect("e.type", "type")
    .addSelect("e.at", "at")
    // only grades and follow-up answers need their data; other events' notes stay in the database
    .addSelect("CASE WHEN e.type IN (:...dataTypes) THEN e.data ELSE NULL END", "data")
    .where("t.created_at >= :start AND t.created_at < :end", { start, end })
    .andWhere("e.type IN (:...types)", { types: RATE_EVENT_TYPES })
    .setParameter("dataTypes", RATE_EVENT_DATA_TYPES)
    .orderBy("e.ticket_id")
    .addOrderBy("e.at")
    .addOrderBy("e.id")
    .getRawMany();
  for (const e of eventRows) {
    byId.get(Number(e.ticketId))?.events.push({ type: e.type, at: rawInstant(e.at), data: rawJson(e.data) });
  }
  return [...byId.values()];
}

/** The 三率 report for a query, read from the database. */
export async function serviceRates(
  ds: DataSource,
  query: ServiceRatesQuery,
  now: Date = new Date(),
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
): Promise<ServiceRatesView> {
  checkRange(query);
  return rateRows(await loadRateTickets(ds, query.from, query.to), query, now, policy);
}
