import { describe, expect, it } from "vitest";
import { CONTACT_PHONE_EMPTY, CONTACT_PHONE_INVALID, ContactPhoneSchema, isContactPhone } from "./contactPhone";

describe("isContactPhone", () => {
  it("takes China mobiles and landlines with an area code", () => {
    for (const ok of ["13912345678", "139 1234 5678", "+8613912345678", "0936-4466666", "09364466666", "010-12345678"])
      expect(isContactPhone(ok), ok).toBe(true);
  });
  it("refuses short, foreign and masked numbers", () => {
    for (const bad of ["12345678901", "1391234567", "4466666", "139********", "abc", "0936-44"])
      expect(isContactPhone(bad), bad).toBe(false);
  });
});

describe("ContactPhoneSchema", () => {
  const messages = (v: unknown) => {
    const r = ContactPhoneSchema.safeParse(v);
    return r.success ? [] : r.error.issues.map((i) => i.message);
  };
  it("says only 请填写联系电话 for an empty field", () => {
    expect(messages("")).toEqual([CONTACT_PHONE_EMPTY]);
    expect(messages("   ")).toEqual([CONTACT_PHONE_EMPTY]);
    expect(messages(undefined)).toEqual([CONTACT_PHONE_EMPTY]);
  });
  it("says what a wrong number should look like", () => {
    expect(messages("12345")).toEqual([CONTACT_PHONE_INVALID]);
    expect(messages(" 13912345678 ")).toEqual([]);
  });
});
