/**
 * The SLA clocks of a ticket, computed from its event log alone (so they can always be recomputed):
 *
 * - response: 30 minutes from creation (or reopening) to the first contact ("responded");
 * - resolution: by incident grade (一般 1 h, 较大 4 h, 重大 8 h; per category if configured) from creation
 *   (or reopening) to "resolved";
 * - measurement (cold-room tickets): an indoor temperature measurement visit within 24 hours of the first
 *   report, wall-clock time, never paused.
 *
 * Response and resolution run on service time: around the clock on heating-season days (15 Oct – 15 Apr,
 * Asia/Shanghai dates), and only within the daily service window out of season. "paused" (waiting for the
 * resident) stops both running clocks until "resumed". A reopening starts a new cycle with fresh clocks.
 * Warnings fall at 75 % of a clock's budget; a running clock past its budget is breached.
 */
import type { IncidentGrade, SlaClock, TicketCategory, TicketEventType } from "./constants";

export interface SlaPolicy {
  responseMinutes: number;
  resolutionMinutes: Record<IncidentGrade, number>;
  /** per-category overrides of the resolution budget */
  categoryResolutionMinutes?: Partial<Record<TicketCategory, Partial<Record<IncidentGrade, number>>>>;
  measurementHours: number;
  /** share of a budget at which the warning falls */
  warnRatio: number;
  /** service window out of season, minutes after Shanghai midnight: [start, end) */
  offSeasonWindow: { startMin: number; endMin: number };
  /** first and last day of the heating season, "MM-DD" (inclusive) */
  season: { start: string; end: string };
}

export const DEFAULT_SLA_POLICY: SlaPolicy = {
  responseMinutes: 30,
  resolutionMinutes: { general: 60, major: 240, severe: 480 },
  measurementHours: 24,
  warnRatio: 0.75,
  offSeasonWindow: { startMin: 8 * 60, endMin: 18 * 60 },
  season: { start: "10-15", end: "04-15" },
};

export interface SlaEvent {
  type: TicketEventType;
  at: Date;
  data?: { grade?: IncidentGrade } | null;
}

export interface ClockView {
  clock: SlaClock;
  startedAt: Date;
  budgetMs: number;
  /** service time used so far (to metAt, or to now), pauses excluded */
  usedMs: number;
  /** budget − used; negative when over */
  remainingMs: number;
  metAt: Date | null;
  paused: boolean;
  /** when the budget runs out (projected from now while running; null while paused) */
  dueAt: Date | null;
  /** when 75 % of the budget is (or was, or will be) used; null while paused and not yet reached */
  warnAt: Date | null;
  warned: boolean;
  breached: boolean;
}

export interface SlaState {
  /** 0 for the first handling, +1 for each reopening */
  cycle: number;
  cycleStartedAt: Date;
  grade: IncidentGrade;
  paused: boolean;
  response: ClockView;
  resolution: ClockView;
  /** cold-room tickets only */
  measurement: ClockView | null;
}

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const SHANGHAI = 8 * 60 * MIN;

function inSeason(policy: SlaPolicy, shanghaiDayStartUtcMs: number): boolean {
  const md = new Date(shanghaiDayStartUtcMs + SHANGHAI).toISOString().slice(5, 10);
  const { start, end } = policy.season;
  return start <= end ? md >= start && md <= end : md >= start || md <= end;
}

/** The service-time windows of the Shanghai day containing t: [from, to) instants in UTC ms. */
function dayWindow(policy: SlaPolicy, t: number): { dayStart: number; from: number; to: number } {
  const dayStart = Math.floor((t + SHANGHAI) / DAY) * DAY - SHANGHAI;
  if (inSeason(policy, dayStart)) return { dayStart, from: dayStart, to: dayStart + DAY };
  const w = policy.offSeasonWindow;
  return { dayStart, from: dayStart + w.startMin * MIN, to: dayStart + w.endMin * MIN };
}

/** Service time between two instants (ms). */
export function serviceMs(policy: SlaPolicy, from: number, to: number): number {
  let total = 0;
  let t = from;
  while (t < to) {
    const w = dayWindow(policy, t);
    const a = Math.max(t, w.from);
    const b = Math.min(to, w.to);
    if (b > a) total += b - a;
    t = w.dayStart + DAY;
  }
  return total;
}

/** The instant at which `ms` of service time have passed after `from`. */
export function addServiceMs(policy: SlaPolicy, from: number, ms: number): number {
  let t = from;
  let left = ms;
  for (let guard = 0; guard < 10_000; guard++) {
    const w = dayWindow(policy, t);
    const a = Math.max(t, w.from);
    if (a < w.to) {
      const room = w.to - a;
      if (left <= room) return a + left;
      left -= room;
    }
    t = w.dayStart + DAY;
  }
  throw new Error("service calendar has no service time");
}

type Interval = { from: number; to: number | null };

function clockView(
  clock: SlaClock,
  policy: SlaPolicy,
  startedAt: number,
  budgetMs: number,
  intervals: Interval[],
  metAt: number | null,
  now: number,
  wallClock: boolean,
): ClockView {
  const used = (a: number, b: number) => (wallClock ? Math.max(0, b - a) : serviceMs(policy, a, b));
  const add = (a: number, ms: number) => (wallClock ? a + ms : addServiceMs(policy, a, ms));
  const end = metAt ?? now;
  let usedMs = 0;
  for (const i of intervals) {
    const b = Math.min(i.to ?? end, end);
    if (b > i.from) usedMs += used(i.from, b);
  }
  const last = intervals[intervals.length - 1];
  const paused = metAt === null && (last === undefined || last.to !== null);
  /** the instant cumulative use reaches `target`: along the actual intervals, then projected */
  const instantAt = (target: number): number | null => {
    let acc = 0;
    for (const i of intervals) {
      const b = Math.min(i.to ?? end, end);
      if (b <= i.from) continue;
      const u = used(i.from, b);
      if (acc + u >= target) return add(i.from, target - acc);
      acc += u;
    }
    if (paused) return null;
    return add(end, target - acc);
  };
  const dueAt = instantAt(budgetMs);
  const warnAt = instantAt(Math.round(budgetMs * policy.warnRatio));
  return {
    clock,
    startedAt: new Date(startedAt),
    budgetMs,
    usedMs,
    remainingMs: budgetMs - usedMs,
    metAt: metAt === null ? null : new Date(metAt),
    paused,
    dueAt: dueAt === null ? null : new Date(dueAt),
    warnAt: warnAt === null ? null : new Date(warnAt),
    warned: usedMs >= Math.round(budgetMs * policy.warnRatio),
    // breached means strictly past the budget, running or met: a response at the due instant is in time
    breached: usedMs > budgetMs,
  };
}

export function resolutionBudgetMinutes(policy: SlaPolicy, category: TicketCategory, grade: IncidentGrade): number {
  return policy.categoryResolutionMinutes?.[category]?.[grade] ?? policy.resolutionMinutes[grade];
}

/** The SLA state of a ticket at `now`, from its events (in any order; sorted by time, stable). */
export function computeSla(
  category: TicketCategory,
  events: SlaEvent[],
  now: Date,
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
): SlaState {
  const sorted = events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at.getTime() - b.e.at.getTime() || a.i - b.i)
    .map((x) => x.e)
    .filter((e) => e.at.getTime() <= now.getTime());
  const created = sorted.find((e) => e.type === "created");
  if (!created) throw new Error("a ticket's events start with created");
  let cycle = 0;
  let cycleStart = created.at.getTime();
  let grade: IncidentGrade = created.data?.grade ?? "general";
  let responded: number | null = null;
  let resolved: number | null = null;
  let measured: number | null = null;
  let intervals: Interval[] = [{ from: cycleStart, to: null }];
  for (const e of sorted) {
    const t = e.at.getTime();
    switch (e.type) {
      case "reopened":
        cycle += 1;
        cycleStart = t;
        responded = null;
        resolved = null;
        intervals = [{ from: t, to: null }];
        break;
      case "responded":
        responded ??= t;
        break;
      case "resolved":
        resolved ??= t;
        break;
      case "measured":
        measured ??= t;
        break;
      case "graded":
        if (e.data?.grade) grade = e.data.grade;
        break;
      case "paused": {
        const last = intervals[intervals.length - 1];
        if (last && last.to === null) last.to = t;
        break;
      }
      case "resumed": {
        const last = intervals[intervals.length - 1];
        if (last && last.to !== null) intervals.push({ from: t, to: null });
        break;
      }
      default:
        break;
    }
  }
  const n = now.getTime();
  const response = clockView(
    "response",
    policy,
    cycleStart,
    policy.responseMinutes * MIN,
    intervals,
    responded,
    n,
    false,
  );
  const resolution = clockView(
    "resolution",
    policy,
    cycleStart,
    resolutionBudgetMinutes(policy, category, grade) * MIN,
    intervals,
    resolved,
    n,
    false,
  );
  const firstAt = created.at.getTime();
  const measurement =
    category === "cold_room"
      ? clockView(
          "measurement",
          policy,
          firstAt,
          policy.measurementHours * 60 * MIN,
          [{ from: firstAt, to: null }],
          measured,
          n,
          true,
        )
      : null;
  return {
    cycle,
    cycleStartedAt: new Date(cycleStart),
    grade,
    paused: response.paused || resolution.paused,
    response,
    resolution,
    measurement,
  };
}
