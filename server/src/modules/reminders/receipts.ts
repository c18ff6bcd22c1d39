import type { DataSource } from "typeorm";
import { Reminder, ReminderAttempt, ReminderCampaign } from "./entities";

/**
 * 短信回执: the SMS platform's delivery report of a reminder text. The reminder's SMS carries OutId
 * `rm<reminderId>` (sending.ts), echoed in the report with the platform's BizId. A report moves the row
 * forward only — sent → delivered (送达) or sent → failed (未送达, with the platform's error code) — and
 * appends an attempt row as evidence; a repeated report (the platform pushes again until it gets code 0)
 * changes nothing. A finished campaign's stored counts follow the move.
 */
export interface SmsReport {
  bizId: string | null;
  outId: string | null;
  success: boolean;
  errCode: string | null;
  errMsg: string | null;
}

/** one item of the platform's push (Aliyun SmsReport: success may be a boolean or "true"/"false") */
export function parseSmsReport(it: Record<string, unknown> | null | undefined): SmsReport | null {
  if (!it || typeof it !== "object") return null;
  const str = (v: unknown) => (typeof v === "string" && v ? v : typeof v === "number" ? String(v) : null);
  const success = it.success === true || it.success === "true";
  if (!(success || it.success === false || it.success === "false")) return null;
  return {
    bizId: str(it.biz_id),
    outId: str(it.out_id),
    success,
    errCode: str(it.err_code),
    errMsg: str(it.err_msg),
  };
}

/** Applies one delivery report; true when it moved a reminder. */
export async function smsDeliveryReport(ds: DataSource, report: SmsReport): Promise<boolean> {
  const id = Number(/^rm(\d+)$/.exec(report.outId ?? "")?.[1] ?? Number.NaN);
  if (!Number.isSafeInteger(id)) return false;
  return ds.transaction(async (m) => {
    const r = await m.getRepository(Reminder).findOneBy({ id });
    if (r?.channel !== "sms") return false;
    // the report of another text with the same OutId (a different BizId) is not this reminder's
    if (report.bizId && r.vendorMessageId && r.vendorMessageId !== report.bizId) return false;
    const now = new Date();
    const code = (report.errCode ?? "").slice(0, 40);
    const moved = await m
      .createQueryBuilder()
      .update(Reminder)
      .set(
        report.success
          ? { status: "delivered", deliveredAt: now }
          : { status: "failed", failureReason: `短信未送达：${code || "未知原因"}`.slice(0, 200) },
      )
      .where("id = :id AND status = 'sent' AND channel = 'sms'", { id })
      .execute();
    if (!moved.affected) return false;
    await m.getRepository(ReminderAttempt).insert({
      reminderId: id,
      channel: "sms",
      outcome: report.success ? "delivered" : "undelivered",
      detail: [code, report.errMsg].filter(Boolean).join(" ").slice(0, 200) || null,
      vendorMessageId: report.bizId ?? r.vendorMessageId,
    });
    if (r.campaignId) {
      await m
        .createQueryBuilder()
        .update(ReminderCampaign)
        .set({
          sentCount: () => "sent_count - 1",
          ...(report.success
            ? { deliveredCount: () => "delivered_count + 1" }
            : { failedCount: () => "failed_count + 1" }),
        })
        .where("id = :id AND state = 'done' AND sent_count > 0", { id: r.campaignId })
        .execute();
    }
    return true;
  });
}
