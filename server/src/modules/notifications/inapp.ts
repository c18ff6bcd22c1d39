import type { DataSource, EntityManager } from "typeorm";
import { Notification } from "./entities";

export interface InAppNotice {
  residentUserId: number;
  /** account_bound, payment_paid, invoice_issued, ticket_responded, … */
  kind: string;
  title: string;
  body: string;
  /** the same key twice (a job that runs again) leaves one message */
  dedupeKey: string;
}

/** Writes a message to a resident's in-app list (我的消息), once per dedupe key. */
export async function writeInApp(db: DataSource | EntityManager, n: InAppNotice): Promise<void> {
  await db
    .getRepository(Notification)
    .createQueryBuilder()
    .insert()
    .values({ ...n, title: n.title.slice(0, 100), channel: "inapp", status: "sent", sentAt: new Date() })
    .orIgnore()
    .updateEntity(false)
    .execute();
}
