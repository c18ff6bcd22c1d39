import type { Context } from "koa";
import type { DataSource, EntityManager } from "typeorm";
import { clientIp } from "../../http/auth";
import { AuditLog } from "./entities";

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string | number;
  details?: Record<string, unknown>;
  /** who acted, when it is not the request's signed-in user (e.g. a staff member signing in) */
  actor?: { type: "staff" | "resident" | "system"; id: number | null };
}

/** Write one audit row for the caller of this request (inside the caller's transaction when given one). */
export async function audit(db: DataSource | EntityManager, ctx: Context, entry: AuditEntry): Promise<void> {
  const auth = ctx.state.auth;
  await db.getRepository(AuditLog).insert({
    actorType: entry.actor?.type ?? auth?.kind ?? "system",
    actorId: entry.actor ? entry.actor.id : (auth?.id ?? null),
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId === undefined ? null : String(entry.targetId),
    details: (entry.details ?? null) as never, // TypeORM's deep-partial type cannot express free JSON
    ip: clientIp(ctx) || null,
    requestId: ctx.state.requestId ?? null,
  });
}
