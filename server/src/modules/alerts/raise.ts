import type { AlertKind } from "@warmline/shared";
import type { EntityManager } from "typeorm";
import { StaffAlert } from "./entities";

/** the supervisors' inbox (专班主管): SLA breaches, unconfirmed refunds */
export const SUPERVISOR_AUDIENCE = "supervisor";

export interface AlertInput {
  kind: AlertKind;
  audience: string;
  /** raising the same key twice leaves one alert */
  dedupeKey: string;
  /** what it is about, e.g. "ticket" / "payment_order", and its id */
  subjectType: string;
  subjectId: number;
  stationId: number | null;
  title: string;
  body: string;
  data: Record<string, unknown>;
  /** when what it reports happened (a breach: the due instant); now by default */
  at?: Date;
}

/** Raises an alert inside the caller's transaction, once per dedupe key. */
export async function raiseAlert(m: EntityManager, alert: AlertInput): Promise<void> {
  await m
    .createQueryBuilder()
    .insert()
    .into(StaffAlert)
    .values({
      kind: alert.kind,
      audience: alert.audience,
      dedupeKey: alert.dedupeKey,
      subjectType: alert.subjectType,
      subjectId: alert.subjectId,
      stationId: alert.stationId,
      title: alert.title,
      body: alert.body,
      data: alert.data as never,
      ...(alert.at ? { createdAt: alert.at } : {}),
      ackAt: null,
      ackBy: null,
      ackNote: null,
    })
    .orIgnore()
    .updateEntity(false)
    .execute();
}

/** an instant as Beijing wall-clock time, "YYYY-MM-DD HH:mm" (alert texts) */
export function beijingMinute(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace("T", " ");
}
