import { z } from "zod";
import { PageQuerySchema, pageOf } from "./api/common";
import {
  HARDSHIP_APP_CATEGORIES,
  HARDSHIP_APP_STATUSES,
  HARDSHIP_CHANNELS,
  HARDSHIP_PLAN_KINDS,
  HARDSHIP_PLAN_STATUSES,
  HARDSHIP_STATUSES,
} from "./hardship";

/** attachments of an application: certificate photos or a PDF scan */
export const HARDSHIP_ATTACHMENT_LIMITS = {
  maxBytes: 5 * 1024 * 1024,
  types: ["image/jpeg", "image/png", "image/webp", "application/pdf"] as const,
  maxPerApplication: 6,
};

export const HardshipAttachmentSchema = z.object({
  id: z.number().int(),
  url: z.string(),
  mime: z.string(),
  size: z.number().int(),
});
export type HardshipAttachmentView = z.infer<typeof HardshipAttachmentSchema>;

/**
 * Requested or granted terms. Counts and months are checked by the service (termsError), not here, so an
 * out-of-range value gets its own code (HARDSHIP_INSTALMENT_COUNT / HARDSHIP_DEFERRAL_MONTHS).
 */
export const HardshipTermsSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("instalments"), count: z.number({ message: "请选择分期期数" }).int("分期期数应为整数") }),
  z.object({ kind: z.literal("deferral"), months: z.number({ message: "请选择缓缴月数" }).int("缓缴月数应为整数") }),
]);

const Reason = z.string().trim().min(2, "请填写理由（至少2个字）").max(200, "理由不超过200字");

const ApplicationFields = z.object({
  accountId: z.number().int().positive(),
  category: z.enum(HARDSHIP_APP_CATEGORIES, { message: "请选择困难类别" }),
  /** required for 其他困难 */
  categoryReason: z.string().trim().max(200, "说明不超过200字").optional(),
  /** 低保证 / 残疾证 / 特困供养证 number; encrypted at rest, masked in every answer */
  certificateNo: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z-]{4,40}$/, "证件编号格式不正确")
    .optional(),
  terms: HardshipTermsSchema,
  /** the bills it covers; omitted = every unpaid bill of the account */
  billIds: z.array(z.number().int().positive()).max(20).optional(),
  contactPhone: z
    .string()
    .trim()
    .regex(/^1\d{10}$|^0\d{2,3}-?\d{7,8}$/, "联系电话格式不正确"),
  note: z.string().trim().max(500, "备注不超过500字").optional(),
  attachmentIds: z
    .array(z.number().int().positive())
    .max(HARDSHIP_ATTACHMENT_LIMITS.maxPerApplication, "附件最多6个")
    .default([]),
});

export const CreateHardshipApplicationSchema = ApplicationFields.refine(
  (v) => v.category !== "other" || (v.categoryReason ?? "").length >= 2,
  { path: ["categoryReason"], message: "选择“其他困难”时请说明困难情况" },
);
export type CreateHardshipApplicationInput = z.infer<typeof CreateHardshipApplicationSchema>;

/** staff apply on a resident's behalf: the channel is recorded */
export const StaffCreateHardshipApplicationSchema = ApplicationFields.extend({
  channel: z.enum(["hotline", "grid_worker"], { message: "请选择受理渠道" }),
}).refine((v) => v.category !== "other" || (v.categoryReason ?? "").length >= 2, {
  path: ["categoryReason"],
  message: "选择“其他困难”时请说明困难情况",
});
export type StaffCreateHardshipApplicationInput = z.infer<typeof StaffCreateHardshipApplicationSchema>;

export const WithdrawHardshipSchema = z.object({ reason: z.string().trim().max(200).optional() });

export const ReinstatePlanSchema = z.object({ reason: Reason });

export const CommunityReviewSchema = z.object({
  decision: z.enum(["approve", "reject"], { message: "请选择审核结果" }),
  reason: Reason,
});
export type CommunityReviewInput = z.infer<typeof CommunityReviewSchema>;

export const CenterReviewSchema = z.object({
  decision: z.enum(["approve", "reject"], { message: "请选择审核结果" }),
  reason: Reason,
  /** changed terms (within the rules); omitted = as requested */
  terms: HardshipTermsSchema.optional(),
  /** a custom split of the principal (instalments only); must add up exactly to it */
  amountsFen: z.array(z.number().int().positive("每期金额应大于0")).optional(),
});
export type CenterReviewInput = z.infer<typeof CenterReviewSchema>;

export const HardshipEventSchema = z.object({
  id: z.number().int(),
  type: z.string(),
  label: z.string(),
  actorKind: z.string(),
  actorName: z.string().nullable(),
  reason: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  at: z.string(),
});

export const PlanInstalmentSchema = z.object({
  seq: z.number().int(),
  amountFen: z.number().int(),
  dueDate: z.string(),
  paidFen: z.number().int(),
  status: z.enum(["paid", "partial", "unpaid", "late", "missed"]),
});

export const PaymentPlanSchema = z.object({
  id: z.number().int(),
  applicationId: z.number().int(),
  accountId: z.number().int(),
  kind: z.enum(HARDSHIP_PLAN_KINDS),
  status: z.enum(HARDSHIP_PLAN_STATUSES),
  principalFen: z.number().int(),
  paidFen: z.number().int(),
  startDate: z.string(),
  deferredUntil: z.string().nullable(),
  deferralMonths: z.number().int().nullable(),
  lateFeeWaivedFen: z.number().int(),
  billIds: z.array(z.number().int()),
  instalments: z.array(PlanInstalmentSchema),
  reinstated: z.boolean(),
});
export type PaymentPlanView = z.infer<typeof PaymentPlanSchema>;

export const HardshipApplicationSchema = z.object({
  id: z.number().int(),
  applicationNo: z.string(),
  accountId: z.number().int(),
  accountNo: z.string(),
  address: z.string(),
  ownerNameMasked: z.string().nullable(),
  communityId: z.number().int(),
  communityName: z.string().nullable(),
  status: z.enum(HARDSHIP_APP_STATUSES),
  channel: z.enum(HARDSHIP_CHANNELS),
  category: z.enum(HARDSHIP_APP_CATEGORIES),
  categoryReason: z.string().nullable(),
  /** masked: 620*********** */
  certificateNo: z.string().nullable(),
  requestedTerms: HardshipTermsSchema,
  grantedTerms: HardshipTermsSchema.nullable(),
  billIds: z.array(z.number().int()),
  /** what the covered bills' principal came to when the application was made */
  principalFen: z.number().int(),
  /** masked */
  contactPhone: z.string().nullable(),
  note: z.string().nullable(),
  submittedAt: z.string(),
  /** when the step it waits for began (submission or the first review) */
  waitingSince: z.string().nullable(),
  communityReviewerId: z.number().int().nullable(),
  centerReviewerId: z.number().int().nullable(),
  decidedAt: z.string().nullable(),
});
export type HardshipApplicationView = z.infer<typeof HardshipApplicationSchema>;

export const HardshipApplicationDetailSchema = HardshipApplicationSchema.extend({
  attachments: z.array(HardshipAttachmentSchema),
  timeline: z.array(HardshipEventSchema),
  plan: PaymentPlanSchema.nullable(),
  /** what the signed-in staff member may do now */
  actions: z.array(z.enum(["community_review", "center_review", "withdraw", "reinstate"])),
});
export type HardshipApplicationDetail = z.infer<typeof HardshipApplicationDetailSchema>;

export const HardshipQueueQuerySchema = PageQuerySchema.extend({
  status: z.enum(HARDSHIP_APP_STATUSES).optional(),
  communityId: z.coerce.number().int().positive().optional(),
  category: z.enum(HARDSHIP_APP_CATEGORIES).optional(),
  /** waiting at least this many days for the current step */
  minWaitDays: z.coerce.number().int().min(0).max(365).optional(),
  accountId: z.coerce.number().int().positive().optional(),
});

export const HardshipQueuePageSchema = pageOf(HardshipApplicationSchema).extend({
  counts: z.object({ pending_community: z.number().int(), pending_center: z.number().int() }),
});

export const ResidentHardshipListSchema = z.object({ items: z.array(HardshipApplicationSchema) });
export const ResidentHardshipQuerySchema = z.object({ accountId: z.coerce.number().int().positive().optional() });

export const AccountHardshipSchema = z.object({
  accountId: z.number().int(),
  status: z.enum(HARDSHIP_STATUSES),
  applications: z.array(HardshipApplicationSchema),
  plans: z.array(PaymentPlanSchema),
});

/** 困难缓缴/分期汇总: applications by state, plans by state with the money under them */
export const HardshipSummarySchema = z.object({
  applications: z.record(z.enum(HARDSHIP_APP_STATUSES), z.number().int()),
  plans: z.record(
    z.enum(HARDSHIP_PLAN_STATUSES),
    z.object({ count: z.number().int(), principalFen: z.number().int(), lateFeeWaivedFen: z.number().int() }),
  ),
  /** principal of active plans still to be paid (plan principal − paid since approval) */
  outstandingFen: z.number().int(),
  asOf: z.string(),
});
export type HardshipSummary = z.infer<typeof HardshipSummarySchema>;
