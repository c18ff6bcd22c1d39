/** 审计日志: the admins' and supervisors' view of the audit log, with the names of the staff who acted. */
import {
  ACCOUNT_DESK_ROLES,
  AUDIT_READ_ROLES,
  AuditLogPageSchema,
  AuditQuerySchema,
  HardshipFlagHistorySchema,
  IdParamSchema,
  STAFF_ROLE_LABELS,
  type StaffRole,
} from "@warmline/shared";
import { In } from "typeorm";
import type { Deps } from "../../deps";
import { route } from "../../http/route";
import { AppError } from "../../http/errors";
import { HeatingAccount } from "../accounts";
import { AuditLog } from "../audit";
import { StaffRoleGrant, StaffUser } from "./entities";

export function auditRoutes({ ds }: Deps) {
  return [
    route({
      method: "get",
      path: "/staff/accounts/:id/hardship-flags/history",
      summary: "困难类别与特殊群体的修改记录（审计日志）",
      tags: ["audit"],
      auth: "staff",
      roles: ACCOUNT_DESK_ROLES,
      params: IdParamSchema,
      response: HardshipFlagHistorySchema,
      errors: [404],
      async handler({ params }) {
        if (!(await ds.getRepository(HeatingAccount).existsBy({ id: params.id })))
          throw new AppError("ACCOUNT_NOT_FOUND");
        const rows = await ds.getRepository(AuditLog).find({
          where: { action: "account.hardship_flags", targetType: "heating_account", targetId: String(params.id) },
          order: { id: "DESC" },
          take: 100,
        });
        const ids = [
          ...new Set(rows.filter((r) => r.actorType === "staff" && r.actorId).map((r) => r.actorId as number)),
        ];
        const staff = ids.length ? await ds.getRepository(StaffUser).findBy({ id: In(ids) }) : [];
        const names = new Map(staff.map((s) => [s.id, s.displayName]));
        return {
          items: rows.map((r) => {
            const d = (r.details ?? {}) as {
              reason?: string;
              changes?: { field: string; before: string | null; after: string | null }[];
            };
            return {
              id: r.id,
              at: r.createdAt.toISOString(),
              actorName: r.actorId ? (names.get(r.actorId) ?? null) : null,
              reason: d.reason ?? null,
              changes: d.changes ?? [],
            };
          }),
        };
      },
    }),
    route({
      method: "get",
      path: "/staff/audit-logs",
      summary: "审计日志",
      tags: ["audit"],
      auth: "staff",
      roles: AUDIT_READ_ROLES,
      query: AuditQuerySchema,
      response: AuditLogPageSchema,
      async handler({ query }) {
        const where = {
          ...(query.action ? { action: query.action } : {}),
          ...(query.actorId ? { actorId: query.actorId } : {}),
        };
        const [rows, total] = await ds.getRepository(AuditLog).findAndCount({
          where,
          order: { id: "DESC" },
          skip: (query.page - 1) * query.pageSize,
          take: query.pageSize,
        });
        const staffIds = [
          ...new Set(rows.filter((r) => r.actorType === "staff" && r.actorId).map((r) => r.actorId as number)),
        ];
        const staff = staffIds.length ? await ds.getRepository(StaffUser).findBy({ id: In(staffIds) }) : [];
        const grants = staffIds.length
          ? await ds.getRepository(StaffRoleGrant).findBy({ staffUserId: In(staffIds) })
          : [];
        // people are named with their roles in words (a user name may be a bare code such as "cashier")
        const roleText = (id: number) =>
          grants
            .filter((g) => g.staffUserId === id)
            .map((g) => STAFF_ROLE_LABELS[g.role as StaffRole] ?? g.role)
            .join("、");
        const names = new Map(
          staff.map((s) => [s.id, roleText(s.id) ? `${s.displayName}（${roleText(s.id)}）` : s.displayName]),
        );
        return {
          items: rows.map((r) => ({
            id: r.id,
            actorType: r.actorType,
            actorId: r.actorId,
            actorName: r.actorType === "staff" && r.actorId ? (names.get(r.actorId) ?? null) : null,
            action: r.action,
            targetType: r.targetType,
            targetId: r.targetId,
            details: r.details,
            ip: r.ip,
            requestId: r.requestId,
            createdAt: r.createdAt.toISOString(),
          })),
          total,
          page: query.page,
          pageSize: query.pageSize,
        };
      },
    }),
  ];
}
