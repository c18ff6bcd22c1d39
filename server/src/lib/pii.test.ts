import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PiiVault } from "./pii";

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const idx = randomBytes(32);

describe("PiiVault", () => {
  it("round-trips and never stores the plain value", () => {
    const v = new PiiVault(new Map([["k1", k1]]), "k1", idx);
    const enc = v.encrypt("13812345678");
    expect(enc).not.toContain("13812345678");
    expect(enc.startsWith("v1.k1.")).toBe(true);
    expect(v.decrypt(enc)).toBe("13812345678");
    expect(v.encrypt("13812345678")).not.toBe(enc); // random IV
  });

  it("reads values written under an older key after rotation", () => {
    const old = new PiiVault(new Map([["k1", k1]]), "k1", idx);
    const enc = old.encrypt("620722199001011234");
    const rotated = new PiiVault(
      new Map([
        ["k1", k1],
        ["k2", k2],
      ]),
      "k2",
      idx,
    );
    expect(rotated.decrypt(enc)).toBe("620722199001011234");
    expect(rotated.keyIdOf(rotated.encrypt("x"))).toBe("k2");
  });

  it("rejects a tampered ciphertext", () => {
    const v = new PiiVault(new Map([["k1", k1]]), "k1", idx);
    const enc = v.encrypt("13812345678");
    const raw = Buffer.from(enc.split(".")[2], "base64url");
    raw[raw.length - 1] ^= 1;
    expect(() => v.decrypt(`v1.k1.${raw.toString("base64url")}`)).toThrow();
  });

  it("blind index is stable, keyed and field-separated", () => {
    const v = new PiiVault(new Map([["k1", k1]]), "k1", idx);
    const other = new PiiVault(new Map([["k1", k1]]), "k1", randomBytes(32));
    expect(v.blindIndex("phone", "13812345678")).toBe(v.blindIndex("phone", "13812345678"));
    expect(v.blindIndex("phone", "13812345678")).not.toBe(v.blindIndex("idNumber", "13812345678"));
    expect(v.blindIndex("phone", "13812345678")).not.toBe(other.blindIndex("phone", "13812345678"));
    expect(v.blindIndex("phone", "")).toBeNull();
  });
});
