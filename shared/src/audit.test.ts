import { describe, expect, it } from "vitest";
import { auditDetailLines, auditTargetText } from "./audit";

describe("audit log in words", () => {
  it("names objects, and keeps an unknown kind readable rather than dropping it", () => {
    expect(auditTargetText("heating_account", "42")).toBe("供热账户 #42");
    expect(auditTargetText("report", null)).toBe("报表");
    expect(auditTargetText("something_new", "7")).toBe("something_new #7");
    expect(auditTargetText(null, null)).toBeNull();
  });

  it("details: money in 元, codes in words, lists joined", () => {
    expect(
      auditDetailLines({
        accountId: 12,
        method: "cash",
        amountFen: 123456,
        receiptNo: "SJ-1",
        fields: ["phone", "idNumber"],
      }),
    ).toEqual([
      { label: "账户编号", value: "12" },
      { label: "收费方式", value: "现金" },
      { label: "金额", value: "¥1,234.56" },
      { label: "收据号", value: "SJ-1" },
      { label: "查看内容", value: "手机号、身份证号" },
    ]);
    expect(auditDetailLines({ factor: "phone_tail", titleChanged: false, roles: ["cashier"] })).toEqual([
      { label: "验证方式", value: "预留手机号后4位" },
      { label: "更换抬头", value: "否" },
      { label: "角色", value: "收费员" },
    ]);
    expect(auditDetailLines(null)).toEqual([]);
    expect(auditDetailLines({ newKey: { a: 1 } })).toEqual([{ label: "newKey", value: '{"a":1}' }]);
  });
});
