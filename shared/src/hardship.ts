import { type BizDate, daysBetween, isBizDate, maxDate } from "./billing/dates";
import { roundHalfUp } from "./billing/money";

/**
 * Hardship relief (困难群众缓缴/分期, DOMAIN.md "Hardship relief"): pure rules for instalment plans and
 * deferrals. No I/O; the server's hardship module stores what these compute.
 *
 * Choices where DOMAIN.md is silent (stated in the README too):
 * - Instalment amounts: the principal divided by the count, rounded down to the fen; the remainder fen
 *   (at most count − 1) go to the FIRST instalment, so the later ones are equal and the sum is exact.
 * - Due dates: instalment k (1-based) is due `spacing × k` months after the plan's start date (the day the
 *   centre approves), counted from the start date each time (never chained), a missing day clamped to the
 *   month's end: start 31 Jan → 28/29 Feb → 31 Mar.
 * - Deferral: the covered bills become due `months` (1–3) months after the start date (clamped the same
 *   way), or keep their own due date when that is later.
 * - Grace: an instalment unpaid on its due date is late but in good standing through due + grace days;
 *   on the day after, the plan is in default.
 * - Default rule (HARDSHIP_DEFAULT_RULE "remaining_from_missed_due"): the plan ends, the whole unpaid
 *   covered principal is owed at once, and late fees accrue on it from the missed instalment's due date
 *   at the season's rate. Late fees waived at approval stay waived; nothing accrues for any day before
 *   the missed due date, so money paid on time never carries a late fee.
 */

export const HARDSHIP_APP_CATEGORIES = ["dibao", "tekun", "disabled", "mobility", "other"] as const;
export type HardshipAppCategory = (typeof HARDSHIP_APP_CATEGORIES)[number];
export const HARDSHIP_APP_CATEGORY_LABELS: Record<HardshipAppCategory, string> = {
  dibao: "低保",
  tekun: "特困供养",
  disabled: "残疾",
  mobility: "行动不便/失能",
  other: "其他困难",
};

export const HARDSHIP_PLAN_KINDS = ["instalments", "deferral"] as const;
export type HardshipPlanKind = (typeof HARDSHIP_PLAN_KINDS)[number];
export const HARDSHIP_PLAN_KIND_LABELS: Record<HardshipPlanKind, string> = {
  instalments: "分期缴纳",
  deferral: "缓缴",
};

/** requested or granted terms: 2–3 instalments, or a deferral of 1–3 months */
export type HardshipTerms = { kind: "instalments"; count: number } | { kind: "deferral"; months: number };

export const INSTALMENT_COUNTS = { min: 2, max: 3 } as const;
export const DEFERRAL_MONTHS = { min: 1, max: 3 } as const;

/** application states: 待初审 → 待复核 → 已批准 / 未通过; withdrawn by the applicant before the final decision */
export const HARDSHIP_APP_STATUSES = [
  "pending_community",
  "pending_center",
  "approved",
  "rejected",
  "withdrawn",
] as const;
export type HardshipAppStatus = (typeof HARDSHIP_APP_STATUSES)[number];
export const HARDSHIP_APP_STATUS_LABELS: Record<HardshipAppStatus, string> = {
  pending_community: "待社区初审",
  pending_center: "待供热中心复核",
  approved: "已批准",
  rejected: "未通过",
  withdrawn: "已撤回",
};
/** states in which an application is still open (one per account) */
export const OPEN_HARDSHIP_APP_STATUSES: readonly HardshipAppStatus[] = ["pending_community", "pending_center"];

export const HARDSHIP_PLAN_STATUSES = ["active", "completed", "defaulted"] as const;
export type HardshipPlanStatus = (typeof HARDSHIP_PLAN_STATUSES)[number];
export const HARDSHIP_PLAN_STATUS_LABELS: Record<HardshipPlanStatus, string> = {
  active: "执行中",
  completed: "已完成",
  defaulted: "已违约",
};

/** what other modules ask: how to treat a household (reminders softened, legal escalation refused) */
export const HARDSHIP_STATUSES = ["none", "applying", "plan_active", "deferred", "defaulted"] as const;
export type HardshipStatus = (typeof HARDSHIP_STATUSES)[number];
export const HARDSHIP_STATUS_LABELS: Record<HardshipStatus, string> = {
  none: "无",
  applying: "困难申请审核中",
  plan_active: "分期计划执行中",
  deferred: "缓缴期内",
  defaulted: "分期/缓缴已违约",
};
/** statuses under which a household must never be escalated to legal work (困难不拒缴) */
export const HARDSHIP_PROTECTED: readonly HardshipStatus[] = ["applying", "plan_active", "deferred"];

/** channel an application came in through */
export const HARDSHIP_CHANNELS = ["miniapp", "hotline", "grid_worker"] as const;
export type HardshipChannel = (typeof HARDSHIP_CHANNELS)[number];
export const HARDSHIP_CHANNEL_LABELS: Record<HardshipChannel, string> = {
  miniapp: "小程序",
  hotline: "热线代办",
  grid_worker: "网格员代办",
};

/** The reason a set of terms is outside the rules, as a stable error code; null when they are fine. */
export function termsError(t: HardshipTerms): "HARDSHIP_INSTALMENT_COUNT" | "HARDSHIP_DEFERRAL_MONTHS" | null {
  if (t.kind === "instalments") {
    return Number.isInteger(t.count) && t.count >= INSTALMENT_COUNTS.min && t.count <= INSTALMENT_COUNTS.max
      ? null
      : "HARDSHIP_INSTALMENT_COUNT";
  }
  return Number.isInteger(t.months) && t.months >= DEFERRAL_MONTHS.min && t.months <= DEFERRAL_MONTHS.max
    ? null
    : "HARDSHIP_DEFERRAL_MONTHS";
}

function parts(date: BizDate): [number, number, number] {
  if (!isBizDate(date)) throw new Error(`not a date: ${date}`);
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return [y, m, d];
}

function daysInMonth(year: number, month1: number): number {
  return new Date(Date.UTC(year, month1, 0)).getUTCDate();
}

/** The same day `months` months later; a day the target month lacks becomes its last day (31 Jan + 1 → 28/29 Feb). */
export function addMonthsClamped(date: BizDate, months: number): BizDate {
  if (!Number.isInteger(months)) throw new Error("months must be whole");
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = (index % 12) + 1;
  const td = Math.min(d, daysInMonth(ty, tm));
  return `${String(ty).padStart(4, "0")}-${String(tm).padStart(2, "0")}-${String(td).padStart(2, "0")}`;
}

export interface ScheduledInstalment {
  /** 1-based */
  seq: number;
  amountFen: number;
  dueDate: BizDate;
}

/**
 * The instalments of a plan: `count` (2–3) amounts adding up exactly to `principalFen`, the remainder fen
 * on the first one; due `spacingMonths × k` months after `startDate` (month ends clamped).
 */
export function instalmentSchedule(
  principalFen: number,
  count: number,
  startDate: BizDate,
  spacingMonths = 1,
): ScheduledInstalment[] {
  if (termsError({ kind: "instalments", count })) throw new Error("instalment count must be 2 or 3");
  if (!Number.isSafeInteger(principalFen) || principalFen < count) throw new Error("principal too small to split");
  if (!Number.isInteger(spacingMonths) || spacingMonths < 1 || spacingMonths > 3) throw new Error("bad spacing");
  const base = Math.floor(principalFen / count);
  const remainder = principalFen - base * count;
  return Array.from({ length: count }, (_, i) => ({
    seq: i + 1,
    amountFen: i === 0 ? base + remainder : base,
    dueDate: addMonthsClamped(startDate, spacingMonths * (i + 1)),
  }));
}

/** A deferred bill's new due date: `months` (1–3) after the start date, or its own due date if later. */
export function deferredDueDate(billDueDate: BizDate, startDate: BizDate, months: number): BizDate {
  if (termsError({ kind: "deferral", months })) throw new Error("deferral is 1 to 3 months");
  return maxDate(billDueDate, addMonthsClamped(startDate, months));
}

/** How much of each instalment the money paid since the plan started covers, in order (overpayment counts forward). */
export function allocateToInstalments(amounts: readonly number[], paidSinceStartFen: number): number[] {
  let left = Math.max(0, paidSinceStartFen);
  return amounts.map((a) => {
    const take = Math.min(a, left);
    left -= take;
    return take;
  });
}

/** The last day an instalment due on `dueDate` may still be paid in good standing. */
export function graceEnd(dueDate: BizDate, graceDays: number): BizDate {
  const [y, m, d] = parts(dueDate);
  return new Date(Date.UTC(y, m - 1, d + graceDays)).toISOString().slice(0, 10);
}

export type PlanStanding =
  | { status: "completed" }
  | { status: "active"; nextSeq: number; nextDueDate: BizDate; late: boolean }
  | { status: "defaulted"; missedSeq: number; missedDueDate: BizDate };

/**
 * Where a plan stands on `asOf` given what has been paid since it started: completed when every
 * instalment is covered; in default when an instalment is still not fully paid after its grace period;
 * otherwise active (late = an instalment is past due but within grace).
 */
export function planStanding(
  instalments: readonly { seq: number; amountFen: number; dueDate: BizDate }[],
  paidSinceStartFen: number,
  asOf: BizDate,
  graceDays: number,
): PlanStanding {
  const paid = allocateToInstalments(
    instalments.map((i) => i.amountFen),
    paidSinceStartFen,
  );
  const open = instalments
    .map((inst, k) => ({ inst, short: inst.amountFen - (paid[k] ?? 0) }))
    .filter((x) => x.short > 0);
  const first = open[0];
  if (!first) return { status: "completed" };
  if (asOf > graceEnd(first.inst.dueDate, graceDays)) {
    return { status: "defaulted", missedSeq: first.inst.seq, missedDueDate: first.inst.dueDate };
  }
  return {
    status: "active",
    nextSeq: first.inst.seq,
    nextDueDate: first.inst.dueDate,
    late: asOf > first.inst.dueDate,
  };
}

/** A deferral is in default when principal is still owed after the deferred due date plus grace. */
export function deferralStanding(
  deferredDue: BizDate,
  principalOwedFen: number,
  asOf: BizDate,
  graceDays: number,
): { status: "completed" | "active" | "defaulted" } {
  if (principalOwedFen <= 0) return { status: "completed" };
  return { status: asOf > graceEnd(deferredDue, graceDays) ? "defaulted" : "active" };
}

/**
 * The late fee owed on a covered bill under the default rule: nothing for any day up to `missedDueDate`
 * (waived or paid on time), then rate × the principal still unpaid for each later day up to `asOf`,
 * rounded half up to the fen once, capped at `capBp` of the bill amount. The server gets the same number
 * from billing's accrual by restarting it at the missed due date (`resumeLateFeeFrom`).
 */
export function lateFeeAfterDefault(
  unpaidPrincipalFen: number,
  missedDueDate: BizDate,
  asOf: BizDate,
  policy: { rateBpPerDay: number; capBp: number },
  billAmountFen: number,
): number {
  const days = Math.max(0, daysBetween(missedDueDate, asOf));
  const fee = roundHalfUp(unpaidPrincipalFen * policy.rateBpPerDay * days, 10_000);
  return Math.min(fee, roundHalfUp(billAmountFen * policy.capBp, 10_000));
}

/**
 * The status other modules see, from whether the account has an open application and its newest plan
 * (null = none): an active plan first, then an open application (a defaulted household that applies again
 * is applying), then a defaulted plan.
 */
export function hardshipStatusOf(
  openApplication: boolean,
  plan: { kind: HardshipPlanKind; status: HardshipPlanStatus } | null,
): HardshipStatus {
  if (plan?.status === "active") return plan.kind === "deferral" ? "deferred" : "plan_active";
  if (openApplication) return "applying";
  return plan?.status === "defaulted" ? "defaulted" : "none";
}

/** who takes an application on a resident's behalf (hotline, grid workers' home visits) */
export const HARDSHIP_APPLY_ROLES = ["hotline_agent", "grid_worker", "supervisor", "admin"] as const;
/** who sees the review queues and application details */
export const HARDSHIP_DESK_ROLES = [
  "hotline_agent",
  "grid_worker",
  "community_reviewer",
  "center_reviewer",
  "supervisor",
  "admin",
] as const;
/** 社区初审 */
export const HARDSHIP_COMMUNITY_REVIEW_ROLES = ["community_reviewer"] as const;
/** 供热中心复核 (and reinstating a defaulted plan) */
export const HARDSHIP_CENTER_REVIEW_ROLES = ["center_reviewer"] as const;
/** the hardship summary and its export */
export const HARDSHIP_SUMMARY_ROLES = ["center_reviewer", "supervisor", "admin"] as const;

/**
 * 按计划缴费 ("pay this instalment"): the rest of the first instalment not yet fully paid (what the pay
 * button offers) and all that is left of the plan (the most one payment may bring), given the money paid
 * since the plan started. Paying more than the instalment counts toward the next ones (allocateToInstalments).
 */
export function planAmountsDue(
  instalments: readonly { seq: number; amountFen: number }[],
  paidSinceStartFen: number,
): { nextSeq: number | null; nextFen: number; remainingFen: number } {
  const paid = allocateToInstalments(
    instalments.map((i) => i.amountFen),
    paidSinceStartFen,
  );
  const k = instalments.findIndex((inst, idx) => (paid[idx] ?? 0) < inst.amountFen);
  const remainingFen = instalments.reduce((s, inst, idx) => s + inst.amountFen - (paid[idx] ?? 0), 0);
  if (k < 0) return { nextSeq: null, nextFen: 0, remainingFen: 0 };
  const next = instalments[k] as { seq: number; amountFen: number };
  return { nextSeq: next.seq, nextFen: next.amountFen - (paid[k] ?? 0), remainingFen };
}
