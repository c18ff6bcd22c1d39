import { type DataSource, type EntityManager, In } from "typeorm";
import { AppError } from "../../http/errors";
import { completeVisitTask, scheduleFollowUpReminder, VisitTask } from "../reminders";

/**
 * What a visit needs of the reminders module (issue 13): a follow-up reminder on a promised payment date
 * (and, inside the reminders module, a visit task when the date passes unpaid), and completing the visit
 * task a visit answers. Both run inside the visit's transaction.
 */
export interface VisitFollowUpPort {
  scheduleFollowUpReminder(
    m: EntityManager,
    input: { accountId: number; date: string; source: "promise"; visitId: number },
  ): Promise<number | null>;
  completeVisitTask(
    m: EntityManager,
    taskId: number,
    input: { staffId: number; visitId: number; accountId: number; note: string },
  ): Promise<unknown>;
}

const port: VisitFollowUpPort = {
  scheduleFollowUpReminder,
  async completeVisitTask(m, taskId, input) {
    // a visit completes only an open task of its own account
    const task = await m.getRepository(VisitTask).findOneBy({ id: taskId });
    if (task?.status !== "open" || task.accountId !== input.accountId) throw new AppError("VISIT_TASK_NOT_FOUND");
    return completeVisitTask(m, taskId, { staffId: input.staffId, visitId: input.visitId, note: input.note });
  },
};

/** The open visit tasks (reminder ladder, promises) of accounts in these communities. */
export async function openVisitTasks(ds: DataSource, communityIds: number[]) {
  if (communityIds.length === 0) return [];
  return ds
    .getRepository(VisitTask)
    .find({ where: { status: "open", communityId: In(communityIds) }, order: { dueDate: "ASC", id: "ASC" } });
}

export async function visitFollowUps(): Promise<VisitFollowUpPort | null> {
  return port;
}
