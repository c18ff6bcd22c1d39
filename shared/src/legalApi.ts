import { z } from "zod";
import { PageQuerySchema, pageOf } from "./api/common";
import {
  LEGAL_CASE_STATES,
  LEGAL_CONDITIONS,
  LEGAL_DEADLINE_KINDS,
  LEGAL_DEADLINE_STATES,
  LEGAL_EVENT_KINDS,
  LEGAL_OUTCOMES,
} from "./legal";
import { VISIT_POSITIONS } from "./visits";

/** the 法务 desk: candidates, cases, deadlines (legal officers and the supervisors) */
export const LEGAL_DESK_ROLES = ["legal_officer", "supervisor"] as const;
/** who may approve a transfer is configured (LEGAL_APPROVER_ROLE): supervisor or legal_officer */
export const LEGAL_APPROVER_ROLES = ["supervisor", "legal_officer"] as const;
export type LegalApproverRole = (typeof LEGAL_APPROVER_ROLES)[number];

/** the audience of the legal officers' alerts in the inbox */
export const LEGAL_AUDIENCE = "legal";

const BizDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 YYYY-MM-DD");

export const LegalReasonSchema = z.object({
  condition: z.enum(LEGAL_CONDITIONS),
  met: z.boolean(),
  text: z.string(),
});

export const LegalCandidateSchema = z.object({
  accountId: z.number().int(),
  accountNo: z.string(),
  /** masked */
  ownerName: z.string(),
  communityName: z.string(),
  address: z.string(),
  owedFen: z.number().int(),
  principalFen: z.number().int(),
  oldestDueDate: z.string().nullable(),
  arrearsMonths: z.number().int(),
  visitDays: z.number().int(),
  lastPosition: z.enum(VISIT_POSITIONS).nullable(),
  candidate: z.boolean(),
  reasons: z.array(LegalReasonSchema),
  /** the day of the evaluation (the daily job's run or now) */
  evaluatedOn: z.string(),
  /** an open case exists for the account */
  openCaseId: z.number().int().nullable(),
});
export type LegalCandidateView = z.infer<typeof LegalCandidateSchema>;
export const LegalCandidatePageSchema = pageOf(LegalCandidateSchema);
export const LegalCandidateQuerySchema = PageQuerySchema.extend({
  communityId: z.coerce.number().int().positive().optional(),
});

export const LegalDismissSchema = z.object({
  reason: z.string().trim().min(2, "请填写不移交的原因").max(200, "原因最多200字"),
});
export const LegalOpenSchema = z.object({
  accountId: z.number().int().positive({ message: "编号无效" }),
  note: z.string().trim().max(500).optional(),
});

export const LegalDeadlineSchema = z.object({
  kind: z.enum(LEGAL_DEADLINE_KINDS),
  /** null when the calendar lacks a year (state calendar_missing) */
  dueDate: z.string().nullable(),
  missingYear: z.number().int().nullable(),
  state: z.enum(LEGAL_DEADLINE_STATES),
  workdaysLeft: z.number().int().nullable(),
  doneOn: z.string().nullable(),
});

export const LegalEventSchema = z.object({
  id: z.number().int(),
  kind: z.enum(LEGAL_EVENT_KINDS),
  label: z.string(),
  actorName: z.string().nullable(),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const LegalCaseSchema = z.object({
  id: z.number().int(),
  caseNo: z.string(),
  accountId: z.number().int(),
  accountNo: z.string(),
  ownerName: z.string(),
  communityName: z.string(),
  address: z.string(),
  state: z.enum(LEGAL_CASE_STATES),
  stateLabel: z.string(),
  outcome: z.enum(LEGAL_OUTCOMES).nullable(),
  owedFen: z.number().int(),
  principalFen: z.number().int(),
  oldestDueDate: z.string().nullable(),
  arrearsSeason: z.string(),
  reasons: z.array(LegalReasonSchema),
  openedAt: z.string(),
  approvedOn: z.string().nullable(),
  filedOn: z.string().nullable(),
  courtName: z.string().nullable(),
  courtReceiptNo: z.string().nullable(),
  hasScan: z.boolean(),
  registeredOn: z.string().nullable(),
  courtCaseNo: z.string().nullable(),
  closedAt: z.string().nullable(),
  deadlines: z.array(LegalDeadlineSchema),
  events: z.array(LegalEventSchema),
  /** what the current user may do now */
  actions: z.array(z.enum(["approve", "file", "register", "close"])),
});
export type LegalCaseView = z.infer<typeof LegalCaseSchema>;

export const LegalCaseSummarySchema = LegalCaseSchema.omit({ events: true, reasons: true });
export const LegalCasePageSchema = pageOf(LegalCaseSummarySchema);
export const LegalCaseQuerySchema = PageQuerySchema.extend({
  state: z.enum(LEGAL_CASE_STATES).optional(),
  open: z.enum(["true", "false"]).optional(),
});

/** the filing record (multipart form fields beside the scan) */
export const LegalFilingSchema = z.object({
  courtName: z.string().trim().min(2, "请填写法院名称").max(100),
  filedOn: BizDate,
  receiptNo: z.string().trim().min(1, "请填写收件回执号或案号").max(64),
});
export const LegalRegisterSchema = z.object({
  registeredOn: BizDate,
  courtCaseNo: z.string().trim().min(1, "请填写法院案号").max(64),
});
export const LegalCloseSchema = z.object({
  outcome: z.enum(LEGAL_OUTCOMES, { message: "请选择结案方式" }),
  note: z.string().trim().max(500).optional(),
});

export const LegalDeadlineRowSchema = LegalDeadlineSchema.extend({
  caseId: z.number().int(),
  caseNo: z.string(),
  accountNo: z.string(),
  caseState: z.enum(LEGAL_CASE_STATES),
});
export const LegalDeadlineListSchema = z.object({ items: z.array(LegalDeadlineRowSchema) });

export const TypicalCaseSchema = z.object({ caseId: z.number().int(), text: z.string() });

/** 诉讼材料包: a ZIP built by a job (queued → building → ready | failed), downloadable once */
export const LEGAL_PACKET_STATES = ["queued", "building", "ready", "failed"] as const;
export type LegalPacketState = (typeof LEGAL_PACKET_STATES)[number];
export const LEGAL_PACKET_STATE_LABELS: Record<LegalPacketState, string> = {
  queued: "排队中",
  building: "生成中",
  ready: "已生成",
  failed: "生成失败",
};
/** the case states in which a packet may be built: approved or later, not closed */
export const LEGAL_PACKET_CASE_STATES = ["approved", "exported", "filed", "litigating"] as const;

export const LegalPacketSchema = z.object({
  id: z.number().int(),
  caseId: z.number().int(),
  state: z.enum(LEGAL_PACKET_STATES),
  stateLabel: z.string(),
  /** 0–100 */
  progress: z.number().int(),
  /** the section being built (Chinese), null when not building */
  stage: z.string().nullable(),
  bytes: z.number().int().nullable(),
  /** SHA-256 of the ZIP (hex) */
  sha256: z.string().nullable(),
  error: z.string().nullable(),
  requestedBy: z.string().nullable(),
  requestedAt: z.string(),
  finishedAt: z.string().nullable(),
  downloadedAt: z.string().nullable(),
  downloadedBy: z.string().nullable(),
  /** a one-time link can still be handed out */
  downloadable: z.boolean(),
});
export type LegalPacketView = z.infer<typeof LegalPacketSchema>;
export const LegalPacketListSchema = z.object({ items: z.array(LegalPacketSchema) });
export const LegalPacketLinkSchema = z.object({
  url: z.string(),
  expiresAt: z.string(),
  /** the link works once: the first download uses it up */
  oneTime: z.literal(true),
  sha256: z.string(),
  fileName: z.string(),
});
export const LegalPacketParamsSchema = z.object({
  id: z.coerce.number().int().positive({ message: "编号无效" }),
  packetId: z.coerce.number().int().positive({ message: "编号无效" }),
});
