import { type AccountCategory, seasonAmountFen } from "@warmline/shared";
import { type DataSource, In, MoreThan, Not } from "typeorm";
import { z } from "zod";
import { AppError } from "../../http/errors";
import { enqueue } from "../../jobs/outbox";
import { defineJob } from "../../jobs/registry";
import { HeatingAccount, heatingStatusesForSeason } from "../accounts";
import { Bill, BillRun, HeatingSeason, Tariff } from "./entities";

const CHUNK = 1000;

/** Accounts that get a season bill: everything not closed (报停 accounts get the base-fee bill). */
const billable = { status: Not("closed" as const) };

/**
 * Starts season bill generation: a run row with progress and its job, in one transaction. Refuses when an
 * account category that has billable accounts has no tariff.
 */
export async function startBillRun(ds: DataSource, seasonId: number, requestedBy: number | null): Promise<BillRun> {
  const season = await ds.getRepository(HeatingSeason).findOneBy({ id: seasonId });
  if (!season) throw new AppError("SEASON_NOT_FOUND");
  const priced = new Set((await ds.getRepository(Tariff).findBy({ seasonId })).map((t) => t.category));
  const used: { category: AccountCategory }[] = await ds
    .getRepository(HeatingAccount)
    .createQueryBuilder("a")
    .select("DISTINCT a.category", "category")
    .where("a.status <> 'closed'")
    .getRawMany();
  const missing = used.map((u) => u.category).filter((c) => !priced.has(c));
  if (missing.length) throw new AppError("TARIFF_MISSING", { categories: missing });
  return ds.transaction(async (m) => {
    const run = await m
      .getRepository(BillRun)
      .save(
        m
          .getRepository(BillRun)
          .create({ seasonId, status: "queued", requestedBy, total: 0, processed: 0, created: 0, skipped: 0 }),
      );
    await enqueue(m, "billing.generate_season", { runId: run.id }, { dedupeKey: `bill_run:${run.id}` });
    return run;
  });
}

/**
 * Creates the season's bills for every billable account, a chunk of accounts at a time (one multi-row
 * INSERT … IGNORE each), recording progress on the run. Rerunning creates nothing twice: the unique key
 * (account, season) ignores rows that exist.
 */
export async function generateSeasonBills(ds: DataSource, runId: number): Promise<BillRun> {
  const runs = ds.getRepository(BillRun);
  const run = await runs.findOneByOrFail({ id: runId });
  if (run.status === "done") return run;
  const season = await ds.getRepository(HeatingSeason).findOneByOrFail({ id: run.seasonId });
  const tariffs = new Map((await ds.getRepository(Tariff).findBy({ seasonId: season.id })).map((t) => [t.category, t]));
  const accounts = ds.getRepository(HeatingAccount);
  const total = await accounts.countBy(billable);
  await runs.update(
    { id: runId },
    { status: "running", total, processed: 0, created: 0, skipped: 0, startedAt: new Date(), error: null },
  );

  let lastId = 0;
  let processed = 0;
  let created = 0;
  let skipped = 0;
  const bills = ds.getRepository(Bill);
  for (;;) {
    const chunk = await accounts.find({
      select: { id: true, heatedArea: true, category: true, status: true },
      where: { ...billable, id: MoreThan(lastId) },
      order: { id: "ASC" },
      take: CHUNK,
    });
    if (chunk.length === 0) break;
    lastId = chunk[chunk.length - 1].id;
    // 报停 in this season: granted 报停/复供 applications (accounts' heating-status history), else the register
    const heating = await heatingStatusesForSeason(ds.manager, season.code, chunk);
    const rows = chunk.flatMap((a) => {
      const tariff = tariffs.get(a.category);
      if (!tariff) return [];
      const suspended = heating.get(a.id) === "suspended";
      return [
        {
          accountId: a.id,
          seasonId: season.id,
          category: a.category,
          heatedArea: a.heatedArea,
          unitPriceFen: tariff.unitPriceFen,
          suspended,
          amountFen: seasonAmountFen(a.heatedArea, tariff, suspended),
          dueDate: season.dueDate,
          status: "unpaid" as const,
        },
      ];
    });
    const ids = chunk.map((a) => a.id);
    const before = await bills.countBy({ seasonId: season.id, accountId: In(ids) });
    // updateEntity(false): TypeORM would re-read the inserted rows with one OR term per row, which SQLite
    // refuses for a large chunk ("Expression tree is too large")
    if (rows.length) await bills.createQueryBuilder().insert().values(rows).orIgnore().updateEntity(false).execute();
    const after = await bills.countBy({ seasonId: season.id, accountId: In(ids) });
    processed += chunk.length;
    created += after - before;
    skipped += chunk.length - (after - before);
    await runs.update({ id: runId }, { processed, created, skipped });
  }
  await runs.update({ id: runId }, { status: "done", finishedAt: new Date() });
  return runs.findOneByOrFail({ id: runId });
}

export const generateSeasonBillsJob = defineJob({
  name: "billing.generate_season",
  schema: z.object({ runId: z.number().int().positive() }),
  maxAttempts: 3,
  async handle({ runId }, { ds, attempt }) {
    try {
      await generateSeasonBills(ds, runId);
    } catch (err) {
      // only the last attempt is final; before that the run waits for its retry
      const final = attempt >= 3;
      await ds.getRepository(BillRun).update(
        { id: runId },
        {
          status: final ? "failed" : "queued",
          error: final ? "账单生成失败，请联系管理员查看日志" : `第 ${attempt} 次尝试失败，稍后自动重试`,
        },
      );
      throw err;
    }
  },
});

export function presentRun(r: BillRun) {
  return {
    id: r.id,
    seasonId: r.seasonId,
    status: r.status,
    total: r.total,
    processed: r.processed,
    created: r.created,
    skipped: r.skipped,
    error: r.error,
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}
