import type { AccountStatus, HardshipCategory } from "@warmline/shared";

/** Tag colours for account status and hardship; the Chinese labels come from @warmline/shared. */
export const STATUS_COLORS: Record<AccountStatus, string> = {
  active: "green",
  suspended: "orange",
  closed: "default",
};

export function hardshipColor(c: HardshipCategory): string | undefined {
  return c === "none" ? undefined : "volcano";
}

/** Who acted, as audit rows name it. Unknown types are shown as sent. */
export const ACTOR_TYPE_LABELS: Record<string, string> = {
  staff: "工作人员",
  resident: "居民",
  system: "系统",
};

/** Bill status tag colours; the labels are BILL_STATUS_LABELS from @warmline/shared. */
export const BILL_STATUS_COLORS: Record<string, string> = {
  unpaid: "red",
  partial: "orange",
  paid: "green",
  waived: "blue",
};

/** 供热季 status as the server keeps it. */
export const SEASON_STATUS_LABELS: Record<string, string> = {
  draft: "草稿",
  open: "开放",
  closed: "已结束",
};

/** Bill generation run status. */
export const BILL_RUN_STATUS_LABELS: Record<string, string> = {
  queued: "排队中",
  running: "生成中",
  done: "已完成",
  failed: "失败",
};

/** Payment status tag colours; the labels are PAYMENT_STATUS_LABELS from @warmline/shared. */
export const PAYMENT_STATUS_COLORS: Record<string, string> = {
  created: "default",
  paid: "green",
  closed: "default",
  expired: "default",
};

/** Refund status tag colours; the labels are REFUND_STATUS_LABELS from @warmline/shared. */
export const REFUND_STATUS_COLORS: Record<string, string> = {
  processing: "processing",
  succeeded: "success",
  failed: "error",
};

/** Reconciliation run status. */
export const RECON_STATUS_LABELS: Record<string, string> = {
  queued: "排队中",
  running: "对账中",
  done: "已完成",
  failed: "失败",
};

/** What a reconciliation run did with a difference. */
export const RECON_RESOLUTION_LABELS: Record<string, string> = {
  auto_settled: "自动补记入账",
  flagged: "待人工处理",
};

/** The online vendors a reconciliation compares against. */
export const RECON_VENDOR_LABELS: Record<string, string> = {
  wechat: "微信支付",
  alipay: "支付宝",
};

/** Invoice status tag colours; the labels are INVOICE_STATUS_LABELS from @warmline/shared. */
export const INVOICE_STATUS_COLORS: Record<string, string> = {
  queued: "default",
  submitted: "processing",
  issued: "success",
  failed: "error",
};

/** 蓝字 / 红字 invoice tag colours; the labels are INVOICE_KIND_LABELS from @warmline/shared. */
export const INVOICE_KIND_COLORS: Record<string, string> = {
  blue: "blue",
  red: "red",
};

/** 税率 of an invoice line that is not taxed. */
export const TAX_TREATMENT_LABELS: Record<string, string> = {
  exempt: "免税",
  non_taxable: "不征税",
};

/** 工单 status tag colours; the labels are TICKET_STATUS_LABELS from @warmline/shared. */
export const TICKET_STATUS_COLORS: Record<string, string> = {
  new: "volcano",
  responded: "blue",
  dispatched: "geekblue",
  on_site: "cyan",
  resolved: "green",
  closed: "default",
};

/** 优先级 tag colours; the labels are TICKET_PRIORITY_LABELS. */
export const TICKET_PRIORITY_COLORS: Record<string, string> = {
  normal: "default",
  high: "orange",
  urgent: "red",
};

/** 事故等级 tag colours; the labels are INCIDENT_GRADE_LABELS. */
export const INCIDENT_GRADE_COLORS: Record<string, string> = {
  general: "default",
  major: "orange",
  severe: "red",
};

/** Who acted on a ticket when no staff name is shown. */
export const TICKET_ACTOR_LABELS: Record<string, string> = {
  resident: "居民",
  staff: "工作人员",
  system: "系统",
};

/** 三率 report groupings. */
export const RATE_GROUP_LABELS: Record<string, string> = {
  day: "日",
  week: "周",
  month: "月",
  station: "换热站",
  channel: "渠道",
};
