import { describe, expect, it } from "vitest";
import { emptyHardshipForm, validateHardship } from "./form";
import { nextPayment, planLine } from "./present";

const unpaid = [11, 12];
const filled = { ...emptyHardshipForm(5, unpaid), category: "dibao" as const, contactPhone: "13912345678" };

describe("validateHardship (the shared schema's messages)", () => {
  it("an empty form: category and phone, in Chinese", () => {
    const r = validateHardship(emptyHardshipForm(5, unpaid), unpaid, []);
    expect(r).toEqual({ fields: { category: "请选择困难类别", contactPhone: "联系电话格式不正确" } });
  });
  it("低保 asks for the certificate photo; 其他 for its reason; no bill ticked is refused", () => {
    expect(validateHardship(filled, unpaid, [])).toEqual({
      fields: { attachments: "请上传证件照片或扫描件（低保证、特困供养证或残疾证）" },
    });
    const other = validateHardship({ ...filled, category: "other" }, unpaid, []);
    expect(other).toEqual({ fields: { categoryReason: "选择“其他困难”时请说明困难情况" } });
    expect(validateHardship({ ...filled, billIds: [] }, unpaid, [7])).toHaveProperty(
      "fields.billIds",
      "请至少选择一笔要缓缴或分期的账单",
    );
    expect(validateHardship({ ...filled, certificateNo: "证件" }, unpaid, [7])).toHaveProperty(
      "fields.certificateNo",
      "证件编号格式不正确",
    );
  });
  it("the body: every bill ticked = none named (all unpaid), a deferral in months, the files' ids", () => {
    const all = validateHardship(filled, unpaid, [7]);
    expect(all).toEqual({
      input: {
        accountId: 5,
        category: "dibao",
        terms: { kind: "instalments", count: 3 },
        contactPhone: "13912345678",
        attachmentIds: [7],
      },
    });
    const some = validateHardship({ ...filled, kind: "deferral", months: 2, billIds: [12] }, unpaid, [7]);
    expect(some).toHaveProperty("input.billIds", [12]);
    expect(some).toHaveProperty("input.terms", { kind: "deferral", months: 2 });
  });
});

describe("the plan's pay button", () => {
  const plan = {
    id: 1,
    applicationId: 1,
    accountId: 5,
    kind: "instalments" as const,
    status: "active" as const,
    principalFen: 100_000,
    paidFen: 40_000,
    startDate: "2026-12-03",
    deferredUntil: null,
    deferralMonths: null,
    lateFeeWaivedFen: 0,
    billIds: [11],
    reinstated: false,
    instalments: [
      { seq: 1, amountFen: 33_334, dueDate: "2027-01-03", paidFen: 33_334, status: "paid" as const },
      { seq: 2, amountFen: 33_333, dueDate: "2027-02-03", paidFen: 6_666, status: "partial" as const },
      { seq: 3, amountFen: 33_333, dueDate: "2027-03-03", paidFen: 0, status: "unpaid" as const },
    ],
  };
  it("offers the rest of the next instalment (overpayment counted), none when the plan is not active", () => {
    expect(nextPayment(plan)).toEqual({ seq: 2, fen: 26_667, remainingFen: 60_000 });
    expect(planLine(plan)).toBe("第2期应缴 ¥266.67，截止 2027-02-03");
    expect(nextPayment({ ...plan, status: "defaulted" })).toBeNull();
    expect(nextPayment({ ...plan, paidFen: 100_000 })).toBeNull();
  });
});
