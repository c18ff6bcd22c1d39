import { addDays, type BizDate, shanghaiDate } from "./billing/dates";

/**
 * 入户走访 (DOMAIN.md "Arrears work"): what a home visit records, the rules a record must satisfy, and the
 * monthly visit plan (unpaid households first, then special groups, then the rest; two visits a month).
 * Pure: no I/O. Temperatures are tenths of a degree (185 = 18.5 ℃), like the tickets'.
 */

export const VISIT_KINDS = ["care", "collection", "hardship_check", "special_assist", "temp_check"] as const;
export type VisitKind = (typeof VISIT_KINDS)[number];
export const VISIT_KIND_LABELS: Record<VisitKind, string> = {
  care: "访民问暖",
  collection: "催缴沟通",
  hardship_check: "困难核实",
  special_assist: "特殊群体帮办",
  temp_check: "测温回访",
};

export const VISIT_OUTCOMES = ["met_owner", "met_family", "nobody_home", "refused_entry"] as const;
export type VisitOutcome = (typeof VISIT_OUTCOMES)[number];
export const VISIT_OUTCOME_LABELS: Record<VisitOutcome, string> = {
  met_owner: "见到户主",
  met_family: "见到家属",
  nobody_home: "无人在家",
  refused_entry: "拒绝开门",
};
/** outcomes in which someone of the household was spoken to */
export const VISIT_MET_OUTCOMES: readonly VisitOutcome[] = ["met_owner", "met_family"];

export const TEMP_METHODS = ["thermometer", "infrared", "logger"] as const;
export type TempMethod = (typeof TEMP_METHODS)[number];
export const TEMP_METHOD_LABELS: Record<TempMethod, string> = {
  thermometer: "温度计",
  infrared: "红外测温枪",
  logger: "温度记录仪",
};

export const VISIT_POLICY_ITEMS = ["payment_policy", "hardship_deferral", "online_payment"] as const;
export type VisitPolicyItem = (typeof VISIT_POLICY_ITEMS)[number];
export const VISIT_POLICY_LABELS: Record<VisitPolicyItem, string> = {
  payment_policy: "缴费政策",
  hardship_deferral: "困难缓缴",
  online_payment: "线上缴费教学",
};

export const VISIT_POSITIONS = ["willing", "promised", "hardship", "disputes_quality", "refuses", "other"] as const;
export type VisitPosition = (typeof VISIT_POSITIONS)[number];
export const VISIT_POSITION_LABELS: Record<VisitPosition, string> = {
  willing: "愿意缴费",
  promised: "承诺日期",
  hardship: "经济困难",
  disputes_quality: "对供热质量有异议",
  refuses: "拒绝缴费",
  other: "其他",
};

export const VISIT_LIMITS = {
  maxPhotos: 6,
  /** a photo or signature image */
  maxBytes: 5 * 1024 * 1024,
  types: ["image/jpeg", "image/png", "image/webp"] as const,
  minTempC10: -400,
  maxTempC10: 400,
  /** device clocks run a little fast: a time up to this far ahead of the server's is not "in the future" */
  clockSkewMs: 5 * 60_000,
  /** one visit lasts at most this long */
  maxDurationMs: 12 * 3600_000,
  /** a promised payment date lies at most this many days after the visit */
  maxPromiseDays: 180,
  textMax: 1000,
};

export interface VisitPositionInput {
  kind: VisitPosition;
  /** 承诺日期: the date the resident promised to pay (Asia/Shanghai) */
  promisedDate?: BizDate | null;
  /** 对供热质量有异议 / 拒绝缴费 / 其他: what the resident said */
  reason?: string | null;
}

export interface VisitRuleInput {
  startedAt: Date;
  endedAt: Date;
  kind: VisitKind;
  outcome: VisitOutcome;
  indoorTempC10?: number | null;
  tempMethod?: TempMethod | null;
  position?: VisitPositionInput | null;
  photoCount: number;
}

export interface VisitIssue {
  path: string;
  message: string;
}

/**
 * The rules a visit record must satisfy beyond its field types, each failure with the field it concerns and a
 * Chinese message: times in order, not in the future, not longer than a working day; a reading in range and
 * with its method; a position on a 催缴沟通 visit in which someone was met (and none when nobody was);
 * the promised date of 承诺日期 from the visit day on; a reason for 异议 / 拒缴 / 其他; at most 6 photos.
 */
export function visitIssues(v: VisitRuleInput, now: Date): VisitIssue[] {
  const out: VisitIssue[] = [];
  const limit = now.getTime() + VISIT_LIMITS.clockSkewMs;
  if (v.endedAt.getTime() < v.startedAt.getTime()) out.push({ path: "endedAt", message: "结束时间不能早于开始时间" });
  else if (v.endedAt.getTime() - v.startedAt.getTime() > VISIT_LIMITS.maxDurationMs)
    out.push({ path: "endedAt", message: "一次走访不能超过12小时，请检查开始和结束时间" });
  if (v.startedAt.getTime() > limit) out.push({ path: "startedAt", message: "开始时间不能晚于当前时间" });
  if (v.endedAt.getTime() > limit) out.push({ path: "endedAt", message: "结束时间不能晚于当前时间" });
  const met = VISIT_MET_OUTCOMES.includes(v.outcome);
  if (v.indoorTempC10 !== null && v.indoorTempC10 !== undefined) {
    if (
      !Number.isInteger(v.indoorTempC10) ||
      v.indoorTempC10 < VISIT_LIMITS.minTempC10 ||
      v.indoorTempC10 > VISIT_LIMITS.maxTempC10
    )
      out.push({ path: "indoorTempC10", message: "室内温度应在-40℃至40℃之间" });
    if (!v.tempMethod) out.push({ path: "tempMethod", message: "请选择测温方式" });
    if (!met) out.push({ path: "indoorTempC10", message: "未入户（无人在家或拒绝开门）不能记录室内温度" });
  }
  const pos = v.position ?? null;
  if (!pos && v.kind === "collection" && met)
    out.push({ path: "position", message: "催缴沟通且见到住户时，须记录住户的缴费态度" });
  if (pos && v.outcome === "nobody_home") out.push({ path: "position", message: "无人在家时不能记录住户的缴费态度" });
  if (pos?.kind === "promised") {
    if (!pos.promisedDate) out.push({ path: "position.promisedDate", message: "请填写住户承诺的缴费日期" });
    else {
      const visitDay = shanghaiDate(v.startedAt);
      if (pos.promisedDate < visitDay)
        out.push({ path: "position.promisedDate", message: "承诺缴费日期不能早于走访日期" });
      else if (pos.promisedDate > addDays(visitDay, VISIT_LIMITS.maxPromiseDays))
        out.push({ path: "position.promisedDate", message: "承诺缴费日期不能晚于走访后180天" });
    }
  } else if (pos?.promisedDate) {
    out.push({ path: "position.promisedDate", message: "只有“承诺日期”需要填写承诺缴费日期" });
  }
  if (pos && (pos.kind === "disputes_quality" || pos.kind === "refuses" || pos.kind === "other")) {
    if (!pos.reason || pos.reason.trim().length < 2)
      out.push({ path: "position.reason", message: `请填写住户的具体说法（${VISIT_POSITION_LABELS[pos.kind]}）` });
  }
  if (v.photoCount > VISIT_LIMITS.maxPhotos) out.push({ path: "photoIds", message: "每次走访最多6张照片" });
  return out;
}

// --- visit plan ------------------------------------------------------------------------------------------

/** A calendar month, "2026-11". */
export type YearMonth = string;

export const VISIT_PRIORITIES = ["unpaid", "special", "other"] as const;
export type VisitPriority = (typeof VISIT_PRIORITIES)[number];
export const VISIT_PRIORITY_LABELS: Record<VisitPriority, string> = {
  unpaid: "欠费户",
  special: "特殊群体",
  other: "其他住户",
};

export interface VisitPlanConfig {
  /** the months of the visit season (1–12): Nov–Feb by default */
  months: readonly number[];
  /** visits per target household per month */
  visitsPerMonth: number;
  /** after unpaid households and special groups, also plan the remaining households */
  includeOthers: boolean;
  /** at most this many households per worker per month (null: no limit); the lowest priorities are cut */
  maxHouseholdsPerWorker: number | null;
}

export const DEFAULT_VISIT_PLAN_CONFIG: VisitPlanConfig = {
  months: [11, 12, 1, 2],
  visitsPerMonth: 2,
  includeOthers: false,
  maxHouseholdsPerWorker: null,
};

/** A staff member's assignment to a community from `from` to `to` (inclusive; null = open). */
export interface PlanAssignment {
  staffId: number;
  communityId: number;
  from: BizDate;
  to: BizDate | null;
}

export interface PlanHousehold {
  accountId: number;
  communityId: number;
  /** principal owed on any bill */
  unpaid: boolean;
  /** elderly living alone, disabled, 行动不便, 失能 (or a hardship category until the flags exist) */
  special: boolean;
}

export interface PlanEntry {
  accountId: number;
  communityId: number;
  staffId: number;
  priority: VisitPriority;
  /** visits planned this month */
  target: number;
}

export function monthOf(date: BizDate): YearMonth {
  return date.slice(0, 7);
}

export function monthBounds(month: YearMonth): { first: BizDate; last: BizDate } {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const first = `${month}-01`;
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
  return { first, last: addDays(next, -1) };
}

export function isVisitMonth(month: YearMonth, config: Pick<VisitPlanConfig, "months">): boolean {
  return config.months.includes(Number(month.slice(5, 7)));
}

/** The staff assigned to a community on a date, lowest id first. */
export function assignedOn(assignments: readonly PlanAssignment[], communityId: number, date: BizDate): number[] {
  const ids = assignments
    .filter((a) => a.communityId === communityId && a.from <= date && (a.to === null || a.to >= date))
    .map((a) => a.staffId);
  return [...new Set(ids)].sort((a, b) => a - b);
}

/**
 * A month's visit plan as of a day: each target household goes to a worker assigned to its community on
 * that day (the first day of the month when the plan is built before it; later runs hand the households of
 * a community whose worker changed mid-month to the new worker). A community with several workers is shared
 * out in turn by account id. Priority: unpaid, then special groups, then — when configured — the others;
 * each worker's list is cut at `maxHouseholdsPerWorker` from the lowest priority up. Returns nothing outside
 * the visit months.
 */
export function selectVisitPlan(input: {
  month: YearMonth;
  asOf: BizDate;
  assignments: readonly PlanAssignment[];
  households: readonly PlanHousehold[];
  config: VisitPlanConfig;
}): PlanEntry[] {
  const { month, config } = input;
  if (!isVisitMonth(month, config)) return [];
  const { first, last } = monthBounds(month);
  // dates are "YYYY-MM-DD" strings: clamp by comparison, not Math.min
  let day = input.asOf;
  if (day < first) day = first;
  if (day > last) day = last;
  const rank = (p: VisitPriority) => VISIT_PRIORITIES.indexOf(p);
  const byCommunity = new Map<number, PlanHousehold[]>();
  for (const h of [...input.households].sort((a, b) => a.accountId - b.accountId)) {
    const list = byCommunity.get(h.communityId) ?? [];
    list.push(h);
    byCommunity.set(h.communityId, list);
  }
  const perWorker = new Map<number, PlanEntry[]>();
  for (const [communityId, list] of byCommunity) {
    const staff = assignedOn(input.assignments, communityId, day);
    if (staff.length === 0) continue;
    let turn = 0;
    for (const h of list) {
      const priority: VisitPriority | null = h.unpaid
        ? "unpaid"
        : h.special
          ? "special"
          : config.includeOthers
            ? "other"
            : null;
      if (!priority) continue;
      const staffId = staff[turn % staff.length] as number;
      turn++;
      const entries = perWorker.get(staffId) ?? [];
      entries.push({ accountId: h.accountId, communityId, staffId, priority, target: config.visitsPerMonth });
      perWorker.set(staffId, entries);
    }
  }
  const out: PlanEntry[] = [];
  for (const entries of perWorker.values()) {
    entries.sort((a, b) => rank(a.priority) - rank(b.priority) || a.accountId - b.accountId);
    out.push(...(config.maxHouseholdsPerWorker === null ? entries : entries.slice(0, config.maxHouseholdsPerWorker)));
  }
  return out.sort((a, b) => a.staffId - b.staffId || rank(a.priority) - rank(b.priority) || a.accountId - b.accountId);
}

/** Progress of a plan entry: visits made this month (by anyone) against the target. */
export function planEntryDone(visitsThisMonth: number, target: number): boolean {
  return visitsThisMonth >= target;
}

/** Special-group payment coverage: paid or under a plan, over all special-group households (100 % when none). */
export function coverageRate(covered: number, total: number): number {
  return total === 0 ? 1 : covered / total;
}
