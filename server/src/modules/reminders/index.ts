import type { WarmlineModule } from "../../module";
import {
  Reminder,
  ReminderAttempt,
  ReminderCampaign,
  ReminderHold,
  ReminderLadder,
  ReminderOptOut,
  ReminderReview,
  VisitTask,
} from "./entities";
import { PLAN_DAILY_JOB, PLAN_JOB, reminderJobs, scheduleDailyPlan } from "./jobs";
import { mountSmsInbound, reminderRoutes } from "./routes";
import { PROMISE_CHECK_JOB, REMINDER_SEND_JOB } from "./visitTasks";

export {
  Reminder,
  ReminderAttempt,
  ReminderCampaign,
  ReminderHold,
  ReminderLadder,
  ReminderOptOut,
  ReminderReview,
  VisitTask,
} from "./entities";
export { type Arrears, arrearsOf, arrearsOfAccounts } from "./arrears";
export { currentLadder } from "./ladder";
export { openCampaign, planCampaign } from "./planning";
export { ARREARS_TEMPLATE, sendReminder } from "./sending";
export type { StaffCommunitiesPort } from "./scope";
export { smsInbound } from "./service";
export { type CreateVisitTaskInput, completeVisitTask, createVisitTask, scheduleFollowUpReminder } from "./visitTasks";

export const REMINDER_JOBS = [PLAN_DAILY_JOB, PLAN_JOB, REMINDER_SEND_JOB, PROMISE_CHECK_JOB] as const;
declare module "../../jobs/names" {
  interface JobNameMap extends Record<(typeof REMINDER_JOBS)[number], true> {}
}

/**
 * 欠费智能提醒 / 分级催缴 (issue 13): the graded reminder ladder (rules in shared/src/reminders.ts), daily
 * campaigns planned under a unique key per (account, step, season), sends through the outbox with
 * per-channel rate limits and the checks right before sending, channel fallback subscribe → SMS → visit
 * task, 不宜催缴 marks, SMS 退订, and the grid workers' visit tasks (createVisitTask / completeVisitTask /
 * scheduleFollowUpReminder are the face the home-visit work uses).
 */
export const remindersModule: WarmlineModule = {
  name: "reminders",
  entities: [
    ReminderLadder,
    ReminderCampaign,
    Reminder,
    ReminderAttempt,
    ReminderOptOut,
    ReminderHold,
    VisitTask,
    ReminderReview,
  ],
  routes: reminderRoutes,
  mount: mountSmsInbound,
  jobs: (deps) => reminderJobs(deps),
  jobNames: REMINDER_JOBS,
  async start(deps) {
    await scheduleDailyPlan(deps.ds.manager, deps.config.reminders.planTime);
  },
};
