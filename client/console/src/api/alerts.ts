import {
  type AckAlertInput,
  AlertPageSchema,
  AlertSchema,
  type AlertState,
  AlertSummarySchema,
  type AlertPage,
  type AlertSummary,
  type AlertView,
} from "@warmline/shared";
import { api } from "./api";
import { parseWith } from "./parse";

export type { AlertPage, AlertState, AlertSummary, AlertView };

export interface AlertListParams {
  /** 待处理 (open), 已处理 (acked) or 全部 (all) */
  state: AlertState;
  page: number;
  pageSize: number;
}

/** 升级提醒: the escalation inbox of the signed-in supervisor, newest first. */
export async function listAlerts(p: AlertListParams, signal?: AbortSignal): Promise<AlertPage> {
  return parseWith(AlertPageSchema, await api.get("/api/v1/staff/alerts", { ...p }, signal));
}

/** How many alerts wait for someone (the bell in the header). */
export async function alertSummary(signal?: AbortSignal): Promise<AlertSummary> {
  return parseWith(AlertSummarySchema, await api.get("/api/v1/staff/alerts/summary", undefined, signal));
}

/**
 * 已知悉: acknowledges an alert, with an optional 督办备注. Answers the alert as it is now; 409
 * ALERT_ALREADY_ACKED (details { ackBy, ackAt }) when someone else acknowledged it first.
 */
export async function ackAlert(id: number, note?: string): Promise<AlertView> {
  const trimmed = note?.trim();
  const input: AckAlertInput = trimmed ? { note: trimmed } : {};
  return parseWith(AlertSchema, await api.post(`/api/v1/staff/alerts/${id}/ack`, input));
}
