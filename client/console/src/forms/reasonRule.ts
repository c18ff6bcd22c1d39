import type { FormRule } from "antd";

/** An antd form rule for a reason text (减免原因, 更正原因…): trimmed, between `min` and `max` characters. */
export function reasonRule(label: string, min = 4, max = 200): FormRule {
  return {
    validator: async (_rule, value: unknown) => {
      const t = (typeof value === "string" ? value : "").trim();
      if (t.length < min) throw new Error(`请填写${label}（至少${min}个字）`);
      if (t.length > max) throw new Error(`${label}不能超过${max}个字`);
    },
  };
}
