/**
 * The 三率 (plus the plan's 办结率) as the county measures them: one place for the definitions that the
 * report computes (tickets/rates.ts), the console shows (a help line per rate) and the exports write
 * (a definitions sheet / rows). Pure: no I/O.
 *
 * Sources: the county plan (30分钟以内响应, 办结率超98%, 回访满意度达100%) and 12345 hotline practice (三率:
 * 响应率, 解决率, 满意率, counted monthly; 基本满意 counts towards 满意; a requester who cannot be reached after
 * documented attempts is left out of the rates that need an answer). Where the plan is silent the numbers
 * below are practice defaults (see DOMAIN.md "Practice").
 */
import { shanghaiDate } from "./billing/dates";

/** The four rates, in the order the report shows them. */
export const SERVICE_RATE_KEYS = ["response", "completion", "solve", "satisfaction"] as const;
export type ServiceRateKey = (typeof SERVICE_RATE_KEYS)[number];

/** The 无法联系 rule: a follow-up is recorded 无法联系 only after this many failed calls on this many days. */
export const UNREACHABLE_RULE = { minAttempts: 3, minDays: 2 } as const;
/** The handling result must reach the resident (follow-up call or SMS) within this long after 处理完成. */
export const REPLY_LIMIT_HOURS = 48;

/** The counts of a report row (see SERVICE_RATE_COUNT_LABELS). */
export type ServiceRateCountField = keyof typeof SERVICE_RATE_COUNT_LABELS;

export interface ServiceRateDefinition {
  key: ServiceRateKey;
  /** 响应率 … */
  name: string;
  /** the row fields: rate = numerator / denominator (null when the denominator is 0) */
  rateField: "responseRate" | "completionRate" | "solveRate" | "satisfactionRate";
  numeratorField: ServiceRateCountField;
  denominatorField: ServiceRateCountField;
  /** the plan's target, when it sets one */
  target: string | null;
  numerator: string;
  denominator: string;
  /** one sentence: what counts, and what is left out */
  rule: string;
}

export const SERVICE_RATE_DEFINITIONS: readonly ServiceRateDefinition[] = [
  {
    key: "response",
    name: "响应率",
    rateField: "responseRate",
    numeratorField: "respondedInTime",
    denominatorField: "responseDue",
    target: "30分钟以内响应",
    numerator: "及时响应数：首次处理周期内，在响应时限（30分钟服务时间，居民原因暂停的时间不计）内首次联系诉求人的工单",
    denominator: "应响应数：有效工单中，已首次联系或响应时限已过的工单（时限未到且尚未联系的不计入）",
    rule: "重新处理不重新计算响应；时限以首次处理周期为准。",
  },
  {
    key: "completion",
    name: "办结率",
    rateField: "completionRate",
    numeratorField: "completed",
    denominatorField: "completionDue",
    target: "超98%",
    numerator: `按时办结数：当前处理周期在处理时限（一般1小时、较大4小时、重大8小时）内处理完成，且处理完成后${REPLY_LIMIT_HOURS}小时内把结果答复诉求人（回访电话联系上，或按无法联系规则以短信答复）的工单`,
    denominator: "应办结数：有效工单中，已按时办结或处理/答复时限已过的工单（时限未到的不计入）",
    rule: "办结不以满意为条件；回访不满意重新处理的工单，以新一轮处理是否按时办结为准。",
  },
  {
    key: "solve",
    name: "解决率",
    rateField: "solveRate",
    numeratorField: "solved",
    denominatorField: "followedUp",
    target: null,
    numerator: "已解决数：最近一次联系上的回访中，诉求人表示问题已解决的工单",
    denominator: "回访联系上数：最近一次回访联系上诉求人的工单（无法联系、尚未回访的不计入）",
    rule: "旧回访记录没有单独的“是否解决”时，以“是否满意”的回答代替。",
  },
  {
    key: "satisfaction",
    name: "满意率",
    rateField: "satisfactionRate",
    numeratorField: "satisfied",
    denominatorField: "followedUp",
    target: "回访满意度100%",
    numerator: "满意数：最近一次联系上的回访中，评价为满意或基本满意的工单（基本满意计入满意，并单列）",
    denominator: "回访联系上数：同解决率",
    rule: "无法联系、尚未回访的工单不计入。",
  },
];

export const SERVICE_RATE_DEFINITION: Record<ServiceRateKey, ServiceRateDefinition> = Object.fromEntries(
  SERVICE_RATE_DEFINITIONS.map((d) => [d.key, d]),
) as Record<ServiceRateKey, ServiceRateDefinition>;

/** Rules that apply to all four rates. */
export const SERVICE_RATE_SCOPE: readonly string[] = [
  "统计对象：提交时间（北京时间）在统计区间内的工单，按报表生成时的处理结果计算。",
  "合并重复：已合并到其他工单同一事件中的重复工单不计入任何比率（由主工单计入），单列“合并重复”数。",
  `无法联系：回访时累计至少${UNREACHABLE_RULE.minAttempts}次呼叫未接通，且分布在至少${UNREACHABLE_RULE.minDays}个不同日期（北京时间），并逐次记录时间的，方可记为“无法联系”；` +
    "无法联系的工单不计入解决率、满意率的分子分母，单列“无法联系”数；处理结果已按时以短信答复的，计为已答复（可计入按时办结）。" +
    "不满足上述条件的“无法联系”记录视为尚未回访。",
];

// --- reading a follow-up record ---

/** 满意 / 基本满意 / 不满意 */
export const SATISFACTION_LEVELS = ["satisfied", "basic", "unsatisfied"] as const;
export type SatisfactionLevel = (typeof SATISFACTION_LEVELS)[number];
export const SATISFACTION_LEVEL_LABELS: Record<SatisfactionLevel, string> = {
  satisfied: "满意",
  basic: "基本满意",
  unsatisfied: "不满意",
};

/**
 * The data of a "followed_up" event as the rates read it. Today's records carry `satisfied` (boolean) and
 * `score`; the fields marked "new" are what the follow-up form needs to record for the full definitions
 * (absent on old records, read as noted):
 * - outcome (new): "reached" | "unreachable"; absent = reached;
 * - solved (new): the resident says the problem is solved; absent = the `satisfied` answer;
 * - level (new): satisfied | basic | unsatisfied; absent = satisfied ? "satisfied" : "unsatisfied";
 * - attempts (new, unreachable): the failed calls, ISO instants;
 * - smsAt (new, unreachable): when the handling result was sent to the resident by SMS, ISO instant.
 */
export type FollowUpReading =
  | { kind: "reached"; solved: boolean; level: SatisfactionLevel }
  /** 无法联系 that meets UNREACHABLE_RULE; smsAt when the result was sent by SMS */
  | { kind: "unreachable"; smsAt: Date | null }
  /** recorded 无法联系 without the documented attempts the rule asks for: the follow-up is not done */
  | { kind: "incomplete" };

function instant(v: unknown): Date | null {
  if (typeof v !== "string" && !(v instanceof Date)) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Whether failed call attempts meet the 无法联系 rule (enough calls, on enough different Shanghai dates). */
export function meetsUnreachableRule(attempts: readonly Date[]): boolean {
  if (attempts.length < UNREACHABLE_RULE.minAttempts) return false;
  return new Set(attempts.map((a) => shanghaiDate(a))).size >= UNREACHABLE_RULE.minDays;
}

export function readFollowUp(data: Record<string, unknown> | null | undefined): FollowUpReading {
  const d = data ?? {};
  if (d.outcome === "unreachable") {
    const attempts = Array.isArray(d.attempts) ? d.attempts.map(instant).filter((a): a is Date => a !== null) : [];
    if (!meetsUnreachableRule(attempts)) return { kind: "incomplete" };
    return { kind: "unreachable", smsAt: instant(d.smsAt) };
  }
  const satisfied = d.satisfied === true;
  const level: SatisfactionLevel = (SATISFACTION_LEVELS as readonly unknown[]).includes(d.level)
    ? (d.level as SatisfactionLevel)
    : satisfied
      ? "satisfied"
      : "unsatisfied";
  const solved = typeof d.solved === "boolean" ? d.solved : satisfied;
  return { kind: "reached", solved, level };
}

// --- the columns of the report (page and exports) ---

/** The counts of a report row, labelled as the page and the exports label them. */
export const SERVICE_RATE_COUNT_LABELS = {
  tickets: "工单数",
  duplicates: "合并重复",
  responseDue: "应响应",
  respondedInTime: "及时响应",
  completionDue: "应办结",
  completed: "按时办结",
  followedUp: "回访联系上",
  solved: "已解决",
  satisfied: "满意（含基本满意）",
  basicSatisfied: "其中基本满意",
  unreachable: "无法联系",
} as const;

/** "及时响应 ÷ 应响应" */
export function rateFormula(d: ServiceRateDefinition): string {
  return `${SERVICE_RATE_COUNT_LABELS[d.numeratorField]} ÷ ${SERVICE_RATE_COUNT_LABELS[d.denominatorField]}`;
}

/** The definitions as rows of text (the exports' 指标定义 block / sheet): [指标, 计算, 分子, 分母, 说明, 目标]. */
export const SERVICE_RATE_DEFINITION_HEADER = ["指标", "计算", "分子", "分母", "说明", "县方案目标"] as const;
export function serviceRateDefinitionRows(): string[][] {
  return SERVICE_RATE_DEFINITIONS.map((d) => [
    d.name,
    rateFormula(d),
    d.numerator,
    d.denominator,
    d.rule,
    d.target ?? "",
  ]);
}
