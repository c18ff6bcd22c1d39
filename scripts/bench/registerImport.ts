/**
 * Account register import (台账导入) against a raw INSERT baseline, on MariaDB.
 *
 *   pnpm tsx scripts/bench/registerImport.ts [--rows 50000] [--format csv|xlsx] [--json-out FILE]
 *
 * Setup (not measured): a fresh MariaDB database `warmline_bench_<pid>_register` with the migrations, 20
 * communities with 10 buildings each, and a register file of N rows written to a temporary file (CSV by
 * default; XLSX through exceljs's streaming writer). Then, in this order:
 *   raw #1   the same N accounts as one multi-row INSERT per 1,000 through ds.query into
 *            `heating_accounts_raw` (CREATE TABLE … LIKE heating_accounts): rows built in memory from the
 *            same generator, phone and ID number encrypted and indexed the same way (no file, no validation)
 *   import   the product's path: createImport + dryRun (stream the file, validate every row, compare with
 *            the accounts in batches, stage the report rows) + applyImport (the job's work: batches of 500,
 *            audit rows)
 *   raw #2   raw #1 again (table emptied), so the baseline brackets the import in time
 * The ratio is import time / mean raw time; peak RSS is printed for each phase (memory must stay flat:
 * the file is streamed, never loaded whole). BENCH_HEAP=1 also prints the heap after a full GC before the
 * import, after the dry run and after the apply: what the import retains, as opposed to garbage not yet
 * collected (which is what the RSS peak mostly is). Figures are printed, never asserted.
 */
import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ACCOUNT_CATEGORY_LABELS, REGISTER_COLUMN_LABELS, REGISTER_FIELDS } from "@warmline/shared";
import type ExcelJSType from "exceljs";
import { ENTITIES } from "../../server/src/bootstrap";
import { loadConfig } from "../../server/src/config";
import { openDataSource } from "../../server/src/db/dataSource";
import { PiiVault } from "../../server/src/lib/pii";
import { Building, Community } from "../../server/src/modules/accounts";
import { applyImport, createImport, dryRun } from "../../server/src/modules/register";
import {
  benchDatabase,
  collectGarbage,
  fmt,
  fromServer,
  isMain,
  machineLine,
  measure,
  type PhaseResult,
  positiveInt,
  scratchDir,
  table,
  writeJson,
} from "./support";

const RAW_BATCH = 1000;
const COMMUNITIES = 20;
const BUILDINGS = 10;

export interface RegisterBenchResult {
  rows: number;
  format: string;
  fileBytes: number;
  dryRunMs: number;
  applyMs: number;
  importMs: number;
  importPeakRssMiB: number;
  importPeakRssDeltaMiB: number;
  rawMs: number;
  rawPeakRssDeltaMiB: number;
  ratio: number;
  created: number;
  accountsAfter: number;
}

/** Row i of the synthetic register: a valid 户号, a known community and building, a valid ID number. */
function registerRow(i: number) {
  const c = i % COMMUNITIES;
  const b = Math.floor(i / COMMUNITIES) % BUILDINGS;
  const d = new Date(Date.UTC(1950, 0, 1) + (i % 18_000) * 86_400_000);
  const body = `620722${d.toISOString().slice(0, 10).replace(/-/g, "")}${String(i % 1000).padStart(3, "0")}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let k = 0; k < 17; k++) s += Number(body[k]) * w[k];
  const nonRes = i % 12 === 0;
  return {
    accountNo: `6${String(i).padStart(9, "0")}`,
    communityName: `基准小区${c + 1}`,
    buildingName: `${b + 1}号楼`,
    unit: String((i % 4) + 1),
    room: String(101 + (i % 600)),
    address: `民乐县基准小区${c + 1}${b + 1}号楼${(i % 4) + 1}单元${101 + (i % 600)}室`,
    heatedArea: 6000 + (i % 9000), // hundredths of m²
    category: nonRes ? ("non_residential" as const) : ("residential" as const),
    ownerName: `户主${i}`,
    phone: `159${String(i).padStart(8, "0")}`,
    idNumber: body + "10X98765432"[s % 11],
  };
}

function cells(i: number): string[] {
  const r = registerRow(i);
  return [
    r.accountNo,
    r.communityName,
    r.buildingName,
    r.unit,
    r.room,
    r.address,
    (r.heatedArea / 100).toFixed(2),
    ACCOUNT_CATEGORY_LABELS[r.category],
    r.ownerName,
    r.phone,
    r.idNumber,
  ];
}

export async function writeFile(file: string, rows: number, format: "csv" | "xlsx"): Promise<void> {
  const header = REGISTER_FIELDS.map((f) => REGISTER_COLUMN_LABELS[f]);
  if (format === "csv") {
    const out = fs.createWriteStream(file);
    const quote = (c: string) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
    out.write(`\uFEFF${header.join(",")}\r\n`);
    for (let i = 0; i < rows; i++) {
      if (!out.write(`${cells(i).map(quote).join(",")}\r\n`))
        await new Promise<void>((r) => out.once("drain", () => r()));
    }
    await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
    return;
  }
  const ExcelJS = await fromServer<typeof ExcelJSType>("exceljs");
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false });
  const ws = wb.addWorksheet("台账");
  ws.addRow(header).commit();
  for (let i = 0; i < rows; i++) ws.addRow(cells(i)).commit();
  ws.commit();
  await wb.commit();
}

const RAW_COLUMNS = [
  "account_no",
  "community_id",
  "building_id",
  "unit",
  "room",
  "address",
  "heated_area",
  "category",
  "owner_name",
  "phone_enc",
  "phone_bidx",
  "id_number_enc",
  "id_number_bidx",
] as const;

async function rawInsert(
  ds: import("typeorm").DataSource,
  vault: PiiVault,
  rows: number,
  places: { community: Map<string, number>; building: Map<string, number> },
): Promise<number> {
  let written = 0;
  const rowSql = `(${RAW_COLUMNS.map(() => "?").join(", ")})`;
  for (let i = 0; i < rows; i += RAW_BATCH) {
    const params: unknown[] = [];
    const n = Math.min(RAW_BATCH, rows - i);
    for (let k = i; k < i + n; k++) {
      const r = registerRow(k);
      params.push(
        r.accountNo,
        places.community.get(r.communityName),
        places.building.get(`${r.communityName}/${r.buildingName}`),
        r.unit,
        r.room,
        r.address,
        r.heatedArea,
        r.category,
        r.ownerName,
        vault.encrypt(r.phone),
        vault.blindIndex("phone", r.phone),
        vault.encrypt(r.idNumber),
        vault.blindIndex("idNumber", r.idNumber),
      );
    }
    await ds.query(
      `INSERT INTO heating_accounts_raw (${RAW_COLUMNS.join(", ")}) VALUES ${Array(n).fill(rowSql).join(", ")}`,
      params,
    );
    written += n;
  }
  return written;
}

export async function runRegisterImport(
  opts: { rows: number; format: "csv" | "xlsx" },
  log: (s: string) => void = console.log,
): Promise<RegisterBenchResult> {
  log(`# Register import benchmark: ${fmt.int(opts.rows)} rows, ${opts.format.toUpperCase()}, MariaDB`);
  log(machineLine());
  const scratch = scratchDir("register");
  const db = await benchDatabase("register");
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
    const community = new Map<string, number>();
    const building = new Map<string, number>();
    for (let c = 0; c < COMMUNITIES; c++) {
      const saved = await ds
        .getRepository(Community)
        .save({ code: `B${String(c + 1).padStart(3, "0")}`, name: `基准小区${c + 1}` });
      community.set(saved.name, saved.id);
      for (let b = 0; b < BUILDINGS; b++) {
        const bb = await ds
          .getRepository(Building)
          .save({ communityId: saved.id, name: `${b + 1}号楼`, stationId: null });
        building.set(`${saved.name}/${bb.name}`, bb.id);
      }
    }
    const file = path.join(scratch.dir, `register.${opts.format}`);
    const t0 = performance.now();
    await writeFile(file, opts.rows, opts.format);
    const fileBytes = fs.statSync(file).size;
    log(
      `setup (not measured): database ${db.name}, ${COMMUNITIES} communities × ${BUILDINGS} buildings; file ${fmt.int(fileBytes)} bytes written in ${fmt.s(performance.now() - t0)}`,
    );
    await ds.query("CREATE TABLE `heating_accounts_raw` LIKE `heating_accounts`");

    const rawRuns: PhaseResult<number>[] = [];
    const runRaw = async () => {
      await ds.query("TRUNCATE TABLE heating_accounts_raw");
      const r = await measure(() => rawInsert(ds, vault, opts.rows, { community, building }));
      rawRuns.push(r);
      log(
        `raw #${rawRuns.length}: ${fmt.int(r.value)} rows in ${fmt.s(r.ms)} (${fmt.int(r.value / (r.ms / 1000))} rows/s), peak RSS ${fmt.mib(r.peakRssDelta)}`,
      );
    };

    await runRaw();
    let dryRunMs = 0;
    let applyMs = 0;
    if (process.env.BENCH_HEAP) {
      collectGarbage();
      log(`  heap before the import (after GC): ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB`);
    }
    const imp = await measure(async () => {
      const a = performance.now();
      const created = await createImport(ds, {
        fileName: path.basename(file),
        size: fileBytes,
        sha256: "-",
        createdBy: 1,
      });
      const checked = await dryRun(ds, vault, created, file);
      dryRunMs = performance.now() - a;
      if (process.env.BENCH_HEAP) {
        collectGarbage();
        log(
          `  heap after dry run (after GC): ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB, rss ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB`,
        );
      }
      if (checked.status !== "validated" || checked.errorCount > 0)
        throw new Error(`dry run: ${checked.status} ${JSON.stringify(checked.fileError)} errors ${checked.errorCount}`);
      const b = performance.now();
      const done = await applyImport(ds, vault, checked.id);
      applyMs = performance.now() - b;
      if (process.env.BENCH_HEAP) {
        collectGarbage();
        log(
          `  heap after apply (after GC): ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB, rss ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB`,
        );
      }
      return done;
    });
    const peakAbs = (imp.rssStart + imp.peakRssDelta) / 2 ** 20;
    log(
      `import: ${fmt.int(imp.value.created)} accounts created in ${fmt.s(imp.ms)} (dry run ${fmt.s(dryRunMs)}, apply ${fmt.s(applyMs)}; ${fmt.int(opts.rows / (imp.ms / 1000))} rows/s), peak RSS ${peakAbs.toFixed(0)} MiB (${fmt.mib(imp.peakRssDelta)} over the start)`,
    );
    await runRaw();
    const [{ n }] = await ds.query("SELECT COUNT(*) AS n FROM heating_accounts");
    const rawMs = rawRuns.reduce((s, r) => s + r.ms, 0) / rawRuns.length;
    const result: RegisterBenchResult = {
      rows: opts.rows,
      format: opts.format,
      fileBytes,
      dryRunMs,
      applyMs,
      importMs: imp.ms,
      importPeakRssMiB: peakAbs,
      importPeakRssDeltaMiB: imp.peakRssDelta / 2 ** 20,
      rawMs,
      rawPeakRssDeltaMiB: Math.max(...rawRuns.map((r) => r.peakRssDelta)) / 2 ** 20,
      ratio: imp.ms / rawMs,
      created: imp.value.created,
      accountsAfter: Number(n),
    };
    log(
      `check: heating_accounts ${fmt.int(result.accountsAfter)} rows after the import (expected ${fmt.int(opts.rows)})`,
    );
    log("\n## Summary (ratio = import wall time / mean raw INSERT wall time)");
    log(table(registerSummaryRows(result)));
    return result;
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await db.drop();
    scratch.remove();
  }
}

export function registerSummaryRows(r: RegisterBenchResult): string[][] {
  return [
    ["phase", "wall", "rows/s", "peak RSS Δ", "import/raw"],
    [
      `import ${r.format.toUpperCase()} (dry run ${fmt.s(r.dryRunMs)} + apply ${fmt.s(r.applyMs)})`,
      fmt.s(r.importMs),
      fmt.int(r.rows / (r.importMs / 1000)),
      fmt.mib(r.importPeakRssDeltaMiB * 2 ** 20),
      fmt.x(r.ratio),
    ],
    [
      `raw INSERT ×${RAW_BATCH} (mean of 2)`,
      fmt.s(r.rawMs),
      fmt.int(r.rows / (r.rawMs / 1000)),
      fmt.mib(r.rawPeakRssDeltaMiB * 2 ** 20),
      "1.00×",
    ],
  ];
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      rows: { type: "string" },
      format: { type: "string", default: "csv" },
      "json-out": { type: "string" },
    },
  });
  const rows = positiveInt(values.rows, "--rows", 50_000);
  const format = values.format === "xlsx" ? "xlsx" : "csv";
  const result = await runRegisterImport({ rows, format });
  writeJson(values["json-out"], result);
}
