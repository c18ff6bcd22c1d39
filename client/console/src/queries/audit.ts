import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type AuditSearchParams, listAuditLogs } from "../api/audit";
import { queryKeys } from "./keys";

export function useAuditLogs(p: AuditSearchParams) {
  return useQuery({
    queryKey: queryKeys.auditLogs(p),
    queryFn: ({ signal }) => listAuditLogs(p, signal),
    placeholderData: keepPreviousData,
  });
}
