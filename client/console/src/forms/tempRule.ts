import type { FormRule } from "antd";
import { parseTempC10, type TempRange } from "../tickets";

/** An antd form rule for a reading typed in ℃ (one decimal at most), converted exactly by parseTempC10. */
export function tempRule(o: { required?: boolean; range?: TempRange } = {}): FormRule {
  return {
    validator: async (_rule, value: unknown) => {
      const text = typeof value === "string" ? value.trim() : value == null ? "" : String(value);
      if (text === "") {
        if (o.required) throw new Error(o.range === "outdoor" ? "请填写室外温度" : "请填写室内温度");
        return;
      }
      const r = parseTempC10(text, o.range ?? "indoor");
      if (!r.ok) throw new Error(r.message);
    },
  };
}

/** The tenths of a degree of an optional reading (call after validation). */
export function c10Of(text: string | undefined, range: TempRange = "indoor"): number | undefined {
  if (!text?.trim()) return undefined;
  const r = parseTempC10(text, range);
  return r.ok ? r.c10 : undefined;
}
