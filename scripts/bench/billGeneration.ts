/**
 * Season bill generation against a raw INSERT baseline, on MariaDB and on SQLite.
 *
 *   pnpm tsx scripts/bench/billGeneration.ts [--accounts 50000] [--driver mysql|sqlite|both] [--profile DIR]
 *                                            [--json-out FILE]
 *
 * For each driver: a fresh database (MariaDB `warmline_bench_<pid>_bills`, or a temporary SQLite file) gets
 * the county (seedCounty, setup, not measured), a season with tariffs (createSeason) and a bill run
 * (startBillRun). Then, in this order:
 *   raw #1      the same rows as one multi-row INSERT per 1,000 through the same DataSource (ds.query) into
 *               `bills_raw`, a copy of `bills` (CREATE TABLE … LIKE, plus the same foreign keys)
 *   generation  generateSeasonBills(ds, runId) for every billable account into `bills`
 *   raw #2      raw #1 again (bills_raw emptied first), so the baseline brackets the generation in time
 * The ratio is generation time / mean raw time. Rows are computed the same way (seasonAmountFen) and
 * compared column by column afterwards. Figures are printed, never asserted.
 */
import "reflect-metadata";
import { parseArgs } from "node:util";
import { seasonAmountFen } from "@warmline/shared";
import type { DataSource } from "typeorm";
import { loadConfig } from "../../server/src/config";
import { ENTITIES } from "../../server/src/bootstrap";
import { openDataSource } from "../../server/src/db/dataSource";
import { PiiVault } from "../../server/src/lib/pii";
import {
  generateSeasonBills,
  startBillRun,
  HeatingSeason,
  Tariff,
  createSeason,
} from "../../server/src/modules/billing";
import { seedCounty } from "../../server/src/seed/demo";
import {
  BENCH_TARIFFS,
  benchDatabase,
  currentSeasonCode,
  fmt,
  isMain,
  machineLine,
  measure,
  type PhaseResult,
  positiveInt,
  profiled,
  scratchDir,
  sqlTally,
  table,
  writeJson,
} from "./support";

export type Driver = "mysql" | "sqlite";
const RAW_BATCH = 1000;
const RAW_COLUMNS = [
  "account_id",
  "season_id",
  "category",
  "heated_area",
  "unit_price_fen",
  "suspended",
  "amount_fen",
  "due_date",
  "status",
] as const;

export interface PhaseFigures {
  ms: number;
  rowsPerS: number;
  peakRssDeltaMiB: number;
}

export interface BillDriverFigures {
  driver: Driver;
  accounts: number;
  rows: number;
  seedMs: number;
  generation: PhaseFigures;
  raw: PhaseFigures;
  rawRuns: PhaseFigures[];
  ratio: number;
  identical: boolean;
  sqlShareOfGeneration: number;
}

export interface BillBenchResult {
  accounts: number;
  drivers: BillDriverFigures[];
}

interface AccountRow {
  id: number;
  heated_area: number;
  category: string;
  status: string;
}

function figures(p: PhaseResult<unknown>, rows: number): PhaseFigures {
  return { ms: p.ms, rowsPerS: rows / (p.ms / 1000), peakRssDeltaMiB: p.peakRssDelta / 2 ** 20 };
}

/** Where a statement of the generation belongs, for the "where the time goes" lines. */
function classify(sql: string): string {
  const s = sql.trimStart();
  if (/^INSERT/i.test(s)) return /bills_raw/.test(s) ? "INSERT bills_raw" : "INSERT bills (1,000 rows)";
  if (/^UPDATE/i.test(s)) return `UPDATE ${/UPDATE\s+[`"]?(\w+)/i.exec(s)?.[1] ?? "?"}`;
  if (/^SELECT\s+COUNT/i.test(s) && /FROM\s+[`"]bills[`"]/i.test(s)) return "COUNT bills of the chunk (before/after)";
  if (/FROM\s+[`"]heating_accounts[`"]/i.test(s)) return /COUNT\(/i.test(s) ? "COUNT accounts" : "SELECT account chunk";
  return "other";
}

/** bills_raw: an empty copy of bills with the same indexes and foreign keys. */
async function createRawTable(ds: DataSource, driver: Driver): Promise<string> {
  if (driver === "mysql") {
    await ds.query("CREATE TABLE `bills_raw` LIKE `bills`");
    // LIKE copies columns and indexes but not foreign keys: add the same ones, so both tables check the same
    const fks: { name: string; col: string; refTable: string; refCol: string }[] = await ds.query(
      `SELECT CONSTRAINT_NAME name, COLUMN_NAME col, REFERENCED_TABLE_NAME refTable, REFERENCED_COLUMN_NAME refCol
         FROM information_schema.KEY_COLUMN_USAGE
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'bills' AND REFERENCED_TABLE_NAME IS NOT NULL`,
    );
    for (const fk of fks) {
      await ds.query(
        `ALTER TABLE \`bills_raw\` ADD CONSTRAINT \`${fk.name}_raw\` FOREIGN KEY (\`${fk.col}\`) REFERENCES \`${fk.refTable}\`(\`${fk.refCol}\`)`,
      );
    }
    return `CREATE TABLE bills_raw LIKE bills, plus its ${fks.length} foreign keys (LIKE does not copy them)`;
  }
  const ddl: { type: string; sql: string }[] = await ds.query(
    "SELECT type, sql FROM sqlite_master WHERE tbl_name = 'bills' AND sql IS NOT NULL ORDER BY type DESC",
  );
  for (const d of ddl) {
    await ds.query(d.sql.replace(/"bills"/g, '"bills_raw"').replace(/"(IDX_[^"]+)"/g, '"$1_raw"'));
  }
  return "bills' own CREATE TABLE and CREATE INDEX statements (sqlite_master), renamed to bills_raw";
}

/** The baseline: the same rows as generateSeasonBills writes, 1,000 per INSERT, through ds.query. */
async function rawInsert(
  ds: DataSource,
  accounts: AccountRow[],
  season: HeatingSeason,
  tariffs: Map<string, Tariff>,
): Promise<number> {
  const rowSql = `(${RAW_COLUMNS.map(() => "?").join(", ")})`;
  let written = 0;
  for (let i = 0; i < accounts.length; i += RAW_BATCH) {
    const params: unknown[] = [];
    let n = 0;
    for (const a of accounts.slice(i, i + RAW_BATCH)) {
      const tariff = tariffs.get(a.category);
      if (!tariff) continue;
      const suspended = a.status === "suspended";
      params.push(
        a.id,
        season.id,
        a.category,
        a.heated_area,
        tariff.unitPriceFen,
        suspended ? 1 : 0,
        seasonAmountFen(a.heated_area, tariff, suspended),
        season.dueDate,
        "unpaid",
      );
      n++;
    }
    if (n === 0) continue;
    await ds.query(
      `INSERT INTO bills_raw (${RAW_COLUMNS.join(", ")}) VALUES ${Array(n).fill(rowSql).join(", ")}`,
      params,
    );
    written += n;
  }
  return written;
}

async function one(
  driver: Driver,
  accounts: number,
  log: (s: string) => void,
  profileDir?: string,
): Promise<BillDriverFigures> {
  const scratch = scratchDir("bills");
  const db = driver === "mysql" ? await benchDatabase("bills") : null;
  const config = loadConfig({
    NODE_ENV: "test",
    WARMLINE_DEV: "true",
    LOG_LEVEL: "silent",
    DATA_DIR: scratch.dir,
    DB_DRIVER: driver,
    ...(db ? { DATABASE_URL: db.url } : { SQLITE_FILE: `${scratch.dir}/bench.sqlite` }),
  });
  const ds = await openDataSource(config.db, ENTITIES);
  const label = driver === "mysql" ? `MariaDB (database ${db?.name})` : `SQLite (${config.db.sqliteFile}, WAL)`;
  try {
    await ds.runMigrations({ transaction: "each" });
    const vault = new PiiVault(config.pii.keys, config.pii.currentKeyId, config.pii.indexKey);
    log(`\n## ${label}`);
    const seeded = await measure(() => seedCounty(ds, vault, { accounts, staff: false }));
    const season = await createSeason(ds, {
      code: currentSeasonCode(),
      lateFeeRateBp: 5,
      lateFeeCapBp: 10_000,
      tariffs: BENCH_TARIFFS,
    });
    const run = await startBillRun(ds, season.id, null);
    const rawDdl = await createRawTable(ds, driver);
    log(
      `setup (not measured): county of ${fmt.int(seeded.value.accounts)} accounts seeded in ${fmt.s(seeded.ms)}; season ${season.code} with ${BENCH_TARIFFS.length} tariffs; bill run #${run.id}`,
    );
    log(`bills_raw: ${rawDdl}`);

    const readStart = performance.now();
    const billable: AccountRow[] = (
      await ds.query(
        "SELECT id, heated_area, category, status FROM heating_accounts WHERE status <> 'closed' ORDER BY id",
      )
    ).map((a: AccountRow) => ({ ...a, id: Number(a.id), heated_area: Number(a.heated_area) }));
    const readMs = performance.now() - readStart;
    const freshSeason = await ds.getRepository(HeatingSeason).findOneByOrFail({ id: season.id });
    const tariffs = new Map(
      (await ds.getRepository(Tariff).findBy({ seasonId: season.id })).map((t) => [t.category, t]),
    );
    log(
      `baseline input: ${fmt.int(billable.length)} billable accounts read in one SELECT in ${fmt.ms(readMs)} (before the timer; the generation reads them itself, 1,000 at a time)`,
    );

    const tally = sqlTally(ds, classify);
    const rawRuns: PhaseResult<number>[] = [];
    const runRaw = async () => {
      await ds.query(driver === "mysql" ? "TRUNCATE TABLE bills_raw" : "DELETE FROM bills_raw");
      tally.start();
      const r = await measure(() => rawInsert(ds, billable, freshSeason, tariffs));
      const sql = tally.stop();
      rawRuns.push(r);
      const inSql = sql.reduce((s, k) => s + k.ms, 0);
      log(
        `raw #${rawRuns.length}: ${fmt.int(r.value)} rows in ${fmt.s(r.ms)} (${fmt.int(r.value / (r.ms / 1000))} rows/s), peak RSS ${fmt.mib(r.peakRssDelta)}; ${Math.round((100 * inSql) / r.ms)}% of it inside ds.query`,
      );
    };

    await runRaw();
    tally.start();
    const profile = profileDir ? `${profileDir}/generation-${driver}.cpuprofile` : undefined;
    const gen = await profiled(profile, () => measure(() => generateSeasonBills(ds, run.id)));
    const genSql = tally.stop();
    const genRows = gen.value.created;
    const inSql = genSql.reduce((s, k) => s + k.ms, 0);
    log(
      `generation: ${fmt.int(genRows)} bills in ${fmt.s(gen.ms)} (${fmt.int(genRows / (gen.ms / 1000))} rows/s), peak RSS ${fmt.mib(gen.peakRssDelta)}; run #${run.id} ${gen.value.status}, processed ${fmt.int(gen.value.processed)}, created ${fmt.int(gen.value.created)}, skipped ${fmt.int(gen.value.skipped)}`,
    );
    log(
      `  where the generation's time went: ${fmt.s(inSql)} (${Math.round((100 * inSql) / gen.ms)}%) waiting on SQL, ${fmt.s(gen.ms - inSql)} in JavaScript (TypeORM building queries and entities, the loop)`,
    );
    for (const k of genSql) {
      log(
        `    ${k.kind.padEnd(42)} ${String(k.calls).padStart(5)} calls  ${fmt.s(k.ms).padStart(9)}  ${fmt.ms(k.ms / k.calls)}/call`,
      );
    }
    await runRaw();

    // the two tables must hold the same rows
    const [{ n: same }] = await ds.query(
      `SELECT COUNT(*) AS n FROM bills b JOIN bills_raw r ON r.account_id = b.account_id AND r.season_id = b.season_id
        WHERE r.category = b.category AND r.heated_area = b.heated_area AND r.unit_price_fen = b.unit_price_fen
          AND r.suspended = b.suspended AND r.amount_fen = b.amount_fen AND r.due_date = b.due_date
          AND r.status = b.status AND r.paid_fen = b.paid_fen AND r.late_fee_exempt = b.late_fee_exempt`,
    );
    const [{ n: rawCount }] = await ds.query("SELECT COUNT(*) AS n FROM bills_raw");
    const identical = Number(same) === genRows && Number(rawCount) === genRows && genRows === billable.length;
    log(
      `check: bills ${fmt.int(genRows)}, bills_raw ${fmt.int(Number(rawCount))}, identical rows ${fmt.int(Number(same))} → ${identical ? "same rows" : "DIFFERENT ROWS"}`,
    );

    const rawMs = rawRuns.reduce((s, r) => s + r.ms, 0) / rawRuns.length;
    const raw: PhaseFigures = {
      ms: rawMs,
      rowsPerS: billable.length / (rawMs / 1000),
      peakRssDeltaMiB: Math.max(...rawRuns.map((r) => r.peakRssDelta)) / 2 ** 20,
    };
    return {
      driver,
      accounts: seeded.value.accounts,
      rows: genRows,
      seedMs: seeded.ms,
      generation: figures(gen, genRows),
      raw,
      rawRuns: rawRuns.map((r) => figures(r, r.value)),
      ratio: gen.ms / rawMs,
      identical,
      sqlShareOfGeneration: inSql / gen.ms,
    };
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await db?.drop();
    scratch.remove();
  }
}

export function billSummaryRows(r: BillBenchResult): string[][] {
  const rows = [["driver", "phase", "wall", "rows/s", "peak RSS Δ", "generation/raw"]];
  for (const d of r.drivers) {
    const name = d.driver === "mysql" ? "MariaDB" : "SQLite";
    rows.push([
      name,
      "generateSeasonBills",
      fmt.s(d.generation.ms),
      fmt.int(d.generation.rowsPerS),
      fmt.mib(d.generation.peakRssDeltaMiB * 2 ** 20),
      fmt.x(d.ratio),
    ]);
    rows.push([
      name,
      `raw INSERT ×${RAW_BATCH} (mean of ${d.rawRuns.length})`,
      fmt.s(d.raw.ms),
      fmt.int(d.raw.rowsPerS),
      fmt.mib(d.raw.peakRssDeltaMiB * 2 ** 20),
      "1.00×",
    ]);
  }
  return rows;
}

export async function runBillGeneration(
  opts: { accounts: number; drivers: Driver[]; profileDir?: string },
  log: (s: string) => void = console.log,
): Promise<BillBenchResult> {
  log(`# Bill generation benchmark: ${fmt.int(opts.accounts)} accounts`);
  log(machineLine());
  const drivers: BillDriverFigures[] = [];
  for (const d of opts.drivers) drivers.push(await one(d, opts.accounts, log, opts.profileDir));
  const result = { accounts: opts.accounts, drivers };
  log("\n## Summary (ratio = generation wall time / mean raw INSERT wall time; same rows, same DataSource)");
  log(table(billSummaryRows(result)));
  log(
    "peak RSS Δ: highest RSS during the phase minus RSS at its start (after a full GC); memory freed by earlier phases is reused, so it understates a cold process.",
  );
  return result;
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      accounts: { type: "string" },
      driver: { type: "string", default: "both" },
      profile: { type: "string" },
      "json-out": { type: "string" },
    },
  });
  const accounts = positiveInt(values.accounts, "--accounts", 50_000);
  const drivers: Driver[] =
    values.driver === "both" ? ["mysql", "sqlite"] : values.driver === "sqlite" ? ["sqlite"] : ["mysql"];
  const result = await runBillGeneration({ accounts, drivers, profileDir: values.profile });
  writeJson(values["json-out"], result);
}
