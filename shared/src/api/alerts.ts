import { z } from "zod";
import { SLA_CLOCKS } from "../tickets/constants";
import { TicketSummarySchema } from "./tickets";

/**
 * 升级提醒: what the system escalates to staff and somebody must acknowledge. One alert is shared by
 * everyone of its audience (the supervisors' inbox), not copied per person. Kinds: an SLA breach on a
 * ticket; a refund the vendor has not confirmed after hours of asking; a 户号 bound right after many
 * failed attempts on it (possible guessing); a staff account locked by wrong passwords. Later kinds (legal
 * deadlines, reconciliation differences) use the same inbox.
 */
export const ALERT_KINDS = [
  "sla_breach",
  "refund_unconfirmed",
  "bind_after_failures",
  "staff_locked",
  "payment_surplus",
  "invoice_document",
  "calendar_missing",
  "hardship_review_overdue",
  "legal_deadline_soon",
  "legal_deadline_breached",
  "legal_case_activity",
  "reminder_review",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_KIND_LABELS: Record<AlertKind, string> = {
  sla_breach: "工单超时",
  refund_unconfirmed: "退款未确认",
  bind_after_failures: "可疑绑定",
  staff_locked: "账号锁定",
  payment_surplus: "重复缴费余款",
  invoice_document: "发票版式文件异常",
  calendar_missing: "节假日数据缺失",
  hardship_review_overdue: "困难申请审核超时",
  legal_deadline_soon: "法务期限将到",
  legal_deadline_breached: "法务期限已超",
  legal_case_activity: "法务案件户有新情况",
  reminder_review: "欠费户待主管复核",
};
/** kinds about account security (shown in red) */
export const SECURITY_ALERT_KINDS: readonly AlertKind[] = ["bind_after_failures", "staff_locked"];

export const ALERT_STATES = ["open", "acked", "all"] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export const AlertQuerySchema = z.object({
  state: z.enum(ALERT_STATES, { message: "状态应为 open、acked 或 all" }).default("open"),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type AlertQuery = z.infer<typeof AlertQuerySchema>;

export const AlertSchema = z.object({
  id: z.number().int(),
  kind: z.enum(ALERT_KINDS),
  title: z.string(),
  body: z.string(),
  createdAt: z.string(),
  /** the ticket the alert is about (as it is now), null for other kinds */
  ticket: TicketSummarySchema.nullable(),
  /** the station the alert is for (the ticket's dispatched station, else its own) */
  stationName: z.string().nullable(),
  /** which SLA clock breached */
  clock: z.enum(SLA_CLOCKS).nullable(),
  /** when that clock was due */
  dueAt: z.string().nullable(),
  ackAt: z.string().nullable(),
  /** display name of the staff member who acknowledged it */
  ackBy: z.string().nullable(),
  ackNote: z.string().nullable(),
});
export type AlertView = z.infer<typeof AlertSchema>;

export const AlertPageSchema = z.object({
  items: z.array(AlertSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type AlertPage = z.infer<typeof AlertPageSchema>;

/** for the bell in the console's header */
export const AlertSummarySchema = z.object({
  open: z.number().int(),
  latestAt: z.string().nullable(),
});
export type AlertSummary = z.infer<typeof AlertSummarySchema>;

export const AckAlertSchema = z.object({ note: z.string().trim().max(200, "备注最多200字").optional() });
export type AckAlertInput = z.infer<typeof AckAlertSchema>;
