import { addDays, type BizDate, daysBetween } from "./billing/dates";

/**
 * 收费率看板 (issue 16): the pure rules behind the collection dashboard. The server gathers the sums with
 * set-based SQL; everything that is a rule (what counts, the aging buckets, the forecast) lives here and is
 * unit-tested on a hand-worked table (collection.test.ts).
 *
 * What counts (all in integer fen, principal only: late fees are neither receivable nor collected here):
 * - receivable (应收) = the principal of the season's bills (`bills.amount_fen`, suspended bills at their base fee);
 * - collected (实收) = the principal paid on them (`bills.paid_fen`, net of refunds);
 * - waived (减免) = the principal waived on them (`bills.waived_fen`). Waivers are NOT collected: no money came in,
 *   and the 97 % target (95.3 % last year) is a cash figure the task force compares year on year. Counting
 *   waivers as collected would let relief decisions raise the rate. They are shown beside the rate instead, and
 *   they stay in the receivable (a waiver does not make a bill smaller, it settles part of it without money);
 * - outstanding (欠费) = receivable − collected − waived.
 */

/** The targets of a season, in percent with at most one decimal (issue 16; 三率 keys as in serviceRates.ts). */
export interface SeasonTargets {
  /** 收费率 */
  collection: number;
  /** 特殊群体缴费保障覆盖率 */
  specialGroupCoverage: number;
  /** 30 分钟响应率 (SERVICE_RATE key "response") */
  response: number;
  /** 解决率 (SERVICE_RATE key "solve") */
  solve: number;
  /** 回访满意率 (SERVICE_RATE key "satisfaction") */
  satisfaction: number;
}
export const SEASON_TARGET_KEYS = ["collection", "specialGroupCoverage", "response", "solve", "satisfaction"] as const;
export const DEFAULT_SEASON_TARGETS: SeasonTargets = {
  collection: 97,
  specialGroupCoverage: 100,
  response: 100,
  solve: 98,
  satisfaction: 100,
};
export const SEASON_TARGET_LABELS: Record<keyof SeasonTargets, string> = {
  collection: "收费率",
  specialGroupCoverage: "特殊群体缴费保障覆盖率",
  response: "30分钟响应率",
  solve: "解决率",
  satisfaction: "回访满意率",
};

/** collected / receivable in percent with one decimal (half up); null when nothing is receivable. */
export function collectionRate(collectedFen: number, receivableFen: number): number | null {
  if (receivableFen <= 0) return null;
  // integer permille first, so 96.95 % rounds to 97.0 % without floating surprises
  const permille = Math.floor((collectedFen * 1000 * 2 + receivableFen) / (receivableFen * 2));
  return permille / 10;
}

/** The fen that must be collected in all to reach `targetPct` of the receivable (rounded up to the fen). */
export function targetFen(receivableFen: number, targetPct: number): number {
  const permille = Math.round(targetPct * 10);
  return Math.ceil((receivableFen * permille) / 1000);
}

// --- arrears aging (欠费账龄) ---

export const AGING_BUCKETS = ["d0_30", "d31_90", "d91_180", "d180_plus"] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];
export const AGING_BUCKET_LABELS: Record<AgingBucket, string> = {
  d0_30: "30天以内",
  d31_90: "31–90天",
  d91_180: "91–180天",
  d180_plus: "180天以上",
};

/**
 * The bucket of an account in arrears, by the due date of its oldest unpaid bill, as of a Shanghai date.
 * Days overdue = asOf − due date (a bill due yesterday is 1 day overdue); a bill not yet due counts as 0 days.
 * ≤ 30 → d0_30, 31–90 → d31_90, 91–180 → d91_180, > 180 → d180_plus.
 */
export function agingBucket(oldestDueDate: BizDate, asOf: BizDate): AgingBucket {
  const days = Math.max(0, daysBetween(oldestDueDate, asOf));
  if (days <= 30) return "d0_30";
  if (days <= 90) return "d31_90";
  if (days <= 180) return "d91_180";
  return "d180_plus";
}

/**
 * The same buckets as due-date bounds, for SQL: a due date ≥ `d0_30` is in d0_30, ≥ `d31_90` in d31_90,
 * ≥ `d91_180` in d91_180, anything older in d180_plus (dates compare as YYYY-MM-DD strings).
 */
export function agingCutoffs(asOf: BizDate): { d0_30: BizDate; d31_90: BizDate; d91_180: BizDate } {
  return { d0_30: addDays(asOf, -30), d31_90: addDays(asOf, -90), d91_180: addDays(asOf, -180) };
}

// --- day of season ---

/** Day 1 is the season's start date; days before the start (pre-season payments) are 0, −1, … */
export function dayOfSeason(startDate: BizDate, date: BizDate): number {
  return daysBetween(startDate, date) + 1;
}

/** Number of days of a season, start and end date included. */
export function seasonLength(startDate: BizDate, endDate: BizDate): number {
  return daysBetween(startDate, endDate) + 1;
}

// --- forecast (预测) ---

export interface ForecastInput {
  receivableFen: number;
  /** collected so far (principal) */
  collectedFen: number;
  /** today's day of season (clamped by the rule to 1 … seasonDays) */
  day: number;
  seasonDays: number;
  /** last season's cumulative principal collected at the same day of season and at its last day; null when none */
  previous: { atDayFen: number; finalFen: number } | null;
  targetPct: number;
  /** households with principal outstanding on this season's bills, and the sum of it */
  unpaidHouseholds: number;
  unpaidFen: number;
}

export type ForecastMethod = "season_over" | "last_season_shape" | "linear";

export interface Forecast {
  method: ForecastMethod;
  /** the factor applied to collectedFen (final/day-N of last season, or seasonDays/day) */
  factor: number;
  projectedFen: number;
  projectedRate: number | null;
  targetFen: number;
  /** what is still missing to the target today (0 when reached) */
  gapFen: number;
  /** mean outstanding principal of the unpaid households (0 when none) */
  averageUnpaidFen: number;
  /** households that must still pay in full (at the mean) to reach the target */
  householdsNeeded: number;
  /** false when even all unpaid households paying would not reach the target */
  reachable: boolean;
  /** whether the projection reaches the target */
  onTrack: boolean;
  explanation: string;
  inputs: ForecastInput;
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

/**
 * Where the season ends at the current pace, and how many households must still pay to reach the target.
 *
 * - season over (day ≥ seasonDays): the projection is what was collected;
 * - last season exists and had collected something by the same day: collected × (last season's final / last
 *   season's day-N figure) — this season is assumed to follow last season's shape from here on;
 * - otherwise linear: collected × seasonDays / day.
 * The projection is capped at the receivable. Households needed = ⌈gap / mean outstanding of unpaid households⌉:
 * "if the average unpaid household paid in full, how many of them are still needed".
 */
export function forecastCollection(input: ForecastInput): Forecast {
  const day = Math.min(Math.max(1, input.day), input.seasonDays);
  let method: ForecastMethod;
  let factor: number;
  if (input.day >= input.seasonDays) {
    method = "season_over";
    factor = 1;
  } else if (input.previous && input.previous.atDayFen > 0) {
    method = "last_season_shape";
    factor = input.previous.finalFen / input.previous.atDayFen;
  } else {
    method = "linear";
    factor = input.seasonDays / day;
  }
  const projectedFen = Math.min(input.receivableFen, Math.round(input.collectedFen * factor));
  const target = targetFen(input.receivableFen, input.targetPct);
  const gapFen = Math.max(0, target - input.collectedFen);
  const averageUnpaidFen = input.unpaidHouseholds > 0 ? Math.round(input.unpaidFen / input.unpaidHouseholds) : 0;
  const householdsNeeded = gapFen === 0 ? 0 : averageUnpaidFen > 0 ? Math.ceil(gapFen / averageUnpaidFen) : 0;
  const reachable = gapFen === 0 || input.unpaidFen >= gapFen;
  const projectedRate = collectionRate(projectedFen, input.receivableFen);
  const how =
    method === "season_over"
      ? "供热季已结束，预测即实收"
      : method === "last_season_shape"
        ? `按上季同期进度推算：上季第${day}天实收${yuan(input.previous?.atDayFen ?? 0)}元，季末${yuan(input.previous?.finalFen ?? 0)}元，系数${factor.toFixed(3)}`
        : `按当前进度线性推算：第${day}天/共${input.seasonDays}天，系数${factor.toFixed(3)}`;
  const need =
    gapFen === 0
      ? `已达到${input.targetPct}%目标`
      : `距${input.targetPct}%目标还差${yuan(gapFen)}元，按欠费户平均欠费${yuan(averageUnpaidFen)}元计，还需约${householdsNeeded}户缴清${reachable ? "" : "（全部欠费户缴清也无法达到）"}`;
  return {
    method,
    factor,
    projectedFen,
    projectedRate,
    targetFen: target,
    gapFen,
    averageUnpaidFen,
    householdsNeeded,
    reachable,
    onTrack: projectedFen >= target,
    explanation: `${how}，预计季末实收${yuan(projectedFen)}元（${projectedRate ?? 0}%）；${need}。`,
    inputs: input,
  };
}
