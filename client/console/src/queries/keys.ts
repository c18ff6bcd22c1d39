import type { AccountSearchParams } from "../api/accounts";
import type { AuditSearchParams } from "../api/audit";

/** Query keys in one place, so invalidation and tests agree on them. */
export const queryKeys = {
  me: ["staff", "me"] as const,
  accountSearch: (p: AccountSearchParams) => ["accounts", "search", p] as const,
  account: (id: number) => ["accounts", "detail", id] as const,
  communities: ["communities"] as const,
  auditLogs: (p: AuditSearchParams) => ["audit-logs", p] as const,
  bills: (accountId: number) => ["accounts", "bills", accountId] as const,
  payments: (accountId: number) => ["accounts", "payments", accountId] as const,
  seasons: ["seasons"] as const,
  billRun: (id: number) => ["bill-runs", id] as const,
};
