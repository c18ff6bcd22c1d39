import { addDays, type BizDate, isBizDate } from "./billing/dates";
import { addMonthsClamped, HARDSHIP_PROTECTED, HARDSHIP_STATUS_LABELS, type HardshipStatus } from "./hardship";
import { VISIT_POSITION_LABELS, type VisitKind, type VisitPosition } from "./visits";
import { CalendarYearMissingError, type WorkCalendar } from "./workdays";

/**
 * 恶意欠费移交法务 (issue 15): the candidate rule, the state machine of legal cases, the court deadlines on the
 * Chinese working-day calendar and the anonymized typical-case summary. Pure: the server gathers the facts.
 */

// ---------------------------------------------------------------------------------------------------------
// the candidate rule

export interface LegalRuleConfig {
  /** the oldest unpaid principal must have been due more than this many months before the day (6) */
  minArrearsMonths: number;
  /** documented home communications on different days (2) */
  minVisits: number;
}
export const DEFAULT_LEGAL_RULE: LegalRuleConfig = { minArrearsMonths: 6, minVisits: 2 };

/** one current (not corrected) home visit of the account */
export interface LegalVisitFact {
  /** Asia/Shanghai date of the visit */
  date: BizDate;
  /** ordering within a day (the instant, ISO) */
  at: string;
  kind: VisitKind;
  position: VisitPosition | null;
}

export interface LegalCandidateFacts {
  /** unpaid principal of the account (late fee excluded) */
  unpaidPrincipalFen: number;
  /** due date of the oldest bill with principal unpaid; null when nothing is */
  oldestUnpaidDueDate: BizDate | null;
  visits: readonly LegalVisitFact[];
  /** the account's hardship category flag (困难类别), "none" when none */
  hardshipCategory: string;
  hardshipStatus: HardshipStatus;
  /** service complaints on the account not closed yet */
  openComplaints: number;
  /** readings this season below the floor that no later reading at or above the floor has answered */
  unresolvedColdReadings: number;
  /** 不宜催缴 mark standing */
  doNotRemind: boolean;
}

export const LEGAL_CONDITIONS = [
  "arrears_age",
  "visits",
  "refusal",
  "no_hardship",
  "no_complaint",
  "no_cold_room",
  "not_held",
] as const;
export type LegalCondition = (typeof LEGAL_CONDITIONS)[number];
export const LEGAL_CONDITION_LABELS: Record<LegalCondition, string> = {
  arrears_age: "欠费超过期限",
  visits: "入户催缴沟通次数",
  refusal: "最近一次表态为拒绝缴费",
  no_hardship: "无经济困难情形",
  no_complaint: "无未办结的服务诉求",
  no_cold_room: "本季无未解决的室温不达标",
  not_held: "未标记不宜催缴",
};

export interface LegalReason {
  condition: LegalCondition;
  met: boolean;
  /** why, in Chinese, for the screen */
  text: string;
}

export interface LegalCandidateResult {
  candidate: boolean;
  /** every condition with whether it holds (the screen shows both sides) */
  reasons: LegalReason[];
  /** qualifying visits counted on distinct days */
  visitDays: number;
  lastPosition: VisitPosition | null;
  /** whole months between the oldest unpaid due date and the day (0 when nothing is unpaid) */
  arrearsMonths: number;
}

/** a visit counts as a documented communication: 催缴沟通, or any visit where the resident refused to pay */
export function isLegalVisit(v: Pick<LegalVisitFact, "kind" | "position">): boolean {
  return v.kind === "collection" || v.position === "refuses";
}

function wholeMonths(from: BizDate, to: BizDate): number {
  if (to <= from) return 0;
  let n = 0;
  while (addMonthsClamped(from, n + 1) <= to) n++;
  return n;
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

/**
 * Whether an account is a malicious-arrears candidate (恶意欠费候选) on `asOf`: every condition of DOMAIN.md
 * must hold. Each condition is reported met or not, with its reason.
 */
export function legalCandidateCheck(
  f: LegalCandidateFacts,
  asOf: BizDate,
  cfg: LegalRuleConfig = DEFAULT_LEGAL_RULE,
): LegalCandidateResult {
  if (!isBizDate(asOf)) throw new RangeError(`not a date: ${asOf}`);
  const reasons: LegalReason[] = [];
  const limit = addMonthsClamped(asOf, -cfg.minArrearsMonths);
  const due = f.unpaidPrincipalFen > 0 ? f.oldestUnpaidDueDate : null;
  const ageOk = due !== null && due < limit;
  reasons.push({
    condition: "arrears_age",
    met: ageOk,
    text:
      due === null
        ? "没有未缴本金"
        : `未缴本金 ${yuan(f.unpaidPrincipalFen)} 元，最早应缴日 ${due}${ageOk ? "，" : "，未"}超过${cfg.minArrearsMonths}个月`,
  });

  const qualifying = f.visits.filter(isLegalVisit);
  const days = new Set(qualifying.map((v) => v.date)).size;
  reasons.push({
    condition: "visits",
    met: days >= cfg.minVisits,
    text: `入户催缴沟通 ${days} 天次（需不同日期至少 ${cfg.minVisits} 次）`,
  });

  const withPosition = [...f.visits]
    .filter((v) => v.position !== null)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const last = withPosition.at(-1) ?? null;
  const lastPosition = last?.position ?? null;
  reasons.push({
    condition: "refusal",
    met: lastPosition === "refuses",
    text:
      last === null
        ? "从未记录住户的缴费态度"
        : `最近一次表态（${last.date}）：${VISIT_POSITION_LABELS[last.position ?? "other"]}`,
  });

  const protectedStatus = HARDSHIP_PROTECTED.includes(f.hardshipStatus);
  const category = f.hardshipCategory !== "none" && f.hardshipCategory !== "";
  reasons.push({
    condition: "no_hardship",
    met: !protectedStatus && !category,
    text: category
      ? "该户登记有困难类别（困难不拒缴，应引导分期/缓缴）"
      : protectedStatus
        ? `困难帮扶：${HARDSHIP_STATUS_LABELS[f.hardshipStatus]}`
        : "无困难类别、申请、分期或缓缴",
  });
  reasons.push({
    condition: "no_complaint",
    met: f.openComplaints === 0,
    text: f.openComplaints === 0 ? "无未办结的服务诉求" : `有 ${f.openComplaints} 件未办结的服务诉求`,
  });
  reasons.push({
    condition: "no_cold_room",
    met: f.unresolvedColdReadings === 0,
    text:
      f.unresolvedColdReadings === 0
        ? "本季无未解决的低于标准室温的测温记录"
        : "本季有低于标准室温且尚未复测达标的记录",
  });
  reasons.push({
    condition: "not_held",
    met: !f.doNotRemind,
    text: f.doNotRemind ? "该户已标记不宜催缴" : "未标记不宜催缴",
  });
  return {
    candidate: reasons.every((r) => r.met),
    reasons,
    visitDays: days,
    lastPosition,
    arrearsMonths: due === null ? 0 : wholeMonths(due, asOf),
  };
}

// ---------------------------------------------------------------------------------------------------------
// cases

export const LEGAL_CASE_STATES = ["pending_review", "approved", "exported", "filed", "litigating", "closed"] as const;
export type LegalCaseState = (typeof LEGAL_CASE_STATES)[number];
export const LEGAL_CASE_STATE_LABELS: Record<LegalCaseState, string> = {
  pending_review: "待审查",
  approved: "已批准移交",
  exported: "材料已导出",
  filed: "已提交法院",
  litigating: "已立案/诉讼中",
  closed: "结案",
};
export const OPEN_LEGAL_CASE_STATES: readonly LegalCaseState[] = LEGAL_CASE_STATES.filter((s) => s !== "closed");

export const LEGAL_OUTCOMES = ["paid_in_full", "settled_plan", "judgment", "withdrawn"] as const;
export type LegalOutcome = (typeof LEGAL_OUTCOMES)[number];
export const LEGAL_OUTCOME_LABELS: Record<LegalOutcome, string> = {
  paid_in_full: "已全额缴清",
  settled_plan: "和解并签订分期计划",
  judgment: "法院判决",
  withdrawn: "撤回",
};

export const LEGAL_ACTIONS = ["approve", "export", "file", "register", "close"] as const;
export type LegalAction = (typeof LEGAL_ACTIONS)[number];

/**
 * The state machine. Filing is allowed from 已批准移交 as well as 材料已导出: the materials may be compiled
 * outside the system (the litigation packet is optional evidence, not a gate). A case can be closed from any
 * open state (paid in full or withdrawn before filing); 判决 only once the court has registered the case.
 */
const FROM: Record<LegalAction, readonly LegalCaseState[]> = {
  approve: ["pending_review"],
  export: ["approved", "exported"],
  file: ["approved", "exported"],
  register: ["filed"],
  close: ["pending_review", "approved", "exported", "filed", "litigating"],
};
const TO: Record<Exclude<LegalAction, "close">, LegalCaseState> = {
  approve: "approved",
  export: "exported",
  file: "filed",
  register: "litigating",
};

/** the state after an action, or null when the action is not allowed in `state` */
export function legalTransition(
  state: LegalCaseState,
  action: LegalAction,
  outcome?: LegalOutcome,
): LegalCaseState | null {
  if (!FROM[action].includes(state)) return null;
  if (action === "close") {
    if (!outcome) return null;
    if (outcome === "judgment" && state !== "litigating") return null;
    return "closed";
  }
  return TO[action];
}

export const LEGAL_EVENT_KINDS = [
  "opened",
  "approved",
  "exported",
  "filed",
  "registered",
  "closed",
  "payment",
  "hardship_application",
  "complaint",
  "note",
  "final_notice_generated",
  "final_notice_sent",
] as const;
export type LegalEventKind = (typeof LEGAL_EVENT_KINDS)[number];
export const LEGAL_EVENT_LABELS: Record<LegalEventKind, string> = {
  opened: "立案审查（由候选转入）",
  approved: "批准移交法务",
  exported: "导出诉讼材料",
  filed: "已提交法院",
  registered: "法院立案",
  closed: "结案",
  payment: "案件期间收到缴费",
  hardship_application: "案件期间提出困难申请",
  complaint: "案件期间新增诉求",
  note: "备注",
  final_notice_generated: "生成催告函",
  final_notice_sent: "发送催告函",
};

/** A filing date must lie between the approval date and today (both inclusive). */
export function filingDateError(
  filedOn: BizDate,
  approvedOn: BizDate,
  today: BizDate,
): "before_approval" | "future" | null {
  if (filedOn < approvedOn) return "before_approval";
  if (filedOn > today) return "future";
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// deadlines

export interface LegalDeadlineConfig {
  /** submit to court within this many working days of approval (5个工作日内提交法院) */
  submitWorkdays: number;
  /** start litigation within this many calendar days of approval (一周内启动诉讼程序) */
  litigateDays: number;
  /** working days left at which the "due soon" alert is raised */
  warnWorkdays: number;
}
export const DEFAULT_LEGAL_DEADLINES: LegalDeadlineConfig = { submitWorkdays: 5, litigateDays: 7, warnWorkdays: 2 };

export const LEGAL_DEADLINE_KINDS = ["submit", "litigate"] as const;
export type LegalDeadlineKind = (typeof LEGAL_DEADLINE_KINDS)[number];
export const LEGAL_DEADLINE_LABELS: Record<LegalDeadlineKind, string> = {
  submit: "提交法院",
  litigate: "启动诉讼",
};

export type LegalDeadlineDue =
  | { kind: LegalDeadlineKind; due: BizDate }
  | { kind: LegalDeadlineKind; missingYear: number };

/**
 * The deadlines from an approval on `approvedOn`:
 * - submit: the `submitWorkdays`-th working day after approval (the approval day never counts);
 * - litigate: `litigateDays` calendar days after approval; when that day is a rest day or holiday the period
 *   ends on the next working day (民事诉讼法 第八十五条: 期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期).
 * Either refuses with `missingYear` when a day it must look at lies in a year without holiday data — never
 * plain Mon–Fri.
 */
export function legalDeadlines(cal: WorkCalendar, approvedOn: BizDate, cfg: LegalDeadlineConfig): LegalDeadlineDue[] {
  const one = (kind: LegalDeadlineKind, f: () => BizDate): LegalDeadlineDue => {
    try {
      return { kind, due: f() };
    } catch (err) {
      const year = missingYearOf(err);
      if (year === null) throw err;
      return { kind, missingYear: year };
    }
  };
  return [
    one("submit", () => cal.addWorkdays(approvedOn, cfg.submitWorkdays)),
    one("litigate", () => {
      cal.dayKind(approvedOn);
      return cal.nextWorkdayOnOrAfter(addDays(approvedOn, cfg.litigateDays));
    }),
  ];
}

/** the missing year of the pure refusal or of the server's AppError CALENDAR_YEAR_MISSING (details.year) */
function missingYearOf(err: unknown): number | null {
  if (err instanceof CalendarYearMissingError) return err.year;
  const e = err as { code?: unknown; details?: { year?: unknown } } | null;
  if (e && e.code === "CALENDAR_YEAR_MISSING" && typeof e.details?.year === "number") return e.details.year;
  return null;
}

export const LEGAL_DEADLINE_STATES = ["open", "due_soon", "breached", "met", "late", "calendar_missing"] as const;
export type LegalDeadlineState = (typeof LEGAL_DEADLINE_STATES)[number];
export const LEGAL_DEADLINE_STATE_LABELS: Record<LegalDeadlineState, string> = {
  open: "进行中",
  due_soon: "即将到期",
  breached: "已超期",
  met: "按期完成",
  late: "超期完成",
  calendar_missing: "节假日数据缺失",
};

export interface LegalDeadlineStatus {
  state: LegalDeadlineState;
  /** working days after today up to and including the due day; null when done, breached or not computable */
  workdaysLeft: number | null;
}

/**
 * Where a deadline stands on `today`: done on or before the due day = met, after = late; not done: breached
 * after the due day, due soon with `warnWorkdays` or fewer working days left, else open. Counting the days
 * left needs the calendar too: a missing year there gives calendar_missing.
 */
export function legalDeadlineStatus(
  cal: WorkCalendar,
  d: LegalDeadlineDue,
  doneOn: BizDate | null,
  today: BizDate,
  warnWorkdays: number,
): LegalDeadlineStatus {
  if (!("due" in d)) return { state: "calendar_missing", workdaysLeft: null };
  if (doneOn) return { state: doneOn <= d.due ? "met" : "late", workdaysLeft: null };
  if (today > d.due) return { state: "breached", workdaysLeft: null };
  let left: number;
  try {
    left = cal.workdaysBetween(today, d.due);
  } catch (err) {
    if (missingYearOf(err) === null) throw err;
    return { state: "calendar_missing", workdaysLeft: null };
  }
  return { state: left <= warnWorkdays ? "due_soon" : "open", workdaysLeft: left };
}

// ---------------------------------------------------------------------------------------------------------
// typical-case notices (曝光典型案例)

export interface TypicalCaseInput {
  ownerName: string;
  communityName: string;
  buildingName: string | null;
  /** the arrears the case was about */
  amountFen: number;
  outcome: LegalOutcome;
  closedOn: BizDate;
}

/** The surname only: the first character (复姓 such as 欧阳 keep both characters), then 某. */
export function surnameOnly(name: string): string {
  const n = name.trim();
  if (!n) return "某";
  const two = COMPOUND_SURNAMES.find((s) => n.startsWith(s));
  return `${two ?? [...n][0]}某`;
}
const COMPOUND_SURNAMES = [
  "欧阳",
  "司马",
  "上官",
  "诸葛",
  "东方",
  "皇甫",
  "尉迟",
  "公孙",
  "慕容",
  "令狐",
  "长孙",
  "宇文",
  "司徒",
  "夏侯",
  "轩辕",
  "端木",
  "独孤",
  "南宫",
  "西门",
  "申屠",
];

/**
 * The anonymized summary of a closed case for the community notice board: surname only, community and
 * building only (no unit, no room, no account number, no ID), amount and outcome.
 */
export function typicalCaseSummary(c: TypicalCaseInput): string {
  const where = `${c.communityName}${c.buildingName ? c.buildingName : ""}`;
  return `${where}住户${surnameOnly(c.ownerName)}，经两次以上入户沟通仍拒绝缴纳供热费，累计欠费 ${yuan(
    c.amountFen,
  )} 元，供热中心依法移交法务处理。结果：${LEGAL_OUTCOME_LABELS[c.outcome]}（${c.closedOn}）。`;
}
