import { type JWTPayload, SignJWT } from "jose";
import type { DataSource } from "typeorm";
import { describe, expect, it } from "vitest";
import { AppError } from "../../http/errors";
import { TokenService } from "./tokens";

const SECRET = "test-secret-of-at-least-thirty-two-characters";
const TTL = 900;
// verifyAccess reads no table: the token service's database is not touched here
const tokens = new TokenService({} as DataSource, SECRET, TTL, 3600);
const key = new TextEncoder().encode(SECRET);
const now = () => Math.floor(Date.now() / 1000);

/** a hand-made token signed with the server's key: the claims exactly as given */
function forge(claims: JWTPayload, header: Record<string, unknown> = {}) {
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256", ...header }).sign(key);
}

async function codeOf(token: string): Promise<string> {
  try {
    await tokens.verifyAccess(token);
    return "accepted";
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return (err as AppError).code;
  }
}

describe("access tokens", () => {
  it("accepts what it issues", async () => {
    const resident = await tokens.signAccess({ kind: "resident", id: 42 });
    expect(await tokens.verifyAccess(resident)).toEqual({ kind: "resident", id: 42 });
    const staff = await tokens.signAccess({ kind: "staff", id: 7, roles: ["cashier", "supervisor"] });
    expect(await tokens.verifyAccess(staff)).toEqual({ kind: "staff", id: 7, roles: ["cashier", "supervisor"] });
    // the hand-made equivalent of an issued token is accepted too (the forgeries below differ in one thing)
    expect(await codeOf(await forge({ kind: "resident", sub: "42", iat: now(), exp: now() + TTL }))).toBe("accepted");
  });

  it("refuses a token signed with our key that lacks exp, iat, kind or sub", async () => {
    const t = now();
    const cases: Record<string, JWTPayload> = {
      "no exp": { kind: "resident", sub: "1", iat: t },
      "no iat": { kind: "resident", sub: "1", exp: t + 60 },
      "no kind": { sub: "1", iat: t, exp: t + 60 },
      "no sub": { kind: "resident", iat: t, exp: t + 60 },
    };
    for (const [what, claims] of Object.entries(cases))
      expect(await codeOf(await forge(claims)), what).toBe("UNAUTHENTICATED");
  });

  it("refuses unknown subjects, kinds, roles, extra claims, long lifetimes and future issue times", async () => {
    const t = now();
    const base = { kind: "resident", sub: "1", iat: t, exp: t + 60 };
    const cases: Record<string, JWTPayload> = {
      "sub not a number": { ...base, sub: "admin" },
      "sub zero": { ...base, sub: "0" },
      "sub negative": { ...base, sub: "-1" },
      "sub not canonical": { ...base, sub: "01" },
      "sub with a fraction": { ...base, sub: "1.0" },
      "sub with spaces": { ...base, sub: " 1" },
      "sub as a number": { ...base, sub: 1 as unknown as string },
      "unknown kind": { ...base, kind: "root" },
      "staff without roles": { ...base, kind: "staff" },
      "staff with an unknown role": { ...base, kind: "staff", roles: ["admin", "superuser"] },
      "roles not a list": { ...base, kind: "staff", roles: "admin" },
      "resident with roles": { ...base, roles: ["admin"] },
      "an extra claim": { ...base, scope: "all" },
      "a lifetime of ten years": { ...base, exp: t + 10 * 365 * 24 * 3600 },
      "issued in the future": { ...base, iat: t + 3600, exp: t + 3600 + 60 },
    };
    for (const [what, claims] of Object.entries(cases))
      expect(await codeOf(await forge(claims)), what).toBe("UNAUTHENTICATED");
    expect(await codeOf(await forge(base, { kid: "other" })), "extra header").toBe("UNAUTHENTICATED");
  });

  it("answers TOKEN_EXPIRED for an expired token and UNAUTHENTICATED for another key or algorithm", async () => {
    const t = now();
    expect(await codeOf(await forge({ kind: "resident", sub: "1", iat: t - 120, exp: t - 60 }))).toBe("TOKEN_EXPIRED");
    const other = await new SignJWT({ kind: "resident" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("1")
      .setIssuedAt()
      .setExpirationTime("1m")
      .sign(new TextEncoder().encode("x".repeat(40)));
    expect(await codeOf(other)).toBe("UNAUTHENTICATED");
    const unsigned = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(
      JSON.stringify({ kind: "resident", sub: "1", iat: t, exp: t + 60 }),
    ).toString("base64url")}.`;
    expect(await codeOf(unsigned)).toBe("UNAUTHENTICATED");
  });
});
