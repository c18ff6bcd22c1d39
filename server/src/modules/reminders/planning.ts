import {
  arrearsAge,
  dueStep,
  gradeOf,
  hardshipStatusOf,
  type HardshipStatus,
  isSoftTrack,
  type CampaignKind,
  type LadderDefinition,
  OPEN_HARDSHIP_APP_STATUSES,
  shanghaiDate,
} from "@warmline/shared";
import { type DataSource, In, MoreThan } from "typeorm";
import type { Deps } from "../../deps";
import { driverOf } from "../../db/dataSource";
import { enqueueMany } from "../../jobs/outbox";
import { HeatingAccount } from "../accounts";
import { HardshipApplication, PaymentPlan } from "../hardship";
import { Ticket } from "../tickets";
import { arrearsOfAccounts } from "./arrears";
import { Reminder, ReminderCampaign } from "./entities";
import { currentLadder } from "./ladder";
import { SEND_JOB_ATTEMPTS } from "./sending";
import { REMINDER_SEND_JOB } from "./visitTasks";

/** accounts looked at per transaction */
export const PLAN_BATCH = 500;
/** categories of a complaint about heating quality (soft track) */
export const HEATING_COMPLAINT_CATEGORIES = ["cold_room", "no_heat"] as const;

/**
 * A campaign row for a planning run, or the one already there under the same key (a rerun, a second
 * worker): its id either way.
 */
export async function openCampaign(
  ds: DataSource,
  deps: Pick<Deps, "config">,
  input: { planKey: string; kind: CampaignKind; planDate: string; startedBy: number | null },
): Promise<ReminderCampaign> {
  const ladder = await currentLadder(ds, deps.config);
  const insert = ds
    .createQueryBuilder()
    .insert()
    .into(ReminderCampaign)
    .values({
      planKey: input.planKey,
      kind: input.kind,
      planDate: input.planDate,
      state: "running",
      ladderVersion: ladder.version,
      startedBy: input.startedBy,
      planningDone: false,
      resumeCount: 0,
    })
    .updateEntity(false);
  if (driverOf(ds) === "mysql") await insert.orUpdate(["plan_key"], ["plan_key"]).execute();
  else await insert.orUpdate([], ["plan_key"]).execute();
  return ds.getRepository(ReminderCampaign).findOneByOrFail({ planKey: input.planKey });
}

/** Soft-track facts of a batch of accounts: hardship status (from its tables) and open heating complaints. */
async function softFacts(ds: DataSource, ids: number[]) {
  const apps = await ds
    .getRepository(HardshipApplication)
    .find({ select: { accountId: true }, where: { accountId: In(ids), status: In([...OPEN_HARDSHIP_APP_STATUSES]) } });
  const plans = await ds
    .getRepository(PaymentPlan)
    .find({ select: { id: true, accountId: true, kind: true, status: true }, where: { accountId: In(ids) } });
  const complaints = await ds.getRepository(Ticket).find({
    select: { accountId: true },
    where: { accountId: In(ids), category: In([...HEATING_COMPLAINT_CATEGORIES]), status: In(OPEN_TICKET_STATUSES) },
  });
  const applying = new Set(apps.map((a) => a.accountId));
  const latestPlan = new Map<number, PaymentPlan>();
  for (const p of plans) {
    const known = latestPlan.get(p.accountId);
    if (!known || known.id < p.id) latestPlan.set(p.accountId, p);
  }
  const heating = new Set(complaints.map((c) => c.accountId));
  return (id: number): { hardship: HardshipStatus; heating: boolean } => {
    const plan = latestPlan.get(id);
    return {
      hardship: hardshipStatusOf(applying.has(id), plan ? { kind: plan.kind, status: plan.status } : null),
      heating: heating.has(id),
    };
  };
}

/** a complaint is open until the resident's follow-up closes it (resolved still awaits the 回访) */
export const OPEN_TICKET_STATUSES = ["new", "responded", "dispatched", "on_site", "resolved"];

/**
 * Plans one campaign: every account with unpaid bills, in batches of PLAN_BATCH by account id; for each,
 * the grade on the plan date and the ladder step due for it, written as a reminder under the unique key
 * (account, step, season) together with its send job (dedupe key per reminder) in one transaction per
 * batch. A rerun, a crash halfway (the next run starts again and skips what exists) or two workers at once
 * plan nothing twice. Send jobs are spread over time at the slowest channel's rate so the per-channel
 * limiter rarely has to push one back.
 */
export async function planCampaign(deps: Deps, campaignId: number, now = new Date()): Promise<{ planned: number }> {
  const { ds, config } = deps;
  const campaign = await ds.getRepository(ReminderCampaign).findOneByOrFail({ id: campaignId });
  if (campaign.state === "cancelled" || campaign.state === "done") return { planned: 0 };
  const ladder: LadderDefinition = (await currentLadder(ds, config)).definition;
  const t = config.reminders.thresholds;
  const asOf = campaign.planDate;
  const slowest = Math.max(1, Math.min(ladder.settings.ratePerSecond.sms, ladder.settings.ratePerSecond.subscribe));
  let planned = 0;
  let after = 0;
  let spread = await ds.getRepository(Reminder).countBy({ campaignId });
  for (;;) {
    // accounts by primary key (a range scan), their open bills by the (account, season) key below
    const accounts = await ds.getRepository(HeatingAccount).find({
      select: { id: true, hardshipCategory: true, status: true },
      where: { id: MoreThan(after) },
      order: { id: "ASC" },
      take: PLAN_BATCH,
    });
    if (accounts.length === 0) break;
    after = (accounts[accounts.length - 1] as HeatingAccount).id;
    const ids = accounts.map((a) => a.id);
    const arrears = await arrearsOfAccounts(ds, ids, asOf);
    const owing = ids.filter((id) => arrears.get(id)?.oldestDueDate);
    if (owing.length === 0) continue;
    const soft = await softFacts(ds, owing);
    const rows: Partial<Reminder>[] = [];
    for (const a of accounts) {
      if (a.status === "closed") continue;
      const ar = arrears.get(a.id);
      if (!ar?.oldestDueDate || !ar.oldestSeason) continue;
      const grade = gradeOf({ oldestDueDate: ar.oldestDueDate, owedFen: ar.owedFen }, asOf, t);
      if (!grade) continue;
      const step = dueStep(
        ladder.steps,
        grade,
        arrearsAge({ oldestDueDate: ar.oldestDueDate, owedFen: ar.owedFen }, asOf),
      );
      if (!step) continue;
      const f = soft(a.id);
      const isSoft = isSoftTrack({
        hardshipCategory: a.hardshipCategory,
        hardshipStatus: f.hardship,
        openHeatingComplaint: f.heating,
      });
      rows.push({
        campaignId,
        accountId: a.id,
        stepKey: step.key,
        seasonCode: ar.oldestSeason,
        grade,
        soft: isSoft,
        chain: step.chain.join(","),
        chainIndex: 0,
        template: isSoft ? "soft" : step.template,
        review: step.review ?? false,
        status: "planned",
        owedFen: ar.owedFen,
        plannedFor: asOf,
      });
    }
    await withDeadlockRetry(() =>
      ds.transaction(async (m) => {
        if (rows.length) {
          const insert = m.createQueryBuilder().insert().into(Reminder).values(rows).updateEntity(false);
          if (driverOf(ds) === "mysql")
            await insert.orUpdate(["step_key"], ["account_id", "step_key", "season_code"]).execute();
          else await insert.orUpdate([], ["account_id", "step_key", "season_code"]).execute();
        }
        // this campaign's reminders of the batch that still wait: their send jobs (once each by dedupe key)
        const mine = await m.getRepository(Reminder).find({
          select: { id: true },
          where: { campaignId, accountId: In(ids), status: "planned" },
          order: { id: "ASC" },
        });
        // one INSERT for the batch's send jobs (dedupe key per reminder: a rerun adds none)
        const jobs = mine.map((r) => {
          const at = new Date(now.getTime() + Math.floor(spread / slowest) * 1000);
          spread++;
          return { payload: { reminderId: r.id }, dedupeKey: `${REMINDER_SEND_JOB}:${r.id}:0`, at };
        });
        await enqueueMany(m, REMINDER_SEND_JOB, jobs, { maxAttempts: SEND_JOB_ATTEMPTS });
        planned += mine.length;
      }),
    );
    if (accounts.length < PLAN_BATCH) break;
  }
  await ds.getRepository(ReminderCampaign).update({ id: campaignId }, { planningDone: true });
  await finishCampaignIfDone(ds, campaignId);
  return { planned };
}

export async function campaignCounts(ds: DataSource, campaignIds: number[]) {
  const out = new Map<number, Record<string, number>>();
  if (campaignIds.length === 0) return out;
  const rows = await ds
    .getRepository(Reminder)
    .createQueryBuilder("r")
    .select("r.campaign_id", "campaignId")
    .addSelect("r.status", "status")
    .addSelect("COUNT(*)", "n")
    .where({ campaignId: In(campaignIds) })
    .groupBy("r.campaign_id")
    .addGroupBy("r.status")
    .getRawMany<{ campaignId: number | string; status: string; n: number | string }>();
  for (const id of campaignIds)
    out.set(id, { planned: 0, sending: 0, sent: 0, delivered: 0, failed: 0, suppressed: 0, total: 0 });
  for (const r of rows) {
    const c = out.get(Number(r.campaignId)) as Record<string, number>;
    c[r.status] = Number(r.n);
    c.total = (c.total ?? 0) + Number(r.n);
  }
  return out;
}

/** A running campaign whose planning is over and whose reminders have all finished becomes done (counts kept). */
export async function finishCampaignIfDone(ds: DataSource, campaignId: number): Promise<void> {
  const waiting = await ds.getRepository(Reminder).count({
    where: { campaignId, status: In(["planned", "sending"]) },
  });
  if (waiting > 0) return;
  const c = (await campaignCounts(ds, [campaignId])).get(campaignId) as Record<string, number>;
  await ds
    .createQueryBuilder()
    .update(ReminderCampaign)
    .set({
      state: "done",
      finishedAt: new Date(),
      plannedCount: c.total,
      sentCount: c.sent,
      deliveredCount: c.delivered,
      failedCount: c.failed,
      suppressedCount: c.suppressed,
    })
    .where("id = :id AND state = 'running' AND planning_done = :yes", { id: campaignId, yes: true })
    .execute();
}

/** two planners inserting the same keys at once may deadlock on MariaDB: the loser tries its batch again */
async function withDeadlockRetry<T>(fn: () => Promise<T>, tries = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const code =
        (err as { code?: string; driverError?: { code?: string } }).driverError?.code ??
        (err as { code?: string }).code;
      if (i >= tries || (code !== "ER_LOCK_DEADLOCK" && code !== "ER_LOCK_WAIT_TIMEOUT")) throw err;
      await new Promise((r) => setTimeout(r, 20 * i + Math.floor(Math.random() * 30)));
    }
  }
}

export function todayShanghai(now = new Date()): string {
  return shanghaiDate(now);
}
