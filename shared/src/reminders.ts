import { type BizDate, daysBetween, shanghaiDate, shanghaiMidnight } from "./billing/dates";
import { formatYuan } from "./billing/money";
import type { HardshipCategory } from "./account";
import type { HardshipStatus } from "./hardship";

/**
 * 欠费智能提醒 / 分级催缴 (issue 13): the pure rules of the arrears reminder ladder — grading, the soft track,
 * the ladder model and its validation, quiet hours, the one-per-N-days window and the texts. No I/O.
 */

// ---- grading -------------------------------------------------------------------------------------

/** 提醒 (due soon / just overdue) → 催缴 (> 30 days) → 重点 (> 90 days or a large amount) → 严重 (> 6 months) */
export const REMINDER_GRADES = ["notice", "overdue", "key", "serious"] as const;
export type ReminderGrade = (typeof REMINDER_GRADES)[number];
export const REMINDER_GRADE_LABELS: Record<ReminderGrade, string> = {
  notice: "提醒",
  overdue: "催缴",
  key: "重点",
  serious: "严重",
};

export interface GradeThresholds {
  /** reminders start this many days before the due date (提醒 before due) */
  dueSoonDays: number;
  /** days past the due date of the oldest unpaid amount from which an account is 催缴 */
  overdueDays: number;
  /** … 重点 */
  keyDays: number;
  /** … 严重 */
  seriousDays: number;
  /** an account owing at least this much (fen, late fee included) that is 催缴 is graded 重点 */
  keyAmountFen: number;
  /** owing less than this (fen) is not reminded at all (rounding remainders) */
  minOwedFen: number;
}

export const DEFAULT_GRADE_THRESHOLDS: GradeThresholds = {
  dueSoonDays: 7,
  overdueDays: 30,
  keyDays: 90,
  seriousDays: 180,
  keyAmountFen: 500_000,
  minOwedFen: 100,
};

export interface ArrearsState {
  /** due date of the oldest bill with unpaid principal */
  oldestDueDate: BizDate;
  /** total owed now: principal + late fee of every unpaid bill, fen */
  owedFen: number;
}

/** days the oldest unpaid amount is past due on `asOf` (negative before the due date) */
export function arrearsAge(s: ArrearsState, asOf: BizDate): number {
  return daysBetween(s.oldestDueDate, asOf);
}

/**
 * The grade of an account on `asOf`, or null when it is not to be reminded (nothing or almost nothing
 * owed, or the oldest due date is further away than `dueSoonDays`). A day counts as "more than N days
 * overdue" from the N-th day after the due date on: age ≥ overdueDays is 催缴.
 */
export function gradeOf(s: ArrearsState, asOf: BizDate, t: GradeThresholds): ReminderGrade | null {
  if (s.owedFen < t.minOwedFen || s.owedFen <= 0) return null;
  const age = arrearsAge(s, asOf);
  if (age < -t.dueSoonDays) return null;
  if (age >= t.seriousDays) return "serious";
  if (age >= t.keyDays) return "key";
  if (age >= t.overdueDays) return s.owedFen >= t.keyAmountFen ? "key" : "overdue";
  return "notice";
}

// ---- soft track ----------------------------------------------------------------------------------

/**
 * The soft track (informative texts only, never 催缴 wording, visit tasks as 关怀走访): a household with a
 * hardship category on the register, with any hardship status but none (an application under review,
 * a plan or deferral, also a defaulted plan — still a hardship household), or with an open complaint
 * about heating quality. Plans in good standing (plan_active, deferred) are not reminded at all: see
 * `suppressionOf`.
 */
export interface SoftTrackInput {
  hardshipCategory: HardshipCategory;
  hardshipStatus: HardshipStatus;
  openHeatingComplaint: boolean;
}

export function isSoftTrack(i: SoftTrackInput): boolean {
  return i.hardshipCategory !== "none" || i.hardshipStatus !== "none" || i.openHeatingComplaint;
}

// ---- suppression (checked right before sending) --------------------------------------------------

export const SUPPRESSION_REASONS = [
  "paid",
  "do_not_remind",
  "open_complaint",
  "hardship_plan",
  "min_gap",
  "opted_out",
  "no_channel",
  "campaign_cancelled",
  "account_inactive",
] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];
export const SUPPRESSION_REASON_LABELS: Record<SuppressionReason, string> = {
  paid: "已缴清（发送前复核）",
  do_not_remind: "已标记不宜催缴",
  open_complaint: "有未办结的服务诉求",
  hardship_plan: "困难缓缴/分期计划正常履行中",
  min_gap: "距上次提醒不足规定天数",
  opted_out: "用户已退订全部可用渠道",
  no_channel: "无可用的提醒渠道",
  campaign_cancelled: "批次已取消",
  account_inactive: "户号已销户或停用",
};

export interface SendCheckInput {
  owedFen: number;
  minOwedFen: number;
  doNotRemind: boolean;
  openServiceComplaint: boolean;
  hardshipStatus: HardshipStatus;
  /** Shanghai date of the last reminder actually sent to the account (another one), if any */
  lastSentDate: BizDate | null;
  today: BizDate;
  minGapDays: number;
}

/** The first reason not to send now, in a fixed order, or null. */
export function suppressionOf(i: SendCheckInput): SuppressionReason | null {
  if (i.owedFen < i.minOwedFen || i.owedFen <= 0) return "paid";
  if (i.doNotRemind) return "do_not_remind";
  if (i.openServiceComplaint) return "open_complaint";
  if (i.hardshipStatus === "plan_active" || i.hardshipStatus === "deferred") return "hardship_plan";
  if (!gapAllows(i.lastSentDate, i.today, i.minGapDays)) return "min_gap";
  return null;
}

/** at most one reminder per account per N days: the last one was sent at least N calendar days before */
export function gapAllows(lastSentDate: BizDate | null, today: BizDate, minGapDays: number): boolean {
  if (!lastSentDate) return true;
  return daysBetween(lastSentDate, today) >= minGapDays;
}

// ---- quiet hours ---------------------------------------------------------------------------------

/** "HH:MM" in Asia/Shanghai */
export type ClockTime = string;
const CLOCK_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isClockTime(s: string): boolean {
  return CLOCK_RE.test(s);
}

function minutesOf(t: ClockTime): number {
  const m = CLOCK_RE.exec(t);
  if (!m) throw new Error(`not a time: ${t}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export interface QuietHours {
  start: ClockTime;
  end: ClockTime;
}

/** Minutes since Shanghai midnight of an instant. */
function shanghaiMinutes(at: Date): number {
  const ms = at.getTime() - shanghaiMidnight(shanghaiDate(at)).getTime();
  return Math.floor(ms / 60_000);
}

/** True when `at` is inside the window [start, end) (the window may cross midnight). */
export function inQuietHours(at: Date, q: QuietHours): boolean {
  const s = minutesOf(q.start);
  const e = minutesOf(q.end);
  const m = shanghaiMinutes(at);
  return s < e ? m >= s && m < e : m >= s || m < e;
}

/**
 * When a message due at `at` may go: `at` itself outside quiet hours, else the end of the window (the
 * same Shanghai day when it is after midnight, the next day when it is before midnight).
 */
export function nextSendableAt(at: Date, q: QuietHours): Date {
  if (!inQuietHours(at, q)) return at;
  const e = minutesOf(q.end);
  const day = shanghaiDate(at);
  const endToday = new Date(shanghaiMidnight(day).getTime() + e * 60_000);
  if (endToday.getTime() > at.getTime()) return endToday;
  return new Date(endToday.getTime() + 86_400_000);
}

/** The instant of a Shanghai date at a clock time. */
export function shanghaiAt(date: BizDate, time: ClockTime): Date {
  return new Date(shanghaiMidnight(date).getTime() + minutesOf(time) * 60_000);
}

/** The next instant strictly after `now` at the given Shanghai clock time (the daily planning turn). */
export function nextDailyTurn(now: Date, time: ClockTime): Date {
  const today = shanghaiAt(shanghaiDate(now), time);
  return today.getTime() > now.getTime() ? today : new Date(today.getTime() + 86_400_000);
}

// ---- the ladder ----------------------------------------------------------------------------------

export const REMINDER_CHANNELS = ["subscribe", "sms", "visit_task"] as const;
export type ReminderChannel = (typeof REMINDER_CHANNELS)[number];
export const REMINDER_CHANNEL_LABELS: Record<ReminderChannel, string> = {
  subscribe: "小程序订阅消息",
  sms: "短信",
  visit_task: "网格员走访任务",
};

export const REMINDER_TEMPLATE_KEYS = ["before_due", "due", "overdue", "serious", "soft", "promise"] as const;
export type ReminderTemplateKey = (typeof REMINDER_TEMPLATE_KEYS)[number];
export const REMINDER_TEMPLATE_LABELS: Record<ReminderTemplateKey, string> = {
  before_due: "到期前提醒",
  due: "到期提醒",
  overdue: "逾期催缴",
  serious: "严重欠费催缴",
  soft: "困难/有诉求户告知（柔性）",
  promise: "承诺缴费日提醒",
};

/** the placeholders a template may use; `{installmentHint}` is required in the soft template */
export const TEMPLATE_PLACEHOLDERS = [
  "accountNo",
  "amount",
  "lateFee",
  "season",
  "asOf",
  "payPath",
  "hotline",
  "bankWindows",
  "installmentHint",
] as const;
export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number];
export const REQUIRED_PLACEHOLDERS: readonly TemplatePlaceholder[] = ["amount", "season", "payPath", "hotline"];

export interface LadderStep {
  /** stable id of the step: the reminder's unique key is (account, step key, season) */
  key: string;
  grade: ReminderGrade;
  /** days relative to the due date of the oldest unpaid amount (−7: a week before) */
  offsetDays: number;
  /** tried in this order until one delivers; a sub-sequence of subscribe → sms → visit_task */
  chain: ReminderChannel[];
  template: ReminderTemplateKey;
  /** +90 days: the visit task asks for a supervisor's review (主管复核) */
  review?: boolean;
}

export interface LadderSettings {
  quietHours: QuietHours;
  /** at most one reminder per account per this many days */
  minGapDays: number;
  /** messages per second per channel */
  ratePerSecond: { subscribe: number; sms: number };
}

export interface LadderDefinition {
  steps: LadderStep[];
  templates: Record<ReminderTemplateKey, string>;
  settings: LadderSettings;
}

export const REMINDER_HOTLINE = "0936-4466666";
export const REMINDER_PAY_PATH = "“暖线”小程序 → 我的户号 → 账单 → 去缴费";
export const REMINDER_BANK_WINDOWS = "各银行供热缴费专窗及社区服务站";
export const REMINDER_INSTALLMENT_HINT =
  "如家庭确有困难，可在小程序“困难缓缴/分期申请”或到社区申请分期、缓缴，审核通过后免缴滞纳金";

export const DEFAULT_REMINDER_TEMPLATES: Record<ReminderTemplateKey, string> = {
  before_due:
    "温馨提示：您的供热户号{accountNo}{season}供热费{amount}将于近日到期，可通过{payPath}缴纳，也可到{bankWindows}办理。咨询电话{hotline}。",
  due: "您的供热户号{accountNo}截至{asOf}应缴{season}供热费{amount}（含滞纳金{lateFee}），请及时通过{payPath}或到{bankWindows}缴纳。咨询电话{hotline}。",
  overdue:
    "您的供热户号{accountNo}自{season}起欠缴供热费，截至{asOf}共计{amount}（含滞纳金{lateFee}），滞纳金按日累计，请尽快通过{payPath}或到{bankWindows}缴清。咨询电话{hotline}。",
  serious:
    "您的供热户号{accountNo}自{season}起欠缴供热费已超过6个月，截至{asOf}共计{amount}（含滞纳金{lateFee}）。请立即通过{payPath}或到{bankWindows}缴清，如有异议请致电{hotline}。",
  soft: "您好，您的供热户号{accountNo}{season}起尚有供热费{amount}未缴（截至{asOf}）。{installmentHint}。缴费方式：{payPath}，或到{bankWindows}办理；咨询电话{hotline}。",
  promise:
    "您好，您承诺于今日缴纳的供热户号{accountNo}供热费（{season}起，截至{asOf}共计{amount}）可通过{payPath}或到{bankWindows}缴纳。咨询电话{hotline}。",
};

/** The ladder the system starts with (stored as data, editable by an administrator). */
export function defaultLadder(settings: LadderSettings): LadderDefinition {
  return {
    steps: [
      { key: "notice_m7", grade: "notice", offsetDays: -7, chain: ["subscribe"], template: "before_due" },
      { key: "notice_0", grade: "notice", offsetDays: 0, chain: ["subscribe", "sms"], template: "due" },
      { key: "notice_15", grade: "notice", offsetDays: 15, chain: ["sms"], template: "due" },
      {
        key: "overdue_30",
        grade: "overdue",
        offsetDays: 30,
        chain: ["subscribe", "sms", "visit_task"],
        template: "overdue",
      },
      { key: "overdue_60", grade: "overdue", offsetDays: 60, chain: ["subscribe", "sms"], template: "overdue" },
      { key: "key_30", grade: "key", offsetDays: 30, chain: ["sms", "visit_task"], template: "overdue" },
      {
        key: "key_90",
        grade: "key",
        offsetDays: 90,
        chain: ["sms", "visit_task"],
        template: "overdue",
        review: true,
      },
      { key: "serious_180", grade: "serious", offsetDays: 180, chain: ["sms", "visit_task"], template: "serious" },
    ],
    templates: { ...DEFAULT_REMINDER_TEMPLATES },
    settings,
  };
}

/** A problem found in a ladder: a stable code (shared/src/errors.ts) and where. */
export interface LadderIssue {
  code:
    | "LADDER_STEPS_OVERLAP"
    | "LADDER_STEPS_OUT_OF_ORDER"
    | "LADDER_STEP_OUTSIDE_GRADE"
    | "LADDER_CHAIN_INVALID"
    | "LADDER_QUIET_HOURS_EMPTY"
    | "LADDER_RATE_INVALID"
    | "LADDER_TEMPLATE_PLACEHOLDER_MISSING"
    | "LADDER_TEMPLATE_PLACEHOLDER_UNKNOWN"
    | "LADDER_EMPTY";
  path: string;
  detail?: string;
}

/** placeholders used by a template text ("{amount}" → "amount") */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
}

/** The lowest age (days past due) at which a grade can hold. */
function gradeFloor(g: ReminderGrade, t: GradeThresholds): number {
  return { notice: -t.dueSoonDays, overdue: t.overdueDays, key: t.overdueDays, serious: t.seriousDays }[g];
}
/** The first age at which a grade can no longer hold (Infinity: never ends). */
function gradeCeiling(g: ReminderGrade, t: GradeThresholds): number {
  return { notice: t.overdueDays, overdue: t.keyDays, key: t.seriousDays, serious: Number.POSITIVE_INFINITY }[g];
}

/**
 * Every problem of a ladder (empty: valid). Within a grade, steps must be listed by increasing offset
 * (out of order) and no two may share an offset or a key (overlap: both would be due the same day);
 * each offset must lie where the grade can hold; a chain is a non-empty sub-sequence of
 * subscribe → sms → visit_task; quiet hours must not be an empty window; rates are ≥ 1; every template
 * has the required placeholders (the soft one also {installmentHint}) and no unknown ones.
 */
export function validateLadder(l: LadderDefinition, t: GradeThresholds): LadderIssue[] {
  const issues: LadderIssue[] = [];
  if (l.steps.length === 0) issues.push({ code: "LADDER_EMPTY", path: "steps" });
  const keys = new Set<string>();
  l.steps.forEach((s, i) => {
    const path = `steps.${i}`;
    if (keys.has(s.key)) issues.push({ code: "LADDER_STEPS_OVERLAP", path, detail: `步骤标识 ${s.key} 重复` });
    keys.add(s.key);
    const order = s.chain.map((c) => REMINDER_CHANNELS.indexOf(c));
    const increasing = order.every((o, j) => o >= 0 && (j === 0 || o > (order[j - 1] as number)));
    if (s.chain.length === 0 || !increasing) {
      issues.push({ code: "LADDER_CHAIN_INVALID", path: `${path}.chain`, detail: s.chain.join("→") });
    }
    if (s.offsetDays < gradeFloor(s.grade, t) || s.offsetDays >= gradeCeiling(s.grade, t)) {
      issues.push({
        code: "LADDER_STEP_OUTSIDE_GRADE",
        path: `${path}.offsetDays`,
        detail: `${REMINDER_GRADE_LABELS[s.grade]}：${s.offsetDays}天`,
      });
    }
  });
  for (const g of REMINDER_GRADES) {
    const inGrade = l.steps.map((s, i) => ({ s, i })).filter((x) => x.s.grade === g);
    const seen = new Set<number>();
    for (const { s, i } of inGrade) {
      if (seen.has(s.offsetDays)) {
        issues.push({
          code: "LADDER_STEPS_OVERLAP",
          path: `steps.${i}.offsetDays`,
          detail: `${REMINDER_GRADE_LABELS[g]}：两个步骤都在第${s.offsetDays}天`,
        });
      }
      seen.add(s.offsetDays);
    }
    for (let j = 1; j < inGrade.length; j++) {
      const prev = inGrade[j - 1] as { s: LadderStep; i: number };
      const cur = inGrade[j] as { s: LadderStep; i: number };
      if (cur.s.offsetDays < prev.s.offsetDays) {
        issues.push({
          code: "LADDER_STEPS_OUT_OF_ORDER",
          path: `steps.${cur.i}.offsetDays`,
          detail: `${REMINDER_GRADE_LABELS[g]}：第${cur.s.offsetDays}天排在第${prev.s.offsetDays}天之后`,
        });
      }
    }
  }
  const q = l.settings.quietHours;
  if (!isClockTime(q.start) || !isClockTime(q.end) || q.start === q.end) {
    issues.push({ code: "LADDER_QUIET_HOURS_EMPTY", path: "settings.quietHours", detail: `${q.start}–${q.end}` });
  }
  for (const c of ["subscribe", "sms"] as const) {
    const r = l.settings.ratePerSecond[c];
    if (!Number.isInteger(r) || r < 1) {
      issues.push({ code: "LADDER_RATE_INVALID", path: `settings.ratePerSecond.${c}`, detail: String(r) });
    }
  }
  if (!Number.isInteger(l.settings.minGapDays) || l.settings.minGapDays < 1) {
    issues.push({ code: "LADDER_RATE_INVALID", path: "settings.minGapDays", detail: String(l.settings.minGapDays) });
  }
  for (const key of REMINDER_TEMPLATE_KEYS) {
    const text = l.templates[key] ?? "";
    const used = new Set(placeholdersOf(text));
    const required = key === "soft" ? [...REQUIRED_PLACEHOLDERS, "installmentHint"] : REQUIRED_PLACEHOLDERS;
    const missing = required.filter((p) => !used.has(p));
    if (missing.length) {
      issues.push({
        code: "LADDER_TEMPLATE_PLACEHOLDER_MISSING",
        path: `templates.${key}`,
        detail: missing.map((p) => `{${p}}`).join(" "),
      });
    }
    const unknown = [...used].filter((p) => !(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(p));
    if (unknown.length) {
      issues.push({
        code: "LADDER_TEMPLATE_PLACEHOLDER_UNKNOWN",
        path: `templates.${key}`,
        detail: unknown.map((p) => `{${p}}`).join(" "),
      });
    }
  }
  return issues;
}

/**
 * The step due for an account of grade `grade` on `asOf`: the last step of that grade whose offset has
 * been reached, as long as the next step of the grade has not (a step missed on its day — a new
 * account, a planning turn that did not run — is still planned late, but never a superseded one).
 * Whether it was planned before is the unique key's business, not this function's.
 */
export function dueStep(steps: readonly LadderStep[], grade: ReminderGrade, age: number): LadderStep | null {
  const inGrade = steps.filter((s) => s.grade === grade).sort((a, b) => a.offsetDays - b.offsetDays);
  let due: LadderStep | null = null;
  for (const s of inGrade) if (s.offsetDays <= age) due = s;
  return due;
}

/** The text template a step uses for an account: the soft track always gets the informative one. */
export function templateFor(step: Pick<LadderStep, "template">, soft: boolean): ReminderTemplateKey {
  return soft ? "soft" : step.template;
}

/** The chain for an account: unchanged (the soft track's visit task is a 关怀走访, see visitReason). */
export function visitReason(step: Pick<LadderStep, "grade" | "review">, soft: boolean): string {
  if (soft) return "困难关怀走访：了解家庭情况，介绍困难缓缴/分期政策";
  if (step.review) return `欠费${REMINDER_GRADE_LABELS[step.grade]}户：主管复核并上门催缴沟通`;
  return `欠费${REMINDER_GRADE_LABELS[step.grade]}户：上门催缴沟通`;
}

// ---- texts ---------------------------------------------------------------------------------------

export interface ReminderTextInput {
  accountNo: string;
  /** owed on `asOf`, late fee included, fen */
  amountFen: number;
  lateFeeFen: number;
  /** the oldest season with an unpaid amount, e.g. "2025-2026" */
  season: string;
  asOf: BizDate;
}

/** 2026-12-03 → 2026年12月3日 */
export function chineseDate(d: BizDate): string {
  const [y, m, day] = d.split("-");
  return `${y}年${Number(m)}月${Number(day)}日`;
}

/** "2025-2026" → "2025-2026供热季" */
export function seasonLabel(code: string): string {
  return `${code}供热季`;
}

/** Fills a template; unknown placeholders stay as they are (validation refuses them beforehand). */
export function renderReminder(template: string, i: ReminderTextInput): string {
  const values: Record<TemplatePlaceholder, string> = {
    accountNo: i.accountNo,
    amount: formatYuan(i.amountFen),
    lateFee: formatYuan(i.lateFeeFen),
    season: seasonLabel(i.season),
    asOf: chineseDate(i.asOf),
    payPath: REMINDER_PAY_PATH,
    hotline: REMINDER_HOTLINE,
    bankWindows: REMINDER_BANK_WINDOWS,
    installmentHint: REMINDER_INSTALLMENT_HINT,
  };
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? values[name as TemplatePlaceholder] : whole,
  );
}

/** the SMS template a reminder goes out with (the SMS platform approves fixed texts): by tone */
export type ReminderSmsTone = "arrears_notice" | "arrears_overdue" | "arrears_soft";
export function smsToneOf(template: ReminderTemplateKey): ReminderSmsTone {
  if (template === "soft") return "arrears_soft";
  if (template === "overdue" || template === "serious") return "arrears_overdue";
  return "arrears_notice";
}
