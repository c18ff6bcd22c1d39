import { createHash, randomBytes } from "node:crypto";
import { STAFF_ROLES, type StaffRole } from "@warmline/shared";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { type DataSource, IsNull } from "typeorm";
import type { AuthState } from "../../http/auth";
import { AppError } from "../../http/errors";
import { StaffUser } from "../staff";
import { AuthSession } from "./entities";

/** a subject is a row id: a positive whole number written the one way signAccess writes it */
const SUBJECT = /^[1-9]\d{0,14}$/;
const RESIDENT_CLAIMS = ["kind", "sub", "iat", "exp"];
const STAFF_CLAIMS = [...RESIDENT_CLAIMS, "roles"];
/** how far another server's clock may run ahead when it issues a token */
const CLOCK_SKEW_S = 60;

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/**
 * Short-lived signed access tokens (HS256 JWT) and revocable, rotating refresh tokens stored as hashes.
 */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    private readonly ds: DataSource,
    secret: string,
    private readonly accessTtlS: number,
    private readonly refreshTtlS: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(
    subject: AuthState,
    meta: { ip?: string; userAgent?: string } = {},
    familyId?: string,
  ): Promise<IssuedTokens> {
    const refreshToken = randomBytes(32).toString("base64url");
    await this.ds.getRepository(AuthSession).insert({
      subjectType: subject.kind,
      subjectId: subject.id,
      tokenHash: sha256(refreshToken),
      familyId: familyId ?? randomBytes(12).toString("hex"),
      expiresAt: new Date(Date.now() + this.refreshTtlS * 1000),
      revokedAt: null,
      ip: meta.ip?.slice(0, 64) ?? null,
      userAgent: meta.userAgent?.slice(0, 200) ?? null,
    });
    return { accessToken: await this.signAccess(subject), refreshToken, expiresIn: this.accessTtlS };
  }

  async signAccess(subject: AuthState): Promise<string> {
    return new SignJWT(subject.kind === "staff" ? { kind: "staff", roles: subject.roles } : { kind: "resident" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(String(subject.id))
      .setIssuedAt()
      .setExpirationTime(`${this.accessTtlS}s`)
      .sign(this.key);
  }

  /**
   * Accepts only what signAccess makes: HS256 with no other header, the claims kind, sub (a positive whole
   * number), iat and exp and nothing else (staff: roles, every one a known role), a lifetime no longer than
   * ours and an iat not in the future. A token without exp, with a far-off exp or with a made-up subject or
   * role is refused, even when it is signed with our key.
   */
  async verifyAccess(token: string): Promise<AuthState> {
    try {
      const { payload, protectedHeader } = await jwtVerify(token, this.key, {
        algorithms: ["HS256"],
        requiredClaims: ["exp", "iat", "sub", "kind"],
      });
      const { kind, sub, iat, exp } = payload as { kind: unknown; sub: string; iat: number; exp: number };
      const now = Math.floor(Date.now() / 1000);
      const claims = Object.keys(payload);
      if (
        Object.keys(protectedHeader).some((k) => k !== "alg") ||
        typeof sub !== "string" ||
        !SUBJECT.test(sub) ||
        iat > now + CLOCK_SKEW_S ||
        exp - iat > this.accessTtlS ||
        !claims.every((c) => (kind === "staff" ? STAFF_CLAIMS : RESIDENT_CLAIMS).includes(c))
      ) {
        throw new AppError("UNAUTHENTICATED");
      }
      const id = Number(sub);
      if (kind === "resident") return { kind: "resident", id };
      const roles: unknown = payload.roles;
      if (
        kind === "staff" &&
        Array.isArray(roles) &&
        roles.length <= STAFF_ROLES.length &&
        roles.every((r) => STAFF_ROLES.includes(r as StaffRole))
      ) {
        return { kind: "staff", id, roles: roles as StaffRole[] };
      }
      throw new AppError("UNAUTHENTICATED");
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new AppError("TOKEN_EXPIRED");
      throw new AppError("UNAUTHENTICATED");
    }
  }

  /**
   * The staff member behind a verified staff token, read from the database on every staff request: a
   * disabled (or deleted) account's access tokens stop working at once (401 UNAUTHENTICATED, the console
   * signs out), role changes apply at once, and a pending password change is reported.
   */
  async currentStaff(auth: Extract<AuthState, { kind: "staff" }>): Promise<AuthState> {
    const user = await this.ds.getRepository(StaffUser).findOne({ where: { id: auth.id }, relations: { roles: true } });
    if (user?.status !== "active") throw new AppError("UNAUTHENTICATED");
    const roles = (user.roles ?? []).sort((a, b) => a.id - b.id).map((g) => g.role);
    return user.mustChangePassword
      ? { kind: "staff", id: user.id, roles, mustChangePassword: true }
      : { kind: "staff", id: user.id, roles };
  }

  /**
   * Exchange a refresh token for a new pair. The old one stops working; presenting an already rotated
   * token revokes its whole family (someone else may hold a copy).
   */
  async rotate(
    refreshToken: string,
    loadSubject: (s: AuthSession) => Promise<AuthState | null>,
    meta: { ip?: string; userAgent?: string } = {},
  ): Promise<IssuedTokens> {
    const repo = this.ds.getRepository(AuthSession);
    const session = await repo.findOneBy({ tokenHash: sha256(refreshToken) });
    if (!session) throw new AppError("REFRESH_TOKEN_INVALID");
    if (session.revokedAt) {
      await repo.update({ familyId: session.familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
      throw new AppError("REFRESH_TOKEN_INVALID");
    }
    if (session.expiresAt.getTime() <= Date.now()) throw new AppError("REFRESH_TOKEN_INVALID");
    const res = await repo
      .createQueryBuilder()
      .update()
      .set({ revokedAt: new Date() })
      .where("id = :id AND revoked_at IS NULL", { id: session.id })
      .execute();
    if (res.affected !== 1) throw new AppError("REFRESH_TOKEN_INVALID"); // lost a race with a parallel refresh
    const subject = await loadSubject(session);
    if (!subject) throw new AppError("REFRESH_TOKEN_INVALID");
    return this.issue(subject, meta, session.familyId);
  }

  async revoke(refreshToken: string): Promise<void> {
    const repo = this.ds.getRepository(AuthSession);
    const session = await repo.findOneBy({ tokenHash: sha256(refreshToken) });
    if (session) await repo.update({ familyId: session.familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  async revokeAllFor(subjectType: "resident" | "staff", subjectId: number): Promise<void> {
    await this.ds
      .getRepository(AuthSession)
      .update({ subjectType, subjectId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }
}
