import { addDays, type BizDate, maxDate, shanghaiDate, type VisitTaskSource } from "@warmline/shared";
import type { EntityManager } from "typeorm";
import { driverOf } from "../../db/dataSource";
import { AppError } from "../../http/errors";
import { enqueue } from "../../jobs/outbox";
import { HeatingAccount } from "../accounts";
import { appendChained } from "../evidence";
import { arrearsOf } from "./arrears";
import { Reminder, VisitTask } from "./entities";

export interface CreateVisitTaskInput {
  accountId: number;
  source: VisitTaskSource;
  reason: string;
  /** the Shanghai date the visit should happen by */
  dueDate: BizDate;
  reminderId?: number | null;
  /** soft track: a 关怀走访, never a 催缴 visit */
  soft?: boolean;
  /**
   * what makes the task one and only one (the same key twice is one task); default: reminder:<id> for a
   * reminder's task, else <source>:<account>:<dueDate>
   */
  uniqueKey?: string;
}

/**
 * 走访任务: creates the task, or returns the one already made under the same key (idempotent: a job that
 * runs twice, two workers, a retry). Call it inside the caller's transaction.
 */
export async function createVisitTask(m: EntityManager, input: CreateVisitTaskInput): Promise<VisitTask> {
  const uniqueKey =
    input.uniqueKey ??
    (input.reminderId ? `reminder:${input.reminderId}` : `${input.source}:${input.accountId}:${input.dueDate}`);
  const repo = m.getRepository(VisitTask);
  const found = await repo.findOneBy({ uniqueKey });
  if (found) return found;
  const account = await m.getRepository(HeatingAccount).findOneBy({ id: input.accountId });
  if (!account) throw new AppError("ACCOUNT_NOT_FOUND");
  const insert = m
    .createQueryBuilder()
    .insert()
    .into(VisitTask)
    .values({
      accountId: input.accountId,
      communityId: account.communityId,
      source: input.source,
      reminderId: input.reminderId ?? null,
      soft: input.soft ?? false,
      reason: input.reason.slice(0, 200),
      dueDate: input.dueDate,
      status: "open",
      doneAt: null,
      doneBy: null,
      visitId: null,
      note: null,
      uniqueKey,
    })
    .updateEntity(false);
  // a task made by another run in the meantime: keep it (ON DUPLICATE KEY no-op / ON CONFLICT DO NOTHING)
  if (driverOf(m.connection) === "mysql") await insert.orUpdate(["unique_key"], ["unique_key"]).execute();
  else await insert.orUpdate([], ["unique_key"]).execute();
  return repo.findOneByOrFail({ uniqueKey });
}

/**
 * Marks a task done — by a home visit (issue 14 passes its visit id) or by hand with a note. Done twice
 * (the same visit saved again) changes nothing and returns the task; a cancelled task cannot be done
 * (VISIT_TASK_NOT_FOUND). A reminder that made the task counts as delivered from then on.
 */
export async function completeVisitTask(
  m: EntityManager,
  taskId: number,
  done: { staffId: number; visitId?: number | null; note: string | null },
): Promise<VisitTask> {
  const repo = m.getRepository(VisitTask);
  const task = await repo.findOneBy({ id: taskId });
  if (!task || task.status === "cancelled") throw new AppError("VISIT_TASK_NOT_FOUND");
  if (task.status === "done") return task;
  const now = new Date();
  const r = await m
    .createQueryBuilder()
    .update(VisitTask)
    .set({
      status: "done",
      doneAt: now,
      doneBy: done.staffId,
      visitId: done.visitId ?? null,
      note: done.note ? done.note.slice(0, 500) : null,
    })
    .where("id = :id AND status = 'open'", { id: taskId })
    .execute();
  if (r.affected && task.reminderId) {
    await m
      .createQueryBuilder()
      .update(Reminder)
      .set({ status: "delivered", deliveredAt: now })
      .where("id = :id AND status = 'sent' AND channel = 'visit_task'", { id: task.reminderId })
      .execute();
  }
  return repo.findOneByOrFail({ id: taskId });
}

export const PROMISE_CHECK_JOB = "reminders.promise_check";
export const REMINDER_SEND_JOB = "reminders.send";
/** the clock time a promise-day reminder goes (quiet hours still apply when it runs) */
const PROMISE_SEND_TIME_MS = 9 * 3600_000;

/**
 * 承诺日期 follow-up (issue 14: a visit where the resident promised to pay on `date`): a reminder on that
 * date (subscribe → SMS, the 承诺缴费日 text), and a check the day after that makes a visit task when the
 * account still owes. Idempotent per visit (unique keys promise:<visitId>). Call it in the visit's
 * transaction. Returns the reminder's id (null when nothing is owed now: nothing to remind of, the
 * check is still scheduled).
 */
export async function scheduleFollowUpReminder(
  m: EntityManager,
  input: { accountId: number; date: BizDate; source: "promise"; visitId: number },
): Promise<number | null> {
  const today = shanghaiDate(new Date());
  const sendDate = maxDate(input.date, today);
  const arrears = await arrearsOf(m, input.accountId, sendDate);
  const stepKey = `promise_${input.visitId}`;
  let reminderId: number | null = null;
  if (arrears.oldestSeason) {
    const insert = m
      .createQueryBuilder()
      .insert()
      .into(Reminder)
      .values({
        campaignId: null,
        accountId: input.accountId,
        stepKey,
        seasonCode: arrears.oldestSeason,
        grade: null,
        soft: false,
        chain: "subscribe,sms",
        chainIndex: 0,
        template: "promise",
        review: false,
        status: "planned",
        owedFen: arrears.owedFen,
        plannedFor: sendDate,
      })
      .updateEntity(false);
    if (driverOf(m.connection) === "mysql")
      await insert.orUpdate(["step_key"], ["account_id", "step_key", "season_code"]).execute();
    else await insert.orUpdate([], ["account_id", "step_key", "season_code"]).execute();
    await appendChained(m, "reminders", input.accountId);
    const row = await m.getRepository(Reminder).findOneByOrFail({
      accountId: input.accountId,
      stepKey,
      seasonCode: arrears.oldestSeason,
    });
    reminderId = row.id;
    const at = new Date(Date.parse(`${sendDate}T00:00:00+08:00`) + PROMISE_SEND_TIME_MS);
    await enqueue(m, REMINDER_SEND_JOB, { reminderId: row.id }, { dedupeKey: `${REMINDER_SEND_JOB}:${row.id}:0`, at });
  }
  const checkAt = new Date(Date.parse(`${addDays(input.date, 1)}T00:00:00+08:00`) + PROMISE_SEND_TIME_MS);
  await enqueue(
    m,
    PROMISE_CHECK_JOB,
    { accountId: input.accountId, visitId: input.visitId, date: input.date },
    { dedupeKey: `${PROMISE_CHECK_JOB}:${input.visitId}`, at: checkAt },
  );
  return reminderId;
}

/** The day after a promised date: still owing → a visit task (source promise), once per visit. */
export async function checkPromise(
  m: EntityManager,
  input: { accountId: number; visitId: number; date: BizDate },
  minOwedFen: number,
): Promise<VisitTask | null> {
  const today = shanghaiDate(new Date());
  const arrears = await arrearsOf(m, input.accountId, today);
  if (arrears.owedFen < minOwedFen) return null;
  return createVisitTask(m, {
    accountId: input.accountId,
    source: "promise",
    reason: `承诺于${input.date}缴费，逾期仍未缴清：上门了解情况`,
    dueDate: addDays(today, 7),
    uniqueKey: `promise:${input.visitId}`,
  });
}
