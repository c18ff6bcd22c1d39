import type { InvoiceTitleView } from "@warmline/shared";
import { describe, expect, it } from "vitest";
import { chooseTitle, defaultTitle, OWNER_NAME_LABEL, titleOptions } from "./invoiceTitle";

const title = (id: number, changes: Partial<InvoiceTitleView> = {}): InvoiceTitleView => ({
  id,
  kind: "personal",
  name: `抬头${id}`,
  taxId: null,
  email: null,
  isDefault: false,
  owner: "resident",
  ...changes,
});

const COMPANY = title(7, { kind: "company", name: "民乐县供销合作社", taxId: "91350100M000100Y43" });

describe("titleOptions", () => {
  it("offers 个人（户主姓名） first when no title is the default", () => {
    const options = titleOptions([title(1), COMPANY]);
    expect(options.map((o) => [o.id, o.label])).toEqual([
      [null, OWNER_NAME_LABEL],
      [1, "个人（抬头1）"],
      [7, "单位（民乐县供销合作社）"],
    ]);
    expect(options[2].detail).toBe("91350100M000100Y43");
  });

  it("puts the default title first and 个人（户主姓名） last (chosen, it is sent as null)", () => {
    const options = titleOptions([title(1), { ...COMPANY, isDefault: true }]);
    expect(options.map((o) => o.id)).toEqual([7, 1, null]);
    expect(options.map((o) => o.isDefault)).toEqual([true, false, false]);
  });

  it("marks titles staff saved for the account", () => {
    expect(titleOptions([title(3, { owner: "account" })])[1].detail).toBe("供热中心登记");
  });

  it("with no titles offers only 个人（户主姓名）", () => {
    expect(titleOptions([]).map((o) => o.id)).toEqual([null]);
  });
});

describe("defaultTitle / chooseTitle", () => {
  it("prefers the resident's own default to the account's", () => {
    const accountDefault = title(2, { owner: "account", isDefault: true });
    const mine = title(5, { isDefault: true });
    expect(defaultTitle([accountDefault, mine])?.id).toBe(5);
    expect(defaultTitle([accountDefault])?.id).toBe(2);
    expect(defaultTitle([title(1)])).toBeNull();
  });

  it("starts on the default, else on 个人（户主姓名）(null)", () => {
    expect(chooseTitle([title(1), { ...COMPANY, isDefault: true }], undefined)).toBe(7);
    expect(chooseTitle([title(1)], undefined)).toBeNull();
  });

  it("keeps the resident's choice while it is offered", () => {
    expect(chooseTitle([title(1), COMPANY], 7)).toBe(7);
    expect(chooseTitle([title(1), COMPANY], null)).toBeNull();
    // deleted meanwhile: back to the default
    expect(chooseTitle([title(1)], 7)).toBeNull();
    // a default appeared: 个人（户主姓名） stays chosen (it is still offered)
    expect(chooseTitle([title(1, { isDefault: true })], null)).toBeNull();
    expect(chooseTitle([title(1, { isDefault: true })], undefined)).toBe(1);
  });
});
