import { formatYuan, yuanToFen } from "@warmline/shared";

/** What a resident paying by a hardship plan chose: the next instalment, everything left, or an amount typed. */
export type PlanChoice = "next" | "all" | "custom";

/**
 * The amount to pay by the plan, in fen, or why it cannot be paid: at least the smallest fen, at most what
 * is left of the plan (the server refuses the rest with HARDSHIP_PLAN_PAY_AMOUNT). A typed amount in yuan,
 * at most two decimals ("300", "300.5", "300.50").
 */
export function planAmountFen(
  choice: PlanChoice,
  typed: string,
  due: { fen: number; remainingFen: number },
): { fen: number } | { error: string } {
  if (choice === "next") return { fen: due.fen };
  if (choice === "all") return { fen: due.remainingFen };
  const text = typed.trim().replace(/^¥/, "");
  if (!text) return { error: "请输入缴费金额" };
  let fen: number;
  try {
    fen = yuanToFen(text);
  } catch {
    return { error: "金额格式不正确，最多两位小数，如 300.50" };
  }
  if (fen < 1) return { error: "缴费金额至少0.01元" };
  if (fen > due.remainingFen) return { error: `缴费金额不能超过计划剩余应缴 ${formatYuan(due.remainingFen)}` };
  return { fen };
}
