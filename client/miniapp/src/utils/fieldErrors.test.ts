import { describe, expect, it } from "vitest";
import { changedFields, recheckFields } from "./fieldErrors";

type F = "name" | "email" | "phone";

describe("recheckFields", () => {
  const shown = { name: "请输入姓名", email: "邮箱格式不正确" };

  it("drops the message of a changed field as soon as it is valid", () => {
    expect(recheckFields<F>(shown, { email: "邮箱格式不正确" }, ["name"])).toEqual({ email: "邮箱格式不正确" });
  });

  it("says what is still wrong with a changed field that is not valid yet", () => {
    expect(recheckFields<F>(shown, { name: "姓名至少2个字", email: "x" }, ["name"])).toEqual({
      name: "姓名至少2个字",
      email: "邮箱格式不正确",
    });
  });

  it("keeps fields quiet that showed nothing, and messages of fields that did not change", () => {
    expect(recheckFields<F>(shown, { phone: "请输入手机号", email: "其他" }, ["phone", "name"])).toEqual({
      email: "邮箱格式不正确",
    });
  });

  it("gives back the same object when nothing changes", () => {
    expect(recheckFields<F>(shown, shown, ["name", "email"])).toBe(shown);
    expect(recheckFields<F>(shown, {}, [])).toBe(shown);
  });
});

describe("changedFields", () => {
  it("lists the keys whose values differ", () => {
    expect(changedFields({ a: "1", b: 2, c: null }, { a: "1", b: 3, c: null })).toEqual(["b"]);
    expect(changedFields({ a: "" }, { a: "" })).toEqual([]);
  });
});
