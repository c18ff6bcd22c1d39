import type { FormRule } from "antd";
import type { z } from "zod";

/** An antd form rule from a shared zod field schema: the same checks and messages as the server. */
export function zodRule(schema: z.ZodType): FormRule {
  return {
    validator: async (_rule, value: unknown) => {
      const r = schema.safeParse(value ?? "");
      if (!r.success) throw new Error(r.error.issues[0]?.message ?? "输入有误");
    },
  };
}
