/**
 * The arrears register export (欠费台账, issue 15) against a streamed SQL baseline, on MariaDB.
 *
 *   pnpm tsx scripts/bench/arrearsExport.ts [--sizes 5000,10000,20000] [--json-out FILE]
 *   pnpm bench --only arrears [--sizes 5000,10000,20000]
 *
 * For each size: a fresh database (`warmline_bench_<pid>_arrears<size>`) gets the county (seedCounty), a
 * season with tariffs and its bills (generateSeasonBills), and every bill's due date 200 days back, so every
 * account is in arrears with late fee accrued (setup, not measured). Then, each writing a file:
 *   baseline  the raw query of the open bills joined to their accounts and communities, streamed row by row
 *             to CSV (no late fee, no visits, no cases: the floor of any export)
 *   export    writeArrearsRegister — the very function behind GET /staff/legal/arrears-register.xlsx:
 *             batches of 500 accounts, late fee to the day, last visit position, case state, masked
 *             owner, rows committed to exceljs's streaming WorkbookWriter
 * Figures are printed, never asserted: time, ratio, peak RSS Δ of each phase (flat across sizes is the aim).
 */
import "reflect-metadata";
import fs from "node:fs";
import { once } from "node:events";
import path from "node:path";
import { parseArgs } from "node:util";
import ExcelJS from "exceljs";
import type { DataSource } from "typeorm";
import { ENTITIES } from "../../server/src/bootstrap";
import { loadConfig } from "../../server/src/config";
import { openDataSource } from "../../server/src/db/dataSource";
import { PiiVault } from "../../server/src/lib/pii";
import { createSeason, generateSeasonBills, startBillRun } from "../../server/src/modules/billing";
import { writeArrearsRegister } from "../../server/src/modules/legal";
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

/** which statement of the export a query is, for the "where the time went" line */
function classify(sql: string): string {
  const s = sql.trimStart();
  const t = /(?:INTO|FROM|UPDATE)\s+[`"]?(\w+)/i.exec(s)?.[1] ?? "?";
  return `${s.split(/\s+/)[0]?.toUpperCase()} ${t}`;
}

const BASELINE_SQL = `SELECT a.account_no, a.owner_name, c.name AS community, a.address, b.due_date,
       b.amount_fen - b.paid_fen - b.waived_fen AS principal_fen,
       b.late_fee_accrued_fen - b.late_fee_paid_fen - b.late_fee_waived_fen AS late_fee_fen
  FROM bills b JOIN heating_accounts a ON a.id = b.account_id JOIN communities c ON c.id = a.community_id
 WHERE b.status IN ('unpaid', 'partial') ORDER BY b.account_id`;

const csvField = (v: unknown) => {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** the baseline: the query streamed to a CSV file */
async function baseline(ds: DataSource, file: string): Promise<{ rows: number; bytes: number }> {
  const runner = ds.createQueryRunner();
  const out = fs.createWriteStream(file);
  try {
    const stream = await runner.stream(BASELINE_SQL);
    let rows = 0;
    out.write("户号,户主,小区,地址,应缴日,欠费本金,滞纳金\n");
    for await (const r of stream as AsyncIterable<Record<string, unknown>>) {
      rows++;
      const line = `${[r.account_no, r.owner_name, r.community, r.address, r.due_date, r.principal_fen, r.late_fee_fen].map(csvField).join(",")}\n`;
      if (!out.write(line)) await once(out, "drain");
    }
    out.end();
    await once(out, "finish");
    return { rows, bytes: fs.statSync(file).size };
  } finally {
    await runner.release();
  }
}

async function exportXlsx(ds: DataSource, file: string, asOf: string): Promise<{ rows: number; bytes: number }> {
  const out = fs.createWriteStream(file);
  const done = once(out, "finish");
  const rows = await writeArrearsRegister(ds, out, asOf);
  await done;
  return { rows, bytes: fs.statSync(file).size };
}

/** the rows of the written workbook (read back streaming, to check the export is complete) */
async function countXlsxRows(file: string): Promise<number> {
  let n = 0;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: "emit", sharedStrings: "cache" });
  for await (const ws of reader) for await (const _row of ws) n++;
  return n - 1; // the header
}

async function one(accounts: number) {
  const scratch = scratchDir("arrears");
  const db = await benchDatabase(`arrears${accounts}`);
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
    const asOf = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const due = new Date(Date.now() + 8 * 3600_000 - 200 * 86_400_000).toISOString().slice(0, 10);
    await ds.query("UPDATE bills SET due_date = ?, status = 'unpaid', paid_fen = 0", [due]);
    console.log(
      `\n## ${fmt.int(accounts)} accounts in arrears (setup, not measured: seeded in ${fmt.s(seeded.ms)}, bills due ${due})`,
    );
    const csv = path.join(scratch.dir, "baseline.csv");
    const xlsx = path.join(scratch.dir, "register.xlsx");
    const base1 = await measure(() => baseline(ds, csv));
    const tally = sqlTally(ds, classify);
    tally.start();
    const exp = await measure(() => exportXlsx(ds, xlsx, asOf));
    const sql = tally.stop();
    const base2 = await measure(() => baseline(ds, csv));
    const baseMs = (base1.ms + base2.ms) / 2;
    const readBack = await countXlsxRows(xlsx);
    console.log(
      `baseline: ${fmt.int(base1.value.rows)} rows to CSV (${fmt.mib(base1.value.bytes)}) in ${fmt.s(base1.ms)} / ${fmt.s(base2.ms)}, peak RSS ${fmt.mib(Math.max(base1.peakRssDelta, base2.peakRssDelta))}`,
    );
    console.log(
      `export:   ${fmt.int(exp.value.rows)} rows to XLSX (${fmt.mib(exp.value.bytes)}, ${fmt.int(readBack)} rows read back) in ${fmt.s(exp.ms)}, peak RSS ${fmt.mib(exp.peakRssDelta)}; export/baseline ${(exp.ms / baseMs).toFixed(2)}×`,
    );
    const inSql = sql.reduce((t, k) => t + k.ms, 0);
    console.log(
      `  SQL of the export (batches overlap, so the calls' times add up past the wall time): ${fmt.s(inSql)} (${sql
        .slice(0, 5)
        .map((k) => `${k.kind} ×${k.calls} ${fmt.s(k.ms)}`)
        .join(", ")})`,
    );
    const inArrears = Number(
      (await ds.query("SELECT COUNT(DISTINCT account_id) n FROM bills WHERE status IN ('unpaid', 'partial')"))[0].n,
    );
    if (readBack !== exp.value.rows || exp.value.rows !== inArrears)
      console.log(`  PROBLEM: ${inArrears} accounts in arrears, ${exp.value.rows} rows written, ${readBack} read back`);
    return {
      accounts,
      rows: exp.value.rows,
      baseMs,
      exportMs: exp.ms,
      ratio: exp.ms / baseMs,
      baseRss: Math.max(base1.peakRssDelta, base2.peakRssDelta),
      exportRss: exp.peakRssDelta,
      xlsxBytes: exp.value.bytes,
    };
  } finally {
    await ds.destroy();
    await db.drop();
    scratch.remove();
  }
}

export interface ArrearsBenchResult {
  sizes: Awaited<ReturnType<typeof one>>[];
}

/** the summary table (also printed by `pnpm bench --only arrears`) */
export function arrearsSummaryRows(r: ArrearsBenchResult): string[][] {
  return [
    ["accounts", "baseline (CSV)", "export (XLSX)", "export/baseline", "baseline peak RSS Δ", "export peak RSS Δ"],
    ...r.sizes.map((s) => [
      fmt.int(s.accounts),
      fmt.s(s.baseMs),
      fmt.s(s.exportMs),
      fmt.x(s.ratio),
      fmt.mib(s.baseRss),
      fmt.mib(s.exportRss),
    ]),
  ];
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { sizes: { type: "string" }, "json-out": { type: "string" } } });
  const sizes = (values.sizes ?? "5000,10000,20000").split(",").map(Number);
  console.log(`# arrears register export vs streamed CSV — ${machineLine()}`);
  const result: ArrearsBenchResult = { sizes: [] };
  for (const n of sizes) result.sizes.push(await one(n));
  console.log(`\n${table(arrearsSummaryRows(result))}`);
  writeJson(values["json-out"], result);
}
