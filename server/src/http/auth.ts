import type { StaffRole } from "@warmline/shared";
import type { Context } from "koa";
import { AppError } from "./errors";

export type AuthState =
  | { kind: "resident"; id: number }
  | {
      kind: "staff";
      id: number;
      roles: StaffRole[];
      /** an admin set the password: until the user chooses their own, only PASSWORD_CHANGE_PATHS answer */
      mustChangePassword?: boolean;
    };

declare module "koa" {
  interface DefaultState {
    auth?: AuthState;
    requestId?: string;
  }
}

/** What the auth layer needs of the token service (implemented by the auth module). */
export interface AccessTokenVerifier {
  verifyAccess(token: string): Promise<AuthState>;
  /**
   * The staff member behind a verified staff token as the database has them now (current roles, a pending
   * password change); throws UNAUTHENTICATED for a disabled or deleted account, so its tokens stop at once.
   */
  currentStaff?(auth: Extract<AuthState, { kind: "staff" }>): Promise<AuthState>;
}

/** what a staff member who must change their password may still call: who am I, and the change itself */
export const PASSWORD_CHANGE_PATHS: readonly string[] = ["/api/v1/staff/me", "/api/v1/staff/me/password"];

/** Reads the Bearer access token of a request that needs one; routes without auth never look at it. */
export async function authenticateRequest(tokens: AccessTokenVerifier, ctx: Context): Promise<void> {
  const header = ctx.get("authorization");
  if (!header) return;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw new AppError("UNAUTHENTICATED");
  const auth = await tokens.verifyAccess(m[1]);
  ctx.state.auth = auth.kind === "staff" && tokens.currentStaff ? await tokens.currentStaff(auth) : auth;
}

export function requireAuth(ctx: Context, kind: "resident" | "staff", roles?: readonly StaffRole[]): AuthState {
  const auth = ctx.state.auth;
  if (!auth) throw new AppError("UNAUTHENTICATED");
  if (auth.kind !== kind) throw new AppError("FORBIDDEN");
  if (auth.kind === "staff" && auth.mustChangePassword && !PASSWORD_CHANGE_PATHS.includes(ctx.path.replace(/\/$/, "")))
    throw new AppError("PASSWORD_CHANGE_REQUIRED");
  if (auth.kind === "staff" && roles && !auth.roles.some((r) => roles.includes(r))) throw new AppError("FORBIDDEN");
  return auth;
}

export function residentId(ctx: Context): number {
  const a = requireAuth(ctx, "resident");
  return a.id;
}

export function staffAuth(ctx: Context): Extract<AuthState, { kind: "staff" }> {
  return requireAuth(ctx, "staff") as Extract<AuthState, { kind: "staff" }>;
}

/**
 * The client's address: the socket's peer, or what our own proxies say when TRUST_PROXY names them
 * (http/proxy.ts); an IPv4 address reached over IPv6 ("::ffff:1.2.3.4") is written as plain IPv4.
 */
export function clientIp(ctx: Context): string {
  return (ctx.ip || "").replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "").slice(0, 64);
}
