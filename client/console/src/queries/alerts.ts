import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type AlertListParams, ackAlert, alertSummary, listAlerts } from "../api/alerts";
import { queryKeys } from "./keys";
import { unlessRefused } from "./tickets";

/** Alerts are raised by the server's SLA timers: the inbox and the bell ask again this often while shown. */
export const ALERT_REFRESH_MS = 30_000;

const refreshUnlessRefused = (q: { state: { error: unknown } }) =>
  unlessRefused(q.state.error) ? ALERT_REFRESH_MS : false;

/** 升级提醒: one page of the inbox, asked for again every 30 s while shown. */
export function useAlerts(p: AlertListParams) {
  return useQuery({
    queryKey: queryKeys.alerts(p),
    queryFn: ({ signal }) => listAlerts(p, signal),
    placeholderData: keepPreviousData,
    staleTime: 0,
    refetchInterval: refreshUnlessRefused,
  });
}

/** The bell's count of open alerts; only for staff who have the inbox (`enabled`). */
export function useAlertSummary(enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.alertSummary,
    queryFn: ({ signal }) => alertSummary(signal),
    enabled,
    staleTime: 0,
    refetchInterval: refreshUnlessRefused,
  });
}

export interface AckAlertVars {
  id: number;
  note?: string;
  /** the ticket the alert is about: its views are asked for again too */
  ticketId?: number | null;
}

/**
 * 已知悉. Whatever the answer (a 409 means someone else acknowledged it meanwhile), the inbox, the bell and
 * the ticket's views are out of date.
 */
export function useAckAlert() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, note }: AckAlertVars) => ackAlert(id, note),
    onSettled: (alert, _error, vars) => {
      const ticketId = alert?.ticket?.id ?? vars.ticketId;
      return Promise.all([
        qc.invalidateQueries({ queryKey: queryKeys.alertsAll }),
        qc.invalidateQueries({ queryKey: queryKeys.alertSummary }),
        qc.invalidateQueries({ queryKey: queryKeys.ticketSearchAll }),
        ticketId ? qc.invalidateQueries({ queryKey: queryKeys.ticket(ticketId) }) : undefined,
      ]);
    },
  });
}
