/**
 * Planning a daily arrears-reminder campaign (issue 13) against a streamed SQL baseline, on MariaDB.
 *
 *   pnpm tsx scripts/bench/reminderPlanning.ts [--sizes 10000,50000] [--json-out FILE]
 *   pnpm bench --only reminders [--sizes 10000,50000]
 *
 * For each size: a fresh database (`warmline_bench_<pid>_reminders<size>`) gets the county (seedCounty), a
 * season with tariffs and its bills (generateSeasonBills), and every bill's due date 40 days back, so every
 * account is 催缴 with a ladder step due (setup, not measured). Then:
 *   baseline   the single SQL query that selects the same accounts and amounts (open bills with their
 *              season's late-fee terms, ordered by account), streamed row by row
 *   planning   planCampaign over the county: grading, the due step, soft-track facts, one reminder row per
 *              account under the unique key and its send job in the outbox, in keyset batches of 2,000 accounts
 *   floor      the same reminder and send-job rows copied server-side (INSERT … SELECT) into empty copies of
 *              their tables: the least that writing those rows costs, so planning/baseline can be read
 *              against (baseline + floor)/baseline
 * Figures are printed, never asserted: time, rows/s, planning/baseline, peak RSS Δ of each phase and the heap
 * the planning kept (after a full GC). Peak RSS includes the garbage V8 lets pile up between major GCs, which
 * grows with the run's length up to V8's headroom; the heap kept is what would grow with the county.
 */
import "reflect-metadata";
import { parseArgs } from "node:util";
import type { DataSource } from "typeorm";
import { ENTITIES } from "../../server/src/bootstrap";
import { loadConfig } from "../../server/src/config";
import { openDataSource } from "../../server/src/db/dataSource";
import type { Deps } from "../../server/src/deps";
import { PiiVault } from "../../server/src/lib/pii";
import { createSeason, generateSeasonBills, startBillRun } from "../../server/src/modules/billing";
import { openCampaign, planCampaign } from "../../server/src/modules/reminders";
import { seedCounty } from "../../server/src/seed/demo";
import {
  BENCH_TARIFFS,
  benchDatabase,
  currentSeasonCode,
  fmt,
  isMain,
  machineLine,
  measure,
  scratchDir,
  sqlTally,
  table,
  writeJson,
} from "./support";

/** which statement of the planning a query is, for the "where the time goes" line */
function classify(sql: string): string {
  const s = sql.trimStart();
  const table = /(?:INTO|FROM|UPDATE)\s+[`"]?(\w+)/i.exec(s)?.[1] ?? "?";
  return `${s.split(/\s+/)[0]?.toUpperCase()} ${table}`;
}

const BASELINE_SQL = `SELECT b.account_id, b.amount_fen, b.paid_fen, b.waived_fen, b.late_fee_accrued_fen,
       b.late_fee_paid_fen, b.late_fee_waived_fen, b.late_fee_accrued_until, b.late_fee_exempt, b.due_date,
       s.code, s.late_fee_rate_bp, s.late_fee_cap_bp, a.hardship_category, a.status
  FROM bills b JOIN heating_seasons s ON s.id = b.season_id JOIN heating_accounts a ON a.id = b.account_id
 WHERE b.status IN ('unpaid', 'partial') ORDER BY b.account_id`;

/** the baseline: the query streamed, each row's owed principal summed (so the rows are really read) */
async function baseline(ds: DataSource): Promise<{ rows: number; owedFen: number }> {
  const runner = ds.createQueryRunner();
  try {
    const stream = await runner.stream(BASELINE_SQL);
    let rows = 0;
    let owedFen = 0;
    for await (const r of stream as AsyncIterable<Record<string, unknown>>) {
      rows++;
      owedFen += Number(r.amount_fen) - Number(r.paid_fen) - Number(r.waived_fen);
    }
    return { rows, owedFen };
  } finally {
    await runner.release();
  }
}

async function one(accounts: number) {
  const scratch = scratchDir("reminders");
  const db = await benchDatabase(`reminders${accounts}`);
  const config = loadConfig({
    NODE_ENV: "test",
    WARMLINE_DEV: "true",
    LOG_LEVEL: "silent",
    DATA_DIR: scratch.dir,
    DB_DRIVER: "mysql",
    DATABASE_URL: db.url,
  });
  const ds = await openDataSource(config.db, ENTITIES);
  try {
    await ds.runMigrations({ transaction: "each" });
    const vault = new PiiVault(config.pii.keys, config.pii.currentKeyId, config.pii.indexKey);
    const seeded = await measure(() => seedCounty(ds, vault, { accounts, staff: false }));
    const season = await createSeason(ds, {
      code: currentSeasonCode(),
      lateFeeRateBp: 5,
      lateFeeCapBp: 10_000,
      tariffs: BENCH_TARIFFS,
    });
    const run = await startBillRun(ds, season.id, null);
    await generateSeasonBills(ds, run.id);
    const due = new Date(Date.now() + 8 * 3600_000 - 40 * 86_400_000).toISOString().slice(0, 10);
    await ds.query("UPDATE bills SET due_date = ?", [due]);
    console.log(
      `\n## ${fmt.int(accounts)} accounts (setup, not measured: seeded in ${fmt.s(seeded.ms)}, bills due ${due})`,
    );

    const base1 = await measure(() => baseline(ds));
    const deps = { ds, config } as unknown as Deps;
    const tally = sqlTally(ds, classify);
    tally.start();
    const plan = await measure(async () => {
      const c = await openCampaign(ds, deps, {
        planKey: `bench:${accounts}`,
        kind: "daily",
        planDate: new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10),
        startedBy: null,
      });
      return planCampaign(deps, c.id);
    });
    const sql = tally.stop();
    const base2 = await measure(() => baseline(ds));
    const baseMs = (base1.ms + base2.ms) / 2;
    const reminders = Number((await ds.query("SELECT COUNT(*) n FROM reminders"))[0].n);
    const jobs = Number((await ds.query("SELECT COUNT(*) n FROM outbox WHERE job_name = 'reminders.send'"))[0].n);
    console.log(
      `baseline: ${fmt.int(base1.value.rows)} rows streamed in ${fmt.s(base1.ms)} / ${fmt.s(base2.ms)}, peak RSS ${fmt.mib(Math.max(base1.peakRssDelta, base2.peakRssDelta))}`,
    );
    console.log(
      `planning: ${fmt.int(plan.value.planned)} reminders (${fmt.int(reminders)} rows, ${fmt.int(jobs)} send jobs) in ${fmt.s(plan.ms)}, peak RSS ${fmt.mib(plan.peakRssDelta)} (heap kept after GC ${fmt.mib(plan.retainedHeapDelta)}); planning/baseline ${(plan.ms / baseMs).toFixed(2)}×`,
    );
    // the write floor: the same reminder and job rows copied inside the server into empty copies of their
    // tables (same indexes) — no grading, chain or round trips: what writing these rows costs at the least
    await ds.query("CREATE TABLE reminders_floor LIKE reminders");
    await ds.query("CREATE TABLE outbox_floor LIKE outbox");
    const floor = await measure(async () => {
      await ds.query("INSERT INTO reminders_floor SELECT * FROM reminders");
      await ds.query("INSERT INTO outbox_floor SELECT * FROM outbox WHERE job_name = 'reminders.send'");
    });
    await ds.query("DROP TABLE reminders_floor");
    await ds.query("DROP TABLE outbox_floor");
    const floorRatio = (baseMs + floor.ms) / baseMs;
    console.log(
      `write floor: the same ${fmt.int(reminders)} reminders and ${fmt.int(jobs)} jobs copied server-side into empty copies of their tables in ${fmt.s(floor.ms)}; (baseline + floor)/baseline ${floorRatio.toFixed(2)}×, planning/(baseline + floor) ${(plan.ms / (baseMs + floor.ms)).toFixed(2)}×`,
    );
    const inSql = sql.reduce((t, k) => t + k.ms, 0);
    console.log(
      `  where the planning's time went: ${fmt.s(inSql)} waiting on SQL (${sql
        .slice(0, 6)
        .map((k) => `${k.kind} ×${k.calls} ${fmt.s(k.ms)}`)
        .join(", ")}), ${fmt.s(plan.ms - inSql)} in JavaScript`,
    );
    return {
      accounts,
      baseMs,
      planMs: plan.ms,
      ratio: plan.ms / baseMs,
      floorMs: floor.ms,
      floorRatio,
      planRss: plan.peakRssDelta,
      planRetained: plan.retainedHeapDelta,
      baseRss: base1.peakRssDelta,
    };
  } finally {
    await ds.destroy();
    await db.drop();
    scratch.remove();
  }
}

export interface ReminderBenchResult {
  sizes: Awaited<ReturnType<typeof one>>[];
}

/** the summary table (also printed by `pnpm bench --only reminders`) */
export function reminderSummaryRows(r: ReminderBenchResult): string[][] {
  return [
    [
      "accounts",
      "baseline",
      "planning",
      "planning/baseline",
      "write floor",
      "(baseline+floor)/baseline",
      "baseline peak RSS Δ",
      "planning peak RSS Δ",
      "planning heap kept",
    ],
    ...r.sizes.map((s) => [
      fmt.int(s.accounts),
      fmt.s(s.baseMs),
      fmt.s(s.planMs),
      `${s.ratio.toFixed(2)}×`,
      fmt.s(s.floorMs),
      `${s.floorRatio.toFixed(2)}×`,
      fmt.mib(s.baseRss),
      fmt.mib(s.planRss),
      fmt.mib(s.planRetained),
    ]),
  ];
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { sizes: { type: "string" }, "json-out": { type: "string" } } });
  const sizes = (values.sizes ?? "10000,50000").split(",").map(Number);
  console.log(`# reminder planning vs streamed SELECT — ${machineLine()}`);
  const result: ReminderBenchResult = { sizes: [] };
  for (const n of sizes) result.sizes.push(await one(n));
  console.log(`\n${table(reminderSummaryRows(result))}`);
  writeJson(values["json-out"], result);
}
