import { describe, expect, it } from "vitest";
import { z } from "zod";
import { chineseZodMessages } from "./zodMessages";

const messages = (schema: z.ZodType, value: unknown) =>
  schema.safeParse(value, { error: chineseZodMessages }).error?.issues.map((i) => i.message) ?? [];

describe("zod's own messages in plain Chinese", () => {
  it.each([
    [z.object({ a: z.number() }), {}, "此项必填"],
    [z.object({ a: z.number() }), { a: null }, "不能为空，应为数字"],
    [z.object({ a: z.number() }), { a: "1" }, "格式不正确，应为数字"],
    [z.object({ a: z.string() }), { a: 2 }, "格式不正确，应为文本"],
    [z.object({ a: z.boolean() }), { a: "yes" }, "格式不正确，应为是或否"],
    [z.object({ a: z.array(z.number()) }), { a: "q" }, "格式不正确，应为列表"],
    [z.object({ a: z.number().int() }), { a: 1.5 }, "格式不正确，应为整数"],
    [z.object({ a: z.string().max(3) }), { a: "abcd" }, "长度不能超过 3个字"],
    [z.object({ a: z.string().min(1) }), { a: "" }, "此项不能为空"],
    [z.object({ a: z.number().max(10) }), { a: 11 }, "数值不能超过 10"],
    [z.object({ a: z.array(z.number()).min(2) }), { a: [1] }, "数量不能少于 2项"],
    [z.object({ a: z.enum(["x", "y"]) }), { a: "z" }, "取值不在允许的范围内"],
    [
      z.object({ a: z.string().datetime() }),
      { a: "x" },
      "格式不正确，应为日期时间（ISO 8601，如 2026-12-03T08:00:00+08:00）",
    ],
    [z.strictObject({ a: z.number() }), { a: 1, extra: 1 }, "不认识的字段：extra"],
  ])("%#: %j → the message names what the field should be", (schema, value, want) => {
    expect(messages(schema, value)).toEqual([want]);
  });

  it("never names a type in English", () => {
    const schema = z.object({ a: z.number(), b: z.string(), c: z.boolean(), d: z.object({}), e: z.array(z.string()) });
    const all = messages(schema, { a: "x", b: 1, c: 2, d: 3, e: 4 }).join(" ");
    expect(all).not.toMatch(/string|number|boolean|object|array/);
  });

  it("a message the schema names itself wins", () => {
    expect(messages(z.object({ a: z.number({ message: "请填写面积" }) }), {})).toEqual(["请填写面积"]);
  });
});
