import { z } from "zod";
import { AGING_BUCKETS } from "./collection";

/** API of the collection dashboard (issue 16): GET /staff/dashboards/collection[/curve|/accounts], targets. */

const intFromQuery = (label: string, min: number, max: number) =>
  z.coerce
    .number({ message: `${label}应为整数` })
    .int(`${label}应为整数`)
    .min(min, `${label}不能小于${min}`)
    .max(max, `${label}不能大于${max}`);

/** a season code in a query or path (the rules of billing/season.ts, with a Chinese message when it is missing) */
const SeasonCodeParam = z
  .string({ message: "请指定供热季，格式如 2025-2026" })
  .regex(/^(\d{4})-(\d{4})$/, "供热季格式应为 2025-2026")
  .refine((s) => Number(s.slice(5)) === Number(s.slice(0, 4)) + 1, "供热季的两个年份应相邻");

export const CollectionQuerySchema = z.object({ season: SeasonCodeParam });
export type CollectionQuery = z.infer<typeof CollectionQuerySchema>;

export const CollectionAccountsQuerySchema = z.object({
  season: SeasonCodeParam,
  communityId: intFromQuery("小区编号", 1, 2_147_483_647).optional(),
  bucket: z.enum(AGING_BUCKETS, { message: "账龄分组应为 d0_30、d31_90、d91_180 或 d180_plus" }).optional(),
  page: intFromQuery("页码", 1, 100_000).default(1),
  pageSize: intFromQuery("每页条数", 1, 200).default(50),
});
export type CollectionAccountsQuery = z.infer<typeof CollectionAccountsQuerySchema>;

export const SeasonParamSchema = z.object({ season: SeasonCodeParam });

const pct = (label: string) =>
  z
    .number({ message: `${label}应为数字` })
    .min(0, `${label}不能小于0`)
    .max(100, `${label}不能大于100`)
    .refine((v) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-9, `${label}最多保留一位小数`);

export const SeasonTargetsSchema = z.object({
  collection: pct("收费率目标"),
  specialGroupCoverage: pct("特殊群体覆盖率目标"),
  response: pct("30分钟响应率目标"),
  solve: pct("解决率目标"),
  satisfaction: pct("满意率目标"),
});

export const SeasonTargetsViewSchema = z.object({
  seasonCode: z.string(),
  targets: SeasonTargetsSchema,
  /** false when the season has no row yet and the defaults apply */
  configured: z.boolean(),
  updatedAt: z.string().nullable(),
});
export type SeasonTargetsView = z.infer<typeof SeasonTargetsViewSchema>;

const SeasonRefSchema = z.object({
  code: z.string(),
  startDate: z.string(),
  endDate: z.string(),
  dueDate: z.string(),
});

export const CollectionFiguresSchema = z.object({
  households: z.number().int(),
  receivableFen: z.number().int(),
  collectedFen: z.number().int(),
  waivedFen: z.number().int(),
  outstandingFen: z.number().int(),
  /** percent, one decimal; null when nothing is receivable */
  rate: z.number().nullable(),
});
export type CollectionFigures = z.infer<typeof CollectionFiguresSchema>;

export const CollectionGroupRowSchema = CollectionFiguresSchema.extend({
  key: z.string(),
  name: z.string(),
});
export type CollectionGroupRow = z.infer<typeof CollectionGroupRowSchema>;

export const CollectionChannelRowSchema = z.object({
  channel: z.string(),
  name: z.string(),
  /** principal of this season's bills allocated from payments of this channel (before refunds) */
  collectedFen: z.number().int(),
  households: z.number().int(),
});

export const AgingCellSchema = z.object({ households: z.number().int(), outstandingFen: z.number().int() });
/** one cell per bucket of AGING_BUCKETS */
const agingCells = z.object({
  d0_30: AgingCellSchema,
  d31_90: AgingCellSchema,
  d91_180: AgingCellSchema,
  d180_plus: AgingCellSchema,
});

export const AgingRowSchema = z.object({
  communityId: z.number().int(),
  communityName: z.string(),
  households: z.number().int(),
  outstandingFen: z.number().int(),
  buckets: agingCells,
});
export type AgingRow = z.infer<typeof AgingRowSchema>;

export const ForecastSchema = z.object({
  method: z.enum(["season_over", "last_season_shape", "linear"]),
  factor: z.number(),
  projectedFen: z.number().int(),
  projectedRate: z.number().nullable(),
  targetFen: z.number().int(),
  gapFen: z.number().int(),
  averageUnpaidFen: z.number().int(),
  householdsNeeded: z.number().int(),
  reachable: z.boolean(),
  onTrack: z.boolean(),
  explanation: z.string(),
  inputs: z.object({
    receivableFen: z.number().int(),
    collectedFen: z.number().int(),
    day: z.number().int(),
    seasonDays: z.number().int(),
    previous: z.object({ atDayFen: z.number().int(), finalFen: z.number().int() }).nullable(),
    targetPct: z.number(),
    unpaidHouseholds: z.number().int(),
    unpaidFen: z.number().int(),
  }),
  previousSeasonCode: z.string().nullable(),
});

export const CollectionDashboardSchema = z.object({
  season: SeasonRefSchema,
  /** the Shanghai date the figures are as of */
  asOf: z.string(),
  targets: SeasonTargetsSchema,
  targetPct: z.number(),
  totals: CollectionFiguresSchema,
  byCommunity: z.array(CollectionGroupRowSchema),
  byStation: z.array(CollectionGroupRowSchema),
  byCategory: z.array(CollectionGroupRowSchema),
  byHardship: z.array(CollectionGroupRowSchema),
  byChannel: z.array(CollectionChannelRowSchema),
  /** arrears (principal outstanding on bills of this season and earlier) by community and age */
  aging: z.array(AgingRowSchema),
  agingTotals: agingCells,
  topArrears: z.array(AgingRowSchema),
  forecast: ForecastSchema,
});
export type CollectionDashboard = z.infer<typeof CollectionDashboardSchema>;

export const CurvePointSchema = z.object({ day: z.number().int(), date: z.string(), cumulativeFen: z.number().int() });
export const CollectionCurveSchema = z.object({
  season: SeasonRefSchema,
  previous: SeasonRefSchema.nullable(),
  asOf: z.string(),
  /** today's day of season (day 1 = the start date; pre-season days are ≤ 0) */
  day: z.number().int(),
  receivableFen: z.number().int(),
  previousReceivableFen: z.number().int().nullable(),
  current: z.array(CurvePointSchema),
  previousCurve: z.array(CurvePointSchema),
});
export type CollectionCurve = z.infer<typeof CollectionCurveSchema>;

export const ArrearsAccountSchema = z.object({
  accountId: z.number().int(),
  accountNo: z.string(),
  ownerName: z.string(),
  communityId: z.number().int(),
  communityName: z.string(),
  address: z.string(),
  hardshipCategory: z.string(),
  outstandingFen: z.number().int(),
  oldestDueDate: z.string(),
  bucket: z.enum(AGING_BUCKETS),
});
export const ArrearsAccountPageSchema = z.object({
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  items: z.array(ArrearsAccountSchema),
});
export type ArrearsAccountPage = z.infer<typeof ArrearsAccountPageSchema>;
