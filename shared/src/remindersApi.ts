import { z } from "zod";
import { PageQuerySchema, pageOf } from "./api/common";
import {
  REMINDER_CHANNELS,
  REMINDER_GRADES,
  REMINDER_TEMPLATE_KEYS,
  type ReminderTemplateKey,
  SUPPRESSION_REASONS,
} from "./reminders";

/** who works the reminder desk (campaigns, the ladder view, an account's 催缴记录) */
export const REMINDER_DESK_ROLES = ["hotline_agent", "grid_worker", "legal_officer", "supervisor", "admin"] as const;
/** start / pause / resume / cancel a campaign */
export const REMINDER_CAMPAIGN_ROLES = ["supervisor", "admin"] as const;
/** edit the ladder */
export const REMINDER_LADDER_EDIT_ROLES = ["admin"] as const;
/** send one reminder to one account from the account page */
export const REMINDER_SEND_ONE_ROLES = ["hotline_agent", "supervisor", "admin"] as const;
/** mark / unmark 不宜催缴 */
export const REMINDER_HOLD_ROLES = ["supervisor", "admin"] as const;
/** grid-worker visit tasks: list and mark done (grid workers see their community's only) */
export const VISIT_TASK_ROLES = ["grid_worker", "supervisor", "admin"] as const;

export const REMINDER_STATUSES = ["planned", "sending", "sent", "delivered", "failed", "suppressed"] as const;
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];
export const REMINDER_STATUS_LABELS: Record<ReminderStatus, string> = {
  planned: "待发送",
  sending: "发送中",
  sent: "已发送",
  delivered: "已送达",
  failed: "发送失败",
  suppressed: "已拦截",
};

export const CAMPAIGN_STATES = ["running", "paused", "cancelled", "done"] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];
export const CAMPAIGN_STATE_LABELS: Record<CampaignState, string> = {
  running: "进行中",
  paused: "已暂停",
  cancelled: "已取消",
  done: "已完成",
};
export const CAMPAIGN_KINDS = ["daily", "manual", "single", "promise"] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];

export const VISIT_TASK_SOURCES = ["reminder", "promise", "manual"] as const;
export type VisitTaskSource = (typeof VISIT_TASK_SOURCES)[number];
export const VISIT_TASK_STATUSES = ["open", "done", "cancelled"] as const;
export type VisitTaskStatus = (typeof VISIT_TASK_STATUSES)[number];
export const VISIT_TASK_STATUS_LABELS: Record<VisitTaskStatus, string> = {
  open: "待走访",
  done: "已完成",
  cancelled: "已取消",
};

const Clock = z.string().regex(/^([01]\d|2[0-3]):([0-5]\d)$/, "时间格式应为 HH:MM");

export const LadderStepSchema = z.object({
  key: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{0,31}$/, "步骤标识只能用小写字母、数字和下划线"),
  grade: z.enum(REMINDER_GRADES),
  offsetDays: z.number().int().min(-60).max(3650),
  chain: z.array(z.enum(REMINDER_CHANNELS)).max(3),
  template: z.enum(REMINDER_TEMPLATE_KEYS),
  review: z.boolean().optional(),
});

export const LadderDefinitionSchema = z.object({
  steps: z.array(LadderStepSchema).max(40),
  templates: z.object(
    Object.fromEntries(REMINDER_TEMPLATE_KEYS.map((k) => [k, z.string().max(300)])) as Record<
      ReminderTemplateKey,
      z.ZodString
    >,
  ),
  settings: z.object({
    quietHours: z.object({ start: Clock, end: Clock }),
    minGapDays: z.number().int().max(90),
    ratePerSecond: z.object({ subscribe: z.number().int().max(10_000), sms: z.number().int().max(10_000) }),
  }),
});
export type LadderDefinitionInput = z.infer<typeof LadderDefinitionSchema>;

export const LadderUpdateSchema = z.object({
  definition: LadderDefinitionSchema,
  note: z.string().trim().min(2, "请填写修改说明（至少2个字）").max(200),
});

export const LadderViewSchema = z.object({
  version: z.number().int(),
  definition: LadderDefinitionSchema,
  createdAt: z.string(),
  createdBy: z.number().int().nullable(),
  note: z.string().nullable(),
});

export const CampaignCountsSchema = z.object({
  planned: z.number().int(),
  sending: z.number().int(),
  sent: z.number().int(),
  delivered: z.number().int(),
  failed: z.number().int(),
  suppressed: z.number().int(),
  total: z.number().int(),
});

export const CampaignSchema = z.object({
  id: z.number().int(),
  kind: z.enum(CAMPAIGN_KINDS),
  planDate: z.string(),
  state: z.enum(CAMPAIGN_STATES),
  ladderVersion: z.number().int(),
  startedBy: z.number().int().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  counts: CampaignCountsSchema,
});
export type CampaignView = z.infer<typeof CampaignSchema>;
export const CampaignPageSchema = pageOf(CampaignSchema);
export const CampaignQuerySchema = PageQuerySchema.extend({ state: z.enum(CAMPAIGN_STATES).optional() });

export const ReminderSchema = z.object({
  id: z.number().int(),
  campaignId: z.number().int().nullable(),
  accountId: z.number().int(),
  stepKey: z.string(),
  seasonCode: z.string(),
  grade: z.enum(REMINDER_GRADES).nullable(),
  soft: z.boolean(),
  chain: z.array(z.enum(REMINDER_CHANNELS)),
  template: z.string(),
  status: z.enum(REMINDER_STATUSES),
  channel: z.enum(REMINDER_CHANNELS).nullable(),
  text: z.string().nullable(),
  vendorMessageId: z.string().nullable(),
  owedFen: z.number().int().nullable(),
  suppressionReason: z.enum(SUPPRESSION_REASONS).nullable(),
  failureReason: z.string().nullable(),
  plannedAt: z.string(),
  sentAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  attempts: z
    .array(
      z.object({
        channel: z.string(),
        outcome: z.string(),
        detail: z.string().nullable(),
        vendorMessageId: z.string().nullable(),
        at: z.string(),
      }),
    )
    .optional(),
});
export type ReminderView = z.infer<typeof ReminderSchema>;
export const ReminderPageSchema = pageOf(ReminderSchema);

/** what a resident sees of a reminder sent to them */
export const MyReminderSchema = z.object({
  id: z.number().int(),
  channel: z.enum(REMINDER_CHANNELS).nullable(),
  text: z.string().nullable(),
  sentAt: z.string().nullable(),
});
export const MyRemindersSchema = z.object({ items: z.array(MyReminderSchema) });
export type MyRemindersView = z.infer<typeof MyRemindersSchema>;

/** 欠费提示 on the resident's home and account pages */
export const ArrearsNoticeSchema = z.object({
  accountId: z.number().int(),
  owedFen: z.number().int(),
  lateFeeFen: z.number().int(),
  oldestSeason: z.string().nullable(),
  oldestDueDate: z.string().nullable(),
  asOf: z.string(),
  /** the page of the mini-program the pay button opens */
  payPath: z.string(),
  hotline: z.string(),
  /** a hardship household: how to apply for installments/deferral */
  installmentHint: z.string().nullable(),
});
export type ArrearsNoticeView = z.infer<typeof ArrearsNoticeSchema>;

export const SendOneSchema = z.object({
  note: z.string().trim().max(200).optional(),
});

export const HoldInputSchema = z.object({
  reason: z.string().trim().min(2, "请填写原因（至少2个字）").max(200, "原因不超过200字"),
});
export const HoldSchema = z.object({
  id: z.number().int(),
  accountId: z.number().int(),
  reason: z.string(),
  createdBy: z.number().int(),
  createdAt: z.string(),
  releasedAt: z.string().nullable(),
  releasedBy: z.number().int().nullable(),
  releaseReason: z.string().nullable(),
});
export const AccountReminderStateSchema = z.object({
  hold: HoldSchema.nullable(),
  smsOptedOut: z.boolean(),
});

export const VisitTaskSchema = z.object({
  id: z.number().int(),
  accountId: z.number().int(),
  accountNo: z.string().nullable(),
  address: z.string().nullable(),
  communityId: z.number().int(),
  source: z.enum(VISIT_TASK_SOURCES),
  reminderId: z.number().int().nullable(),
  soft: z.boolean(),
  reason: z.string(),
  dueDate: z.string(),
  status: z.enum(VISIT_TASK_STATUSES),
  doneAt: z.string().nullable(),
  doneBy: z.number().int().nullable(),
  visitId: z.number().int().nullable(),
  note: z.string().nullable(),
});
export const VisitTaskPageSchema = pageOf(VisitTaskSchema);
export const VisitTaskQuerySchema = PageQuerySchema.extend({
  status: z.enum(VISIT_TASK_STATUSES).optional(),
  accountId: z.coerce.number().int().positive().optional(),
});
export const VisitTaskDoneSchema = z.object({
  note: z.string().trim().min(2, "请填写走访情况（至少2个字）").max(500),
});

/** the resident's answer to the arrears subscribe-message request (template WECHAT/ALIPAY_TEMPLATE_ARREARS) */
export const ArrearsConsentSchema = z.object({ accepted: z.boolean() });
export const ArrearsConsentCountSchema = z.object({ remaining: z.number().int() });
/** the arrears template's consents left and its id for the resident's platform (null: none configured) */
export const ArrearsSubscriptionSchema = z.object({
  remaining: z.number().int(),
  templateId: z.string().nullable(),
});
export type ArrearsSubscriptionView = z.infer<typeof ArrearsSubscriptionSchema>;

// ---- 主管复核 (the +90 days review step) ----------------------------------------------------------

/** decide a supervisor review of a long-owing account */
export const REMINDER_REVIEW_ROLES = ["supervisor", "admin"] as const;
export const REVIEW_DECISIONS = ["continue", "hold", "legal_check"] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];
export const REVIEW_DECISION_LABELS: Record<ReviewDecision, string> = {
  continue: "继续催缴",
  hold: "不宜催缴",
  legal_check: "转法务候选核查",
};
export const REVIEW_STATES = ["open", "decided", "all"] as const;
export const ReviewQuerySchema = PageQuerySchema.extend({ state: z.enum(REVIEW_STATES).default("open") });
export const ReviewDecisionSchema = z
  .object({
    decision: z.enum(REVIEW_DECISIONS, { message: "请选择复核结论：继续催缴、不宜催缴或转法务候选核查" }),
    reason: z.string().trim().max(200, "说明不超过200字").optional(),
  })
  .superRefine((v, ctx) => {
    if (v.decision === "hold" && (v.reason ?? "").length < 2)
      ctx.addIssue({ code: "custom", path: ["reason"], message: "标记不宜催缴须填写原因（至少2个字）" });
  });
export type ReviewDecisionInput = z.infer<typeof ReviewDecisionSchema>;

export const ReminderReviewSchema = z.object({
  id: z.number().int(),
  accountId: z.number().int(),
  accountNo: z.string().nullable(),
  address: z.string().nullable(),
  reminderId: z.number().int(),
  grade: z.enum(REMINDER_GRADES).nullable(),
  /** owed when the review was opened, late fee included, fen */
  owedFen: z.number().int(),
  seasonCode: z.string(),
  status: z.enum(["open", "decided"]),
  decision: z.enum(REVIEW_DECISIONS).nullable(),
  reason: z.string().nullable(),
  decidedBy: z.number().int().nullable(),
  decidedAt: z.string().nullable(),
  createdAt: z.string(),
  /** the console page of the legal candidate check of this account */
  legalCheckPath: z.string(),
  /** the account's reminders, newest first (the review's history) */
  history: z.array(ReminderSchema).optional(),
});
export type ReminderReviewView = z.infer<typeof ReminderReviewSchema>;
export const ReminderReviewPageSchema = pageOf(ReminderReviewSchema);
