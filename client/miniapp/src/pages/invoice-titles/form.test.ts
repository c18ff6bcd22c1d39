import type { InvoiceTitleView } from "@warmline/shared";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../services/errors";
import { emptyTitleForm, formFromTitle, recheckTitle, titleDetail, titleFailure, validateTitle } from "./form";

/** A valid 统一社会信用代码 (check character computed per GB 32100-2015). */
const USCC = "91350100M000100Y43";

const company = { ...emptyTitleForm(), kind: "company" as const, name: "民乐县供销合作社", taxId: USCC };

describe("validateTitle", () => {
  it("accepts a personal title and sends no tax id and no empty e-mail", () => {
    const out = validateTitle({ ...emptyTitleForm(), name: " 王建国 ", taxId: "left over", email: "" });
    expect(out).toEqual({ input: { kind: "personal", name: "王建国", isDefault: false } });
  });

  it("accepts a company title, upper-casing the tax id", () => {
    const out = validateTitle({ ...company, taxId: USCC.toLowerCase(), email: " fp@example.cn ", isDefault: true });
    expect(out).toEqual({
      input: { kind: "company", name: "民乐县供销合作社", taxId: USCC, email: "fp@example.cn", isDefault: true },
    });
  });

  it("gives the server's messages under the fields", () => {
    expect(validateTitle({ ...emptyTitleForm(), name: "王" })).toEqual({ fields: { name: "抬头名称至少2个字" } });
    expect(validateTitle({ ...company, taxId: "" })).toEqual({ fields: { taxId: "单位抬头须填写纳税人识别号" } });
    expect(validateTitle({ ...company, taxId: "91350100M000100Y44" })).toEqual({
      fields: { taxId: "纳税人识别号格式或校验位不正确" },
    });
    expect(validateTitle({ ...company, email: "not-an-email" })).toEqual({ fields: { email: "邮箱格式不正确" } });
  });
});

describe("titleFailure", () => {
  it("puts VALIDATION_FAILED details under fields and other errors above the buttons", () => {
    const invalid = new ApiError({
      code: "VALIDATION_FAILED",
      status: 400,
      message: "请求参数不正确",
      details: [{ path: ["taxId"], message: "纳税人识别号格式或校验位不正确" }],
    });
    expect(titleFailure(invalid)).toEqual({ message: "", fields: { taxId: "纳税人识别号格式或校验位不正确" } });
    const limit = new ApiError({ code: "INVOICE_TITLE_LIMIT", status: 409, message: "发票抬头最多保存20个" });
    expect(titleFailure(limit)).toEqual({ message: "发票抬头最多保存20个", fields: {} });
    expect(titleFailure(new Error("x")).message).toBe("系统繁忙，请稍后再试");
  });
});

describe("formFromTitle / titleDetail", () => {
  const saved: InvoiceTitleView = {
    id: 4,
    kind: "company",
    name: "民乐县供销合作社",
    taxId: USCC,
    email: null,
    isDefault: true,
    owner: "resident",
  };

  it("fills the form from a saved title", () => {
    expect(formFromTitle(saved)).toEqual({
      kind: "company",
      name: "民乐县供销合作社",
      taxId: USCC,
      email: "",
      isDefault: true,
    });
  });

  it("describes a title in one line", () => {
    expect(titleDetail(saved)).toBe(`单位 · ${USCC}`);
    expect(titleDetail({ kind: "personal", taxId: null, email: "a@b.cn" })).toBe("个人 · a@b.cn");
  });
});

describe("recheckTitle", () => {
  it("drops a message as soon as its field is valid, and follows it while it is not", () => {
    const shown = { taxId: "单位抬头须填写纳税人识别号" };
    const noTaxId = { ...company, taxId: "" };
    expect(recheckTitle(shown, noTaxId, { ...noTaxId, taxId: "9135" })).toEqual({
      taxId: "纳税人识别号格式或校验位不正确",
    });
    expect(recheckTitle(shown, noTaxId, company)).toEqual({});
  });

  it("drops the tax id's message when the title becomes 个人 (the field is hidden)", () => {
    const shown = { taxId: "单位抬头须填写纳税人识别号", name: "抬头名称至少2个字" };
    const before = { ...company, taxId: "", name: "" };
    expect(recheckTitle(shown, before, { ...before, kind: "personal" })).toEqual({ name: "抬头名称至少2个字" });
  });

  it("keeps the messages of fields not changed, and stays quiet for fields that showed none", () => {
    const shown = { email: "邮箱格式不正确" };
    const before = { ...company, email: "x@" };
    expect(recheckTitle(shown, before, { ...before, name: "王" })).toBe(shown);
    expect(recheckTitle(shown, before, { ...before, email: "x@example.cn" })).toEqual({});
    expect(recheckTitle(shown, before, { ...before, isDefault: true })).toBe(shown);
  });
});
