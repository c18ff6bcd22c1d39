import { describe, expect, it } from "vitest";
import {
  diffRegisterRow,
  idNumberProblem,
  parseAreaHundredths,
  parseCategory,
  parseRegisterPhone,
  type RegisterRawRow,
  type RegisterSnapshot,
  registerFieldOfHeader,
  validateRegisterRow,
} from "./register";

/*
 * ID check digits worked by hand (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, "10X98765432"):
 *  11010519491231002X: 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167, 167 mod 11 = 2 → "X"
 *  62072219850315001?: 42+18+0+35+16+8+2+9+48+15+0+27+10+25+0+0+2 = 257, 257 mod 11 = 4 → "8"
 */
describe("idNumberProblem (GB 11643)", () => {
  it.each([
    ["11010519491231002X", null],
    ["11010519491231002x", null],
    ["620722198503150018", null],
    ["620722198503150017", "身份证号校验位不正确"],
    ["620722198503150019", "身份证号校验位不正确"],
    ["62072219850315001", "身份证号应为18位（最后一位可为X）"],
    ["62072219850315001A", "身份证号应为18位（最后一位可为X）"],
    ["020722198503150019", "身份证号地区码不正确"],
    ["620722198502300019", "身份证号出生日期不正确"], // 30 February
    ["620722189903150019", "身份证号出生日期不正确"], // before 1900
  ])("%s → %s", (id, problem) => {
    expect(idNumberProblem(id, "2026-12-03")).toBe(problem);
  });
  it("refuses a birth date after today", () => {
    // 2027-01-01 … checksum aside, the date is refused first
    expect(idNumberProblem("620722202701010011", "2026-12-03")).toBe("身份证号出生日期不正确");
  });
});

describe("phone, area, category, headers", () => {
  it.each([
    ["13912345678", "13912345678"],
    ["+86 139 1234 5678", "13912345678"],
    ["8613912345678", "13912345678"],
    ["0936-4466666", "09364466666"],
    ["010-12345678", "01012345678"],
  ])("phone %s → %s", (raw, phone) => expect(parseRegisterPhone(raw)).toEqual({ phone }));
  it.each(["12912345678", "1391234567", "4466666", "139-1234-567a"])("phone %s refused", (raw) =>
    expect(parseRegisterPhone(raw)).toHaveProperty("problem"),
  );
  it.each([
    ["85.5", 8550],
    ["85.50", 8550],
    ["1,234.56", 123456],
    ["92㎡", 9200],
    [85.55, 8555],
    ["85.555", null],
    ["-3", null],
    ["abc", null],
    [85.5551, null],
  ] as [string | number, number | null][])("area %s → %s", (raw, h) => expect(parseAreaHundredths(raw)).toBe(h));
  it("categories by label and code", () => {
    expect(parseCategory("居民")).toBe("residential");
    expect(parseCategory("非居民（经营）")).toBe("non_residential");
    expect(parseCategory("公建")).toBe("public_institution");
    expect(parseCategory("public_institution")).toBe("public_institution");
    expect(parseCategory("工业")).toBeNull();
  });
  it("headers with units and marks", () => {
    expect(registerFieldOfHeader("供热面积（㎡）")).toBe("heatedArea");
    expect(registerFieldOfHeader("\uFEFF户号")).toBe("accountNo");
    expect(registerFieldOfHeader("*户主姓名")).toBe("ownerName");
    expect(registerFieldOfHeader("备注")).toBeNull();
  });
});

const good: RegisterRawRow = {
  accountNo: "1010110101",
  communityName: "民乐花园",
  buildingName: "1号楼",
  unit: "2",
  room: "301",
  address: "民乐花园1号楼2单元301",
  heatedArea: "85.5",
  category: "居民",
  ownerName: "王建国",
  phone: "13912345678",
  idNumber: "620722198503150018",
};

describe("validateRegisterRow", () => {
  it("normalises a good row", () => {
    const r = validateRegisterRow(good, "2026-12-03");
    expect(r).toEqual({
      ok: true,
      row: {
        accountNo: "1010110101",
        communityName: "民乐花园",
        buildingName: "1号楼",
        unit: "2",
        room: "301",
        address: "民乐花园1号楼2单元301",
        heatedArea: 8550,
        category: "residential",
        ownerName: "王建国",
        phone: "13912345678",
        idNumber: "620722198503150018",
      },
    });
  });
  it("optional cells may be empty", () => {
    const r = validateRegisterRow({ ...good, buildingName: "", unit: undefined, phone: " ", idNumber: "" });
    expect(r.ok && r.row).toMatchObject({ buildingName: null, unit: null, phone: null, idNumber: null });
  });
  it.each([
    [{ accountNo: "10101" }, "accountNo", "户号应为 8 至 12 位数字"],
    [{ accountNo: "10101101a1" }, "accountNo", "户号应为 8 至 12 位数字"],
    [{ accountNo: "" }, "accountNo", "「户号」不能为空"],
    [{ heatedArea: "0" }, "heatedArea", "供热面积必须大于0"],
    [{ heatedArea: "4.99" }, "heatedArea", "供热面积4.99㎡不在合理范围（5～1000㎡）"],
    [{ heatedArea: "1000.01" }, "heatedArea", "供热面积1000.01㎡不在合理范围（5～1000㎡）"],
    [{ heatedArea: "八十" }, "heatedArea", "供热面积应为数字，最多两位小数"],
    [{ category: "工业" }, "category", "用户类别“工业”不认识（可填：居民、非居民、公建）"],
    [{ idNumber: "620722198503150017" }, "idNumber", "身份证号校验位不正确"],
    [{ phone: "12345" }, "phone", "联系电话应为11位手机号或带区号的固定电话"],
    [{ heatedArea: { formula: true } }, "heatedArea", "「供热面积（㎡）」是公式，请粘贴为数值后再导入"],
    [{ ownerName: "=HYPERLINK(1)" }, "ownerName", "「户主姓名」以“=”开头（公式），请改为数值"],
    [{ address: "长".repeat(201) }, "address", "「地址」过长（最多200个字）"],
  ] as [RegisterRawRow, string, string][])("%o → %s: %s", (patch, field, message) => {
    const r = validateRegisterRow({ ...good, ...patch }, "2026-12-03");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toContainEqual({ field, message });
  });
  it("a shop may be large; the same area is implausible for a flat", () => {
    expect(validateRegisterRow({ ...good, category: "非居民", heatedArea: "5000" }).ok).toBe(true);
    expect(validateRegisterRow({ ...good, heatedArea: "5000" }).ok).toBe(false);
  });
});

describe("diffRegisterRow", () => {
  const onFile: RegisterSnapshot = {
    communityName: "民乐花园",
    buildingName: "1号楼",
    unit: "2",
    room: "301",
    address: "民乐花园1号楼2单元301",
    heatedArea: 8550,
    category: "residential",
    ownerName: "王建国",
    phone: "13912345678",
    idNumber: "620722198503150018",
  };
  it("same row: no change", () => expect(diffRegisterRow({ ...onFile }, onFile)).toEqual([]));
  it("lists each changed field with before and after", () => {
    expect(diffRegisterRow({ ...onFile, heatedArea: 9000, ownerName: "李秀英", phone: "13800000000" }, onFile)).toEqual(
      [
        { field: "heatedArea", before: 8550, after: 9000 },
        { field: "ownerName", before: "王建国", after: "李秀英" },
        { field: "phone", before: "13912345678", after: "13800000000" },
      ],
    );
  });
  it("an empty optional cell keeps the value on file; a new value where none was is a change", () => {
    expect(diffRegisterRow({ ...onFile, phone: null, idNumber: null, unit: null }, onFile)).toEqual([]);
    expect(diffRegisterRow(onFile, { ...onFile, phone: null })).toEqual([
      { field: "phone", before: null, after: "13912345678" },
    ]);
  });
  it("category and community changes", () => {
    expect(diffRegisterRow({ ...onFile, category: "non_residential", communityName: "新城小区" }, onFile)).toEqual([
      { field: "communityName", before: "民乐花园", after: "新城小区" },
      { field: "category", before: "residential", after: "non_residential" },
    ]);
  });
});
