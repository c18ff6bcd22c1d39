import type { FormRule } from "antd";
import { parseYuan } from "../money";

export interface YuanRuleOptions {
  required?: boolean;
  /** the amount may be 0 (e.g. one of two waiver amounts) */
  allowZero?: boolean;
  /** upper bound in fen, with the message to show above it */
  maxFen?: number;
  maxMessage?: string;
}

/** An antd form rule for a 元 text input: at most two decimals, converted exactly by parseYuan. */
export function yuanRule(o: YuanRuleOptions = {}): FormRule {
  return {
    validator: async (_rule, value: unknown) => {
      const text = typeof value === "string" ? value.trim() : value == null ? "" : String(value);
      if (text === "") {
        if (o.required) throw new Error("请输入金额");
        return;
      }
      const r = parseYuan(text);
      if (!r.ok) throw new Error(r.message);
      if (r.fen === 0 && !o.allowZero) throw new Error("金额应大于 0");
      if (o.maxFen !== undefined && r.fen > o.maxFen) throw new Error(o.maxMessage ?? "金额过大");
    },
  };
}
