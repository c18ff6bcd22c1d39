import { z } from "zod";
import { PageQuerySchema, pageOf } from "./api/common";
import { LEGAL_CASE_STATES, LEGAL_OUTCOMES } from "./legal";
import { TYPICAL_CASE_STATES } from "./legalTypical";

/** who reviews (approves or rejects) a typical case before it goes on the notice board */
export const TYPICAL_CASE_REVIEWER_ROLES = ["supervisor"] as const;

const BizDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 YYYY-MM-DD");

export const TypicalCaseTextSchema = z.object({
  title: z.string().trim().min(4, "请填写标题").max(60, "标题不能超过60个字"),
  body: z.string().trim().min(10, "请填写正文").max(2000, "正文不能超过2000个字"),
});
export type TypicalCaseTextInput = z.infer<typeof TypicalCaseTextSchema>;
/** drafting: the generated text unless the officer sends an edited one */
export const TypicalCaseDraftSchema = TypicalCaseTextSchema.partial();

export const TypicalCaseRejectSchema = z.object({
  reason: z.string().trim().min(2, "请填写不通过的原因").max(200, "原因最多200字"),
});

export const TypicalCaseViewSchema = z.object({
  id: z.number().int(),
  caseId: z.number().int(),
  caseNo: z.string(),
  communityId: z.number().int(),
  communityName: z.string(),
  title: z.string(),
  body: z.string(),
  state: z.enum(TYPICAL_CASE_STATES),
  stateLabel: z.string(),
  authorName: z.string(),
  reviewerName: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  rejectReason: z.string().nullable(),
  noticeId: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TypicalCaseView = z.infer<typeof TypicalCaseViewSchema>;

/** the case page's panel: the typical case if drafted, else the generated suggestion (closed cases only) */
export const TypicalCaseOfCaseSchema = z.object({
  item: TypicalCaseViewSchema.nullable(),
  suggestion: z.object({ title: z.string(), body: z.string() }).nullable(),
  /** why none can be drafted (the case is not closed) */
  unavailableReason: z.string().nullable(),
});
export type TypicalCaseOfCase = z.infer<typeof TypicalCaseOfCaseSchema>;

export const TypicalCaseQuerySchema = PageQuerySchema.extend({
  state: z.enum(TYPICAL_CASE_STATES).optional(),
});
export const TypicalCasePageSchema = pageOf(TypicalCaseViewSchema);

// ---------------------------------------------------------------------------------------------------------
// reports

export const LegalReportQuerySchema = z
  .object({
    from: BizDate.optional(),
    to: BizDate.optional(),
    /** a heating season (2025-2026): its dates, instead of from/to */
    season: z
      .string()
      .regex(/^\d{4}-\d{4}$/, "供热季格式应为 2025-2026")
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (v.season && (v.from || v.to))
      ctx.addIssue({ code: "custom", path: ["season"], message: "供热季与起止日期只能选一种" });
    if (v.from && v.to && v.from > v.to)
      ctx.addIssue({ code: "custom", path: ["to"], message: "截止日期不能早于起始日期" });
    if (v.season) {
      const [a, b] = v.season.split("-").map(Number);
      if (b !== (a as number) + 1) ctx.addIssue({ code: "custom", path: ["season"], message: "供热季年份应相邻" });
    }
  });
export type LegalReportQuery = z.infer<typeof LegalReportQuerySchema>;

const Compliance = z.object({
  met: z.number().int(),
  counted: z.number().int(),
  late: z.number().int(),
  pending: z.number().int(),
  calendarMissing: z.number().int(),
});

export const LegalReportSchema = z.object({
  /** the range of the cases' opening dates (Asia/Shanghai), null ends when unbounded */
  from: z.string().nullable(),
  to: z.string().nullable(),
  season: z.string().nullable(),
  totalCases: z.number().int(),
  byState: z.array(z.object({ state: z.enum(LEGAL_CASE_STATES), label: z.string(), count: z.number().int() })),
  submit: Compliance,
  litigate: Compliance,
  /** payments on the cases' accounts since each case was opened (refunds deducted), by outcome */
  recovered: z.object({
    totalFen: z.number().int(),
    owedFen: z.number().int(),
    byOutcome: z.array(
      z.object({
        outcome: z.enum([...LEGAL_OUTCOMES, "open"]),
        label: z.string(),
        cases: z.number().int(),
        owedFen: z.number().int(),
        recoveredFen: z.number().int(),
      }),
    ),
  }),
  generatedAt: z.string(),
});
export type LegalReportView = z.infer<typeof LegalReportSchema>;
