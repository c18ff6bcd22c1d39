import { describe, expect, it } from "vitest";
import { surnameOnly } from "./legal";
import {
  buildingOnly,
  type ComplianceCase,
  deadlineCompliance,
  type TypicalCaseFacts,
  typicalCaseDraft,
  typicalCaseLeaks,
} from "./legalTypical";

const base: TypicalCaseFacts = {
  ownerName: "王建国",
  communityName: "民乐花园",
  buildingName: "3号楼",
  amountFen: 345_600,
  outcome: "judgment",
  closedOn: "2026-03-20",
  season: "2025-2026",
};

describe("surname only", () => {
  it.each([
    ["王芳", "王某"],
    ["张三丰", "张某"],
    ["李王丽华", "李某"],
    ["欧阳娜娜", "欧阳某"],
    ["欧阳锋", "欧阳某"],
    ["司马相如", "司马某"],
    ["诸葛亮", "诸葛某"],
    ["上官婉儿", "上官某"],
    [" 慕容复 ", "慕容某"],
    ["", "某"],
  ])("%s → %s", (name, want) => {
    expect(surnameOnly(name)).toBe(want);
  });
});

describe("building only", () => {
  it.each([
    ["3号楼", "3号楼"],
    ["3号楼2单元501室", "3号楼"],
    ["民乐花园12栋3单元402", "12栋"],
    ["幸福里 7 幢 1单元 101", "7幢"],
    ["B座1802", "B座"],
    ["501号", null],
    ["", null],
    [null, null],
  ])("%s → %s", (text, want) => {
    expect(buildingOnly(text)).toBe(want);
  });
});

describe("the generated draft", () => {
  const names = ["王芳", "张三丰", "李王丽华", "欧阳娜娜", "司马相如", "诸葛亮"];
  it.each(names)("never leaks %s, the ID number, phone, unit or room", (ownerName) => {
    const d = typicalCaseDraft({ ...base, ownerName, buildingName: "3号楼2单元501室" });
    const text = `${d.title}\n${d.body}`;
    expect(text).toContain(`民乐花园3号楼住户${surnameOnly(ownerName)}`);
    expect(text).not.toContain("单元");
    expect(text).not.toContain("501");
    const given = ownerName.slice(surnameOnly(ownerName).length - 1);
    if (given.length >= 1) expect(text).not.toContain(ownerName);
    if (given.length >= 2) expect(text).not.toContain(given);
    expect(
      typicalCaseLeaks(text, {
        ownerName,
        accountNo: "1001234567",
        idNumber: "620722198801011234",
        phone: "13812345678",
        unit: "2",
        room: "501",
        address: "民乐花园3号楼2单元501室",
      }),
    ).toEqual([]);
  });

  it("states the amount, outcome and season", () => {
    const d = typicalCaseDraft(base);
    expect(d.body).toContain("3456.00 元");
    expect(d.body).toContain("法院判决（2026-03-20）");
    expect(d.body).toContain("2025-2026供热季");
    expect(d.title).toBe("典型案例：民乐花园3号楼住户王某欠缴供热费移交法务");
  });

  it("leaves the building out when the register has none", () => {
    expect(typicalCaseDraft({ ...base, buildingName: null }).title).toContain("民乐花园住户王某");
  });
});

describe("the leak check on an edited text", () => {
  const secrets = {
    ownerName: "欧阳娜娜",
    accountNo: "1001234567",
    idNumber: "620722198801011234",
    phone: "13812345678",
    unit: "2",
    room: "501",
    address: "民乐花园3号楼2单元501室",
  };
  it.each([
    ["民乐花园住户欧阳娜娜拒缴", ["name"]],
    ["住户欧阳某（娜娜）拒缴", ["name"]],
    ["身份证 620722198801011234", ["id_number"]],
    ["另一个号码 110101199003074518", ["id_number"]],
    ["联系电话 138 1234 5678", ["phone"]],
    ["电话15900001111", ["phone"]],
    ["3号楼2单元住户", ["room"]],
    ["3号楼501室", ["room"]],
    ["家住2-501", ["room"]],
    ["户号1001234567", ["account_no"]],
    ["住在民乐花园3号楼2单元501室的欧阳娜娜", ["name", "room", "address"]],
    ["民乐花园3号楼住户欧阳某，欠费 3456.00 元", []],
  ])("%s → %j", (text, want) => {
    expect(typicalCaseLeaks(text, secrets)).toEqual(want);
  });

  it("a two-character name: the full name leaks, the lone given name is too common to test", () => {
    expect(typicalCaseLeaks("王芳拒缴", { ownerName: "王芳" })).toEqual(["name"]);
    expect(typicalCaseLeaks("王某拒缴，芳草地小区", { ownerName: "王芳" })).toEqual([]);
  });
});

describe("deadline compliance", () => {
  const c = (over: Partial<ComplianceCase>): ComplianceCase => ({
    state: "approved",
    approvedOn: "2026-03-02",
    submitDue: "2026-03-09",
    litigateDue: "2026-03-09",
    filedOn: null,
    registeredOn: null,
    closedOn: null,
    ...over,
  });
  it("counts met, late, pending, moot and missing-calendar cases", () => {
    const cases = [
      c({ state: "filed", filedOn: "2026-03-09" }), // met (on the due day)
      c({ state: "filed", filedOn: "2026-03-10" }), // late
      c({}), // open, due passed on 2026-03-20 → late
      c({ submitDue: "2026-03-25", litigateDue: "2026-03-25" }), // pending
      c({ state: "closed", closedOn: "2026-03-05" }), // closed before due, not filed: not counted
      c({ state: "closed", closedOn: "2026-03-12" }), // closed after due, not filed: late
      c({ submitDue: null, litigateDue: null }), // 节假日数据缺失
      c({ state: "pending_review", approvedOn: null, submitDue: null, litigateDue: null }), // not approved
    ];
    expect(deadlineCompliance(cases, "submit", "2026-03-20")).toEqual({
      met: 1,
      counted: 4,
      late: 3,
      pending: 1,
      calendarMissing: 1,
    });
    const lit = [
      c({ state: "litigating", filedOn: "2026-03-04", registeredOn: "2026-03-08" }),
      c({ state: "filed", filedOn: "2026-03-04" }),
    ];
    expect(deadlineCompliance(lit, "litigate", "2026-03-09")).toMatchObject({ met: 1, counted: 1, pending: 1 });
    expect(deadlineCompliance(lit, "litigate", "2026-03-10")).toMatchObject({ met: 1, counted: 2, late: 1 });
  });
});
