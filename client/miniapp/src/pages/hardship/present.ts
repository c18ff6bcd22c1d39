import {
  formatYuan,
  HARDSHIP_APP_CATEGORY_LABELS,
  type HardshipAppStatus,
  type HardshipTerms,
  type PaymentPlanView,
  planAmountsDue,
} from "@warmline/shared";

/** 分期3期 / 缓缴2个月 */
export function termsText(t: HardshipTerms | null): string {
  if (!t) return "—";
  return t.kind === "instalments" ? `分${t.count}期缴纳` : `缓缴${t.months}个月`;
}

export const categoryText = (c: keyof typeof HARDSHIP_APP_CATEGORY_LABELS, reason: string | null) =>
  c === "other" && reason ? `${HARDSHIP_APP_CATEGORY_LABELS[c]}（${reason}）` : HARDSHIP_APP_CATEGORY_LABELS[c];

/** the tag class of an application state */
export const APP_STATUS_TONE: Record<HardshipAppStatus, string> = {
  pending_community: "status-partial",
  pending_center: "status-partial",
  approved: "status-paid",
  rejected: "status-unpaid",
  withdrawn: "status-waived",
};

export type InstalmentStatus = PaymentPlanView["instalments"][number]["status"];
export const INSTALMENT_STATUS_LABELS: Record<InstalmentStatus, string> = {
  paid: "已缴清",
  partial: "部分已缴",
  unpaid: "未缴",
  late: "已逾期（宽限期内）",
  missed: "逾期未缴",
};
export const INSTALMENT_STATUS_TONE: Record<InstalmentStatus, string> = {
  paid: "status-paid",
  partial: "status-partial",
  unpaid: "status-waived",
  late: "status-partial",
  missed: "status-unpaid",
};

/** What the pay button of a plan offers: the next instalment's rest; null when nothing is to be paid by the plan. */
export function nextPayment(plan: PaymentPlanView): { seq: number; fen: number; remainingFen: number } | null {
  if (plan.status !== "active") return null;
  const due = planAmountsDue(plan.instalments, plan.paidFen);
  if (due.nextSeq === null || due.nextFen <= 0) return null;
  return { seq: due.nextSeq, fen: due.nextFen, remainingFen: due.remainingFen };
}

/** the plan in one line (account page, detail header) */
export function planLine(plan: PaymentPlanView): string {
  if (plan.status === "completed") return "计划已完成";
  if (plan.status === "defaulted") return "计划已违约，请按账单缴费或联系社区";
  const next = nextPayment(plan);
  if (!next) return "本期已缴清";
  const inst = plan.instalments.find((i) => i.seq === next.seq);
  const label = plan.kind === "deferral" ? "缓缴到期应缴" : `第${next.seq}期应缴`;
  return `${label} ${formatYuan(next.fen)}${inst ? `，截止 ${inst.dueDate}` : ""}`;
}
