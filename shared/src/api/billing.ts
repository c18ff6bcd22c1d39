import { z } from "zod";
import { ACCOUNT_CATEGORIES } from "../account";
import { BILL_STATUSES } from "../billing/bill";
import { isBizDate } from "../billing/dates";
import { SeasonCodeSchema } from "../billing/season";

const BizDateSchema = z.string().refine(isBizDate, "日期格式应为 YYYY-MM-DD");

/** What someone owes on a bill right now (late fee brought up to today, Asia/Shanghai). */
export const BillSchema = z.object({
  id: z.number().int(),
  accountId: z.number().int(),
  seasonCode: z.string(),
  category: z.enum(ACCOUNT_CATEGORIES),
  /** m² */
  heatedArea: z.number(),
  unitPriceFen: z.number().int(),
  suspended: z.boolean(),
  amountFen: z.number().int(),
  paidFen: z.number().int(),
  waivedFen: z.number().int(),
  lateFeeFen: z.number().int(),
  lateFeePaidFen: z.number().int(),
  lateFeeWaivedFen: z.number().int(),
  lateFeeExempt: z.boolean(),
  /**
   * why the bill has relief (已减免): the newest reason recorded with a waiver or a hardship plan's late-fee
   * exemption, e.g. "困难群众分期免缴滞纳金（申请 KN20261203-000012）"; null when it never had any
   */
  reliefReason: z.string().nullable(),
  /** principal + late fee owed now */
  owedFen: z.number().int(),
  dueDate: z.string(),
  overdueDays: z.number().int(),
  status: z.enum(BILL_STATUSES),
  asOf: z.string(),
});
export type BillView = z.infer<typeof BillSchema>;

/**
 * 已减免 and why, for both apps: a bill shows it while it has relief — late fees exempt under a hardship plan,
 * or principal / late fee waived — and a recorded reason; null otherwise.
 */
export function billRelief(
  b: Pick<BillView, "reliefReason" | "lateFeeExempt" | "waivedFen" | "lateFeeWaivedFen">,
): { label: "已减免"; reason: string } | null {
  if (!b.reliefReason) return null;
  if (!b.lateFeeExempt && b.waivedFen <= 0 && b.lateFeeWaivedFen <= 0) return null;
  return { label: "已减免", reason: b.reliefReason };
}
export const BillListSchema = z.object({
  items: z.array(BillSchema),
  /** everything owed on these bills now */
  totalOwedFen: z.number().int(),
});

export const TariffInputSchema = z.object({
  category: z.enum(ACCOUNT_CATEGORIES),
  unitPriceFen: z.number().int().min(1, "单价应大于 0").max(100_000, "单价过高"),
  suspensionShareBp: z.number().int().min(0).max(10_000).default(3_000),
});

export const CreateSeasonSchema = z.object({
  code: SeasonCodeSchema,
  dueDate: BizDateSchema.optional(),
  lateFeeRateBp: z.number().int().min(0, "滞纳金比例不能为负").max(100, "滞纳金比例过高").default(5),
  lateFeeCapBp: z.number().int().min(0).max(10_000).default(10_000),
  tariffs: z.array(TariffInputSchema).min(1, "至少需要一个收费标准"),
});
export type CreateSeasonInput = z.infer<typeof CreateSeasonSchema>;

export const SeasonSchema = z.object({
  id: z.number().int(),
  code: z.string(),
  startDate: z.string(),
  endDate: z.string(),
  dueDate: z.string(),
  lateFeeRateBp: z.number().int(),
  lateFeeCapBp: z.number().int(),
  status: z.string(),
  tariffs: z.array(TariffInputSchema.required()),
  /** bills issued for it: a season without any may still be deleted (created by mistake) */
  billCount: z.number().int(),
});
export const SeasonListSchema = z.object({ items: z.array(SeasonSchema) });

export const BillRunSchema = z.object({
  id: z.number().int(),
  seasonId: z.number().int(),
  status: z.enum(["queued", "running", "done", "failed"]),
  total: z.number().int(),
  processed: z.number().int(),
  created: z.number().int(),
  skipped: z.number().int(),
  error: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type BillRunView = z.infer<typeof BillRunSchema>;

export const WaiveSchema = z
  .object({
    principalFen: z.number().int().min(0).default(0),
    lateFeeFen: z.number().int().min(0).default(0),
    reason: z.string().trim().min(4, "请填写减免原因（至少4个字）").max(200),
  })
  .refine((v) => v.principalFen + v.lateFeeFen > 0, { message: "减免金额应大于 0", path: ["lateFeeFen"] });
export type WaiveInput = z.infer<typeof WaiveSchema>;

/** 账单更正: an issued bill's heated area is corrected, with a reason; the amount follows from the bill's tariff */
export const BillCorrectSchema = z.object({
  heatedArea: z
    .number({ message: "请填写供热面积" })
    .positive("供热面积必须大于0")
    .max(100_000, "供热面积不合理")
    .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, "面积最多两位小数"),
  reason: z.string().trim().min(4, "请填写更正原因（至少4个字）").max(200),
});
export type BillCorrectInput = z.infer<typeof BillCorrectSchema>;

export const BillCorrectionSchema = z.object({
  id: z.number().int(),
  billId: z.number().int(),
  seasonCode: z.string(),
  oldArea: z.number(),
  newArea: z.number(),
  oldAmountFen: z.number().int(),
  newAmountFen: z.number().int(),
  oldLateFeeFen: z.number().int(),
  newLateFeeFen: z.number().int(),
  reason: z.string(),
  staffName: z.string().nullable(),
  createdAt: z.string(),
});
export type BillCorrectionView = z.infer<typeof BillCorrectionSchema>;
export const BillCorrectionListSchema = z.object({ items: z.array(BillCorrectionSchema) });
