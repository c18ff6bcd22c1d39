import { nextDailyTurn, shanghaiDate } from "@warmline/shared";
import type { EntityManager } from "typeorm";
import { z } from "zod";
import type { Deps } from "../../deps";
import { enqueue } from "../../jobs/outbox";
import { defineJob } from "../../jobs/registry";
import { openCampaign, planCampaign } from "./planning";
import { SEND_JOB_ATTEMPTS, sendReminder } from "./sending";
import { checkPromise, PROMISE_CHECK_JOB, REMINDER_SEND_JOB } from "./visitTasks";

export const PLAN_DAILY_JOB = "reminders.plan_daily";
export const PLAN_JOB = "reminders.plan";

/** The next daily planning turn (REMINDER_PLAN_TIME, Asia/Shanghai), once per date (dedupe key). */
export async function scheduleDailyPlan(m: EntityManager, planTime: string, now = new Date()): Promise<void> {
  const at = nextDailyTurn(now, planTime);
  const date = shanghaiDate(at);
  await enqueue(m, PLAN_DAILY_JOB, { date }, { dedupeKey: `${PLAN_DAILY_JOB}:${date}`, at, maxAttempts: 5 });
}

export function reminderJobs(deps: () => Deps) {
  return [
    defineJob({
      name: PLAN_DAILY_JOB,
      schema: z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
      maxAttempts: 5,
      async handle({ date }, { ds }) {
        const d = deps();
        try {
          const c = await openCampaign(ds, d, {
            planKey: `daily:${date}`,
            kind: "daily",
            planDate: date,
            startedBy: null,
          });
          await planCampaign(d, c.id);
        } finally {
          await scheduleDailyPlan(ds.manager, d.config.reminders.planTime);
        }
      },
    }),
    defineJob({
      name: PLAN_JOB,
      schema: z.object({ campaignId: z.number().int().positive() }),
      maxAttempts: 5,
      async handle({ campaignId }) {
        await planCampaign(deps(), campaignId);
      },
    }),
    defineJob({
      name: REMINDER_SEND_JOB,
      schema: z.object({ reminderId: z.number().int().positive() }),
      maxAttempts: SEND_JOB_ATTEMPTS,
      async handle({ reminderId }) {
        await sendReminder(deps(), reminderId);
      },
    }),
    defineJob({
      name: PROMISE_CHECK_JOB,
      schema: z.object({
        accountId: z.number().int().positive(),
        visitId: z.number().int().positive(),
        date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      }),
      maxAttempts: 5,
      async handle(input, { ds }) {
        await ds.transaction((m) => checkPromise(m, input, deps().config.reminders.thresholds.minOwedFen));
      },
    }),
  ];
}
