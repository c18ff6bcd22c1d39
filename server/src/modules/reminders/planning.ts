import {
  arrearsAge,
  type BizDate,
  type CampaignKind,
  dueStep,
  gradeOf,
  type HardshipStatus,
  hardshipStatusOf,
  isSoftTrack,
  type LadderDefinition,
  type LateFeePolicy,
  OPEN_HARDSHIP_APP_STATUSES,
  owedAt,
  type ReminderGrade,
  shanghaiDate,
} from "@warmline/shared";
import { type DataSource, type EntityManager, In } from "typeorm";
import type { Deps } from "../../deps";
import { driverOf } from "../../db/dataSource";
import { enqueueMany } from "../../jobs/outbox";
import type { HeatingAccount } from "../accounts";
import { HeatingSeason, policyOf } from "../billing";
import { chainStamp, lockHeads, sealRows, writeHeads } from "../evidence";
import { Reminder, ReminderCampaign } from "./entities";
import { currentLadder } from "./ladder";
import { SEND_JOB_ATTEMPTS } from "./sending";
import { REMINDER_SEND_JOB } from "./visitTasks";

/** accounts looked at per transaction */
export const PLAN_BATCH = 2000;
/** reminder rows per INSERT statement (17 parameters each: within SQLite's 32,766) */
const INSERT_SLICE = 1000;
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

/** a complaint is open until the resident's follow-up closes it (resolved still awaits the 回访) */
export const OPEN_TICKET_STATUSES = ["new", "responded", "dispatched", "on_site", "resolved"];

type Raw = Record<string, unknown>;
const num = (v: unknown) => Number(v ?? 0);
const bool = (v: unknown) => v === true || v === 1 || v === "1" || (Buffer.isBuffer(v) && v[0] === 1);

/** the columns a planned reminder row is written with (the rest take their defaults) */
const REMINDER_COLUMNS = [
  "campaign_id",
  "account_id",
  "step_key",
  "season_code",
  "grade",
  "soft",
  "chain",
  "chain_index",
  "template",
  "review",
  "status",
  "owed_fen",
  "planned_for",
] as const;

/**
 * The open bills of the accounts in (after, upTo] with their account's facts: one range scan of the
 * accounts' primary key joined to the bills' (account, season) key — the same rows the bench's baseline
 * streams, a batch at a time.
 */
const OPEN_BILLS_SQL = (upTo: boolean) => `SELECT b.account_id, b.season_id, b.amount_fen, b.paid_fen, b.waived_fen,
       b.late_fee_accrued_fen, b.late_fee_paid_fen, b.late_fee_waived_fen, b.late_fee_accrued_until,
       b.late_fee_exempt, b.due_date, a.hardship_category, a.status AS account_status
  FROM heating_accounts a JOIN bills b ON b.account_id = a.id
 WHERE a.id > ?${upTo ? " AND a.id <= ?" : ""} AND b.status IN ('unpaid', 'partial')
 ORDER BY a.id`;

/**
 * Soft-track facts of the accounts in (after, upTo] in one round trip: open hardship applications, payment
 * plans (the newest of each account counts) and open heating-quality complaints.
 */
function softFactsSql(upTo: boolean): string {
  const range = `account_id > ?${upTo ? " AND account_id <= ?" : ""}`;
  const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(", ");
  return `SELECT 'a' AS k, account_id, 0 AS id, '' AS kind, '' AS status FROM hardship_applications
   WHERE ${range} AND status IN (${list(OPEN_HARDSHIP_APP_STATUSES)})
  UNION ALL SELECT 'p' AS k, account_id, id, kind, status FROM payment_plans WHERE ${range}
  UNION ALL SELECT 't' AS k, account_id, 0 AS id, '' AS kind, '' AS status FROM tickets
   WHERE ${range} AND category IN (${list(HEATING_COMPLAINT_CATEGORIES)}) AND status IN (${list(OPEN_TICKET_STATUSES)})`;
}

async function softFacts(m: EntityManager, after: number, upTo: number | null) {
  const params = upTo === null ? [after] : [after, upTo];
  const rows: Raw[] = await m.query(softFactsSql(upTo !== null), [...params, ...params, ...params]);
  const applying = new Set<number>();
  const heating = new Set<number>();
  const latestPlan = new Map<number, { id: number; kind: string; status: string }>();
  for (const r of rows) {
    const id = num(r.account_id);
    if (r.k === "a") applying.add(id);
    else if (r.k === "t") heating.add(id);
    else {
      const known = latestPlan.get(id);
      if (!known || known.id < num(r.id))
        latestPlan.set(id, { id: num(r.id), kind: String(r.kind), status: String(r.status) });
    }
  }
  return (id: number): { hardship: HardshipStatus; heating: boolean } => {
    const plan = latestPlan.get(id);
    return {
      hardship: hardshipStatusOf(
        applying.has(id),
        plan ? ({ kind: plan.kind, status: plan.status } as Parameters<typeof hardshipStatusOf>[1]) : null,
      ),
      heating: heating.has(id),
    };
  };
}

/** an account's open bills summed as the resident would pay them on `asOf` (late fee brought up to it) */
function arrearsOfRows(
  rows: Raw[],
  seasons: Map<number, { code: string; policy: LateFeePolicy }>,
  asOf: BizDate,
): { owedFen: number; oldestDueDate: string; oldestSeason: string } | null {
  let owed = 0;
  let oldest: { due: string; season: string } | null = null;
  for (const b of rows) {
    const season = seasons.get(num(b.season_id));
    if (!season) continue;
    const o = owedAt(
      {
        amountFen: num(b.amount_fen),
        paidFen: num(b.paid_fen),
        waivedFen: num(b.waived_fen),
        lateFeeAccruedFen: num(b.late_fee_accrued_fen),
        lateFeePaidFen: num(b.late_fee_paid_fen),
        lateFeeWaivedFen: num(b.late_fee_waived_fen),
        lateFeeAccruedUntil: (b.late_fee_accrued_until as string | null) ?? null,
        dueDate: String(b.due_date),
        lateFeeExempt: bool(b.late_fee_exempt),
      },
      asOf,
      season.policy,
    );
    if (o.total <= 0) continue;
    owed += o.total;
    const due = String(b.due_date);
    if (!oldest || due < oldest.due) oldest = { due, season: season.code };
  }
  return oldest ? { owedFen: owed, oldestDueDate: oldest.due, oldestSeason: oldest.season } : null;
}

/**
 * Writes planned reminder rows, each already chained: under the locks of the accounts' evidence-chain heads,
 * the rows whose key (account, step, season) exists already (a rerun, another worker, an earlier campaign's
 * step) are dropped, the rest get their chain position and hash and go in one multi-row INSERT per slice,
 * and the heads move on. A second planner of the same accounts waits on the heads until the first commits
 * and then finds the keys taken. Call it in the batch's transaction. This is the one place the planning
 * inserts reminder rows.
 */
export async function insertPlannedReminders(m: EntityManager, rows: PlannedRow[], now = new Date()): Promise<number> {
  if (rows.length === 0) return 0;
  // heads read with a locking read (no upsert first: withDeadlockRetry takes the rare race on new chains)
  const heads = await lockHeads(
    m,
    "reminders",
    rows.map((r) => r.accountId),
    { create: false },
  );
  const taken = new Set<string>();
  const key = (accountId: unknown, step: unknown, season: unknown) => `${Number(accountId)}|${step}|${season}`;
  for (let i = 0; i < rows.length; i += INSERT_SLICE) {
    const part = rows.slice(i, i + INSERT_SLICE);
    // a locking read on MariaDB: rows another planner committed while this one waited on the heads count
    const found: Raw[] = await m.query(
      `SELECT account_id, step_key, season_code FROM reminders WHERE account_id IN (${part.map(() => "?").join(", ")})${driverOf(m.connection) === "mysql" ? " FOR UPDATE" : ""}`,
      part.map((r) => r.accountId),
    );
    for (const f of found) taken.add(key(f.account_id, f.step_key, f.season_code));
  }
  const fresh = rows.filter((r) => !taken.has(key(r.accountId, r.stepKey, r.seasonCode)));
  if (fresh.length === 0) return 0;
  const createdAt = chainStamp(m, now);
  const sealed = sealRows(
    "reminders",
    fresh.map((r) => ({
      campaign_id: r.campaignId,
      account_id: r.accountId,
      step_key: r.stepKey,
      season_code: r.seasonCode,
      grade: r.grade,
      soft: r.soft ? 1 : 0,
      chain: r.chain,
      template: r.template,
      owed_fen: r.owedFen,
      planned_for: r.plannedFor,
      created_by: null,
      created_at: createdAt,
    })),
    heads,
  );
  const cols = [...REMINDER_COLUMNS, "created_at", "chain_seq", "chain_prev", "chain_hash"];
  for (let i = 0; i < sealed.length; i += INSERT_SLICE) {
    const part = sealed.slice(i, i + INSERT_SLICE);
    const values = part.map(() => `(${cols.map(() => "?").join(", ")})`).join(", ");
    const params = part.flatMap((r, k) => [
      r.campaign_id,
      r.account_id,
      r.step_key,
      r.season_code,
      r.grade,
      r.soft,
      r.chain,
      0,
      r.template,
      fresh[i + k]?.review ? 1 : 0,
      "planned",
      r.owed_fen,
      r.planned_for,
      r.created_at,
      r.chain_seq,
      r.chain_prev,
      r.chain_hash,
    ]);
    const ids: Raw[] = await m.query(
      `INSERT INTO reminders (${cols.join(", ")}) VALUES ${values} RETURNING id, account_id`,
      params,
    );
    // the head names its chain's last row (a deleted tail row then shows)
    for (const r of ids) {
      const h = heads.get(num(r.account_id));
      if (h) h.lastRowId = Math.max(h.lastRowId ?? 0, num(r.id));
    }
  }
  const moved = new Set(fresh.map((r) => r.accountId));
  await writeHeads(m, "reminders", new Map([...heads].filter(([g]) => moved.has(g))));
  return fresh.length;
}

export interface PlannedRow {
  campaignId: number;
  accountId: number;
  stepKey: string;
  seasonCode: string;
  grade: ReminderGrade;
  soft: boolean;
  chain: string;
  template: string;
  review: boolean;
  owedFen: number;
  plannedFor: string;
}

/**
 * Plans one campaign: the accounts by primary key in keyset batches of PLAN_BATCH (the bounds from the
 * key itself, so memory stays flat whatever the county's size); per batch one query for the open bills
 * with their accounts, one for the soft-track facts, the grade and ladder step of each account in memory,
 * one multi-row INSERT of the reminders under the unique key (account, step, season), one SELECT of the
 * batch's reminders of this campaign that still wait, and one multi-row INSERT of their send jobs (dedupe
 * key per reminder) — all in one transaction per batch. A rerun, a crash halfway (the next run skips what
 * exists) or two workers at once plan nothing twice. Send jobs are spread over time at the slowest
 * channel's rate so the per-channel limiter rarely has to push one back.
 */
export async function planCampaign(deps: Deps, campaignId: number, now = new Date()): Promise<{ planned: number }> {
  const { ds, config } = deps;
  const campaign = await ds.getRepository(ReminderCampaign).findOneByOrFail({ id: campaignId });
  if (campaign.state === "cancelled" || campaign.state === "done") return { planned: 0 };
  const ladder: LadderDefinition = (await currentLadder(ds, config)).definition;
  const t = config.reminders.thresholds;
  const asOf = campaign.planDate;
  const slowest = Math.max(1, Math.min(ladder.settings.ratePerSecond.sms, ladder.settings.ratePerSecond.subscribe));
  const seasons = new Map(
    (await ds.getRepository(HeatingSeason).find()).map((s) => [s.id, { code: s.code, policy: policyOf(s) }]),
  );
  let planned = 0;
  let after = 0;
  // send jobs already written for this campaign (a rerun's spread starts after them)
  let spread = await ds.getRepository(Reminder).countBy({ campaignId });
  for (;;) {
    // the batch's upper bound from the primary key (null: the rest of the table)
    const bound: Raw[] = await ds.query(`SELECT id FROM heating_accounts WHERE id > ? ORDER BY id LIMIT 1 OFFSET ?`, [
      after,
      PLAN_BATCH - 1,
    ]);
    const upTo = bound.length ? num(bound[0]?.id) : null;
    const range = upTo === null ? [after] : [after, upTo];
    const batchAfter = after;
    await withDeadlockRetry(() =>
      ds.transaction(async (m) => {
        const bills: Raw[] = await m.query(OPEN_BILLS_SQL(upTo !== null), range);
        if (bills.length === 0) return;
        const soft = await softFacts(m, batchAfter, upTo);
        const rows: PlannedRow[] = [];
        for (let i = 0; i < bills.length; ) {
          const accountId = num(bills[i]?.account_id);
          let j = i;
          while (j < bills.length && num(bills[j]?.account_id) === accountId) j++;
          const first = bills[i] as Raw;
          const own = bills.slice(i, j);
          i = j;
          if (first.account_status === "closed") continue;
          const ar = arrearsOfRows(own, seasons, asOf);
          if (!ar) continue;
          const state = { oldestDueDate: ar.oldestDueDate, owedFen: ar.owedFen };
          const grade = gradeOf(state, asOf, t);
          if (!grade) continue;
          const step = dueStep(ladder.steps, grade, arrearsAge(state, asOf));
          if (!step) continue;
          const f = soft(accountId);
          const isSoft = isSoftTrack({
            hardshipCategory: String(first.hardship_category) as HeatingAccount["hardshipCategory"],
            hardshipStatus: f.hardship,
            openHeatingComplaint: f.heating,
          });
          rows.push({
            campaignId,
            accountId,
            stepKey: step.key,
            seasonCode: ar.oldestSeason,
            grade,
            soft: isSoft,
            chain: step.chain.join(","),
            template: isSoft ? "soft" : step.template,
            review: step.review ?? false,
            owedFen: ar.owedFen,
            plannedFor: asOf,
          });
        }
        if (rows.length === 0) return;
        await insertPlannedReminders(m, rows, now);
        const n = await enqueueSendJobs(m, { campaignId, after: batchAfter, upTo, now, spread, slowest });
        spread += n;
        planned += n;
      }),
    );
    if (upTo === null) break;
    after = upTo;
  }
  await ds.getRepository(ReminderCampaign).update({ id: campaignId }, { planningDone: true });
  await finishCampaignIfDone(ds, campaignId);
  return { planned };
}

/**
 * The send jobs of this campaign's reminders in the account range that still wait, one per reminder
 * (dedupe key `reminders.send:<id>:0`: one that exists is left as it is), spread over time at `slowest`
 * per second after `spread` earlier ones. MariaDB: one INSERT … SELECT (the rows never leave the server);
 * SQLite: the ids read and one multi-row INSERT through the outbox. Returns how many reminders it covered.
 */
async function enqueueSendJobs(
  m: EntityManager,
  b: { campaignId: number; after: number; upTo: number | null; now: Date; spread: number; slowest: number },
): Promise<number> {
  const range = b.upTo === null ? [b.after] : [b.after, b.upTo];
  const where = `account_id > ?${b.upTo === null ? "" : " AND account_id <= ?"} AND campaign_id = ? AND status = 'planned'`;
  if (driverOf(m.connection) === "mysql") {
    const res = await m.query(
      `INSERT INTO outbox (job_name, payload, dedupe_key, status, attempts, max_attempts, available_at)
       SELECT ?, CONCAT('{"reminderId":', r.id, '}'), CONCAT(?, ':', r.id, ':0'), 'pending', 0, ?,
              DATE_ADD(CAST(? AS DATETIME(6)), INTERVAL FLOOR((? + r.rn - 1) / ?) SECOND)
         FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM reminders WHERE ${where}) r
       ON DUPLICATE KEY UPDATE dedupe_key = outbox.dedupe_key`,
      [REMINDER_SEND_JOB, REMINDER_SEND_JOB, SEND_JOB_ATTEMPTS, b.now, b.spread, b.slowest, ...range, b.campaignId],
    );
    // rows affected: 1 per job written, 0 per key that was there (a rerun)
    return num((res as { affectedRows?: number }).affectedRows);
  }
  const mine: Raw[] = await m.query(`SELECT id FROM reminders WHERE ${where} ORDER BY id`, [...range, b.campaignId]);
  const jobs = mine.map((r, k) => {
    const id = num(r.id);
    const at = new Date(b.now.getTime() + Math.floor((b.spread + k) / b.slowest) * 1000);
    return { payload: { reminderId: id }, dedupeKey: `${REMINDER_SEND_JOB}:${id}:0`, at };
  });
  await enqueueMany(m, REMINDER_SEND_JOB, jobs, { maxAttempts: SEND_JOB_ATTEMPTS });
  return mine.length;
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
