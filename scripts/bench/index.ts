/**
 * Runs every benchmark, each in a process of its own (so one's memory does not count against the other),
 * then prints a short summary.
 *
 *   pnpm bench [--accounts 50000] [--orders 2000] [--concurrency 32] [--warmup 100] [--bare-passes 5]
 *              [--rows 50000] [--sizes 10000,50000] [--cases 20] [--photos 10]
 *              [--only bills|notify|register|reminders|arrears|packets]
 *
 * Each benchmark also runs alone: `pnpm tsx scripts/bench/billGeneration.ts`, `… notifyIngest.ts`,
 * `… registerImport.ts`, `… reminderPlanning.ts`.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { type ArrearsBenchResult, arrearsSummaryRows } from "./arrearsExport";
import { type BillBenchResult, billSummaryRows } from "./billGeneration";
import { type PacketBenchResult, packetSummaryRows } from "./legalPacket";
import { type NotifyBenchResult, notifySummaryRows } from "./notifyIngest";
import { type RegisterBenchResult, registerSummaryRows } from "./registerImport";
import { type ReminderBenchResult, reminderSummaryRows } from "./reminderPlanning";
import { machineLine, scratchDir, table } from "./support";

const { values } = parseArgs({
  options: {
    accounts: { type: "string" },
    orders: { type: "string" },
    concurrency: { type: "string" },
    warmup: { type: "string" },
    "bare-passes": { type: "string" },
    rows: { type: "string" },
    sizes: { type: "string" },
    only: { type: "string" },
    cases: { type: "string" },
    photos: { type: "string" },
  },
});

const pass = (names: (keyof typeof values)[]) =>
  names.flatMap((n) => (values[n] === undefined ? [] : [`--${n}`, String(values[n])]));

/** Runs one benchmark script in a child process (same node, same loader), output straight through. */
function child(script: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, path.join(import.meta.dirname, script), ...args], {
      stdio: "inherit",
    });
    p.on("error", reject);
    p.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const scratch = scratchDir("runner");
const started = Date.now();
let failed = 0;
let bills: BillBenchResult | null = null;
let notify: NotifyBenchResult | null = null;
let register: RegisterBenchResult | null = null;
let reminders: ReminderBenchResult | null = null;
let arrears: ArrearsBenchResult | null = null;
let packets: PacketBenchResult | null = null;
const runs = (name: string) => values.only === undefined || values.only === name;
try {
  if (runs("bills")) {
    const out = path.join(scratch.dir, "bills.json");
    const code = await child("billGeneration.ts", [...pass(["accounts"]), "--json-out", out]);
    if (code === 0 && fs.existsSync(out)) bills = JSON.parse(fs.readFileSync(out, "utf8"));
    else failed++;
    console.log("");
  }
  if (runs("notify")) {
    const out = path.join(scratch.dir, "notify.json");
    const code = await child("notifyIngest.ts", [
      ...pass(["orders", "concurrency", "warmup", "bare-passes"]),
      "--json-out",
      out,
    ]);
    if (code === 0 && fs.existsSync(out)) notify = JSON.parse(fs.readFileSync(out, "utf8"));
    else failed++;
  }
  if (runs("register")) {
    console.log("");
    const out = path.join(scratch.dir, "register.json");
    const code = await child("registerImport.ts", [...pass(["rows"]), "--json-out", out]);
    if (code === 0 && fs.existsSync(out)) register = JSON.parse(fs.readFileSync(out, "utf8"));
    else failed++;
  }
  if (runs("reminders")) {
    console.log("");
    const out = path.join(scratch.dir, "reminders.json");
    const code = await child("reminderPlanning.ts", [...pass(["sizes"]), "--json-out", out]);
    if (code === 0 && fs.existsSync(out)) reminders = JSON.parse(fs.readFileSync(out, "utf8"));
    else failed++;
  }
  if (runs("arrears")) {
    console.log("");
    const out = path.join(scratch.dir, "arrears.json");
    const code = await child("arrearsExport.ts", [...pass(["sizes"]), "--json-out", out]);
    if (code === 0 && fs.existsSync(out)) arrears = JSON.parse(fs.readFileSync(out, "utf8"));
    else failed++;
  }
  if (runs("packets")) {
    console.log("");
    const out = path.join(scratch.dir, "packets.json");
    const code = await child("legalPacket.ts", [...pass(["cases", "photos"]), "--json-out", out]);
    if (code === 0 && fs.existsSync(out)) packets = JSON.parse(fs.readFileSync(out, "utf8"));
    else failed++;
  }
} finally {
  scratch.remove();
}

console.log(`\n# Benchmark summary (${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
console.log(machineLine());
if (bills) {
  console.log(`\nSeason bill generation, ${bills.accounts.toLocaleString("en-US")} accounts (lower ratio is better):`);
  console.log(table(billSummaryRows(bills)));
  for (const d of bills.drivers)
    if (!d.identical) console.log(`  ${d.driver}: generated rows differ from the raw rows!`);
}
if (notify) {
  console.log(
    `\nWeChat Pay notification ingest, ${notify.orders.toLocaleString("en-US")} orders, concurrency ${notify.concurrency} (higher ratio is better; client and servers share the cores):`,
  );
  console.log(table(notifySummaryRows(notify)));
  console.log(
    notify.checks.allPaidOnce
      ? `  every order paid exactly once (${notify.checks.ledgerEntries} ledger entries), every answer 2xx`
      : `  PROBLEM: ingest outcomes ${JSON.stringify(notify.checks.outcomes)}, replay ${JSON.stringify(notify.checks.replayOutcomes)}`,
  );
}
if (register) {
  console.log(
    `\nAccount register import, ${register.rows.toLocaleString("en-US")} rows ${register.format.toUpperCase()} on MariaDB (lower ratio is better; peak RSS of the import ${register.importPeakRssMiB.toFixed(0)} MiB):`,
  );
  console.log(table(registerSummaryRows(register)));
  if (register.accountsAfter !== register.rows)
    console.log(`  PROBLEM: ${register.accountsAfter} accounts after importing ${register.rows} rows`);
}
if (reminders) {
  console.log(
    "\nDaily arrears-reminder campaign planning on MariaDB vs the single streamed SELECT of the same accounts and amounts (target planning/baseline ≤ 3×, planning memory flat across sizes):",
  );
  console.log(table(reminderSummaryRows(reminders)));
}
if (arrears) {
  console.log(
    "\nArrears register export (XLSX streamed by exceljs's WorkbookWriter) vs the raw query streamed to CSV, on MariaDB (memory must stay flat across sizes):",
  );
  console.log(table(arrearsSummaryRows(arrears)));
}
if (packets) {
  console.log(
    "\nLitigation packets (summary/statement PDFs, XLSX sheets, visits PDF and the original photos, streamed as one ZIP into the store) vs a bare yazl ZIP of the same photo bytes:",
  );
  console.log(table(packetSummaryRows(packets)));
}
if (failed) {
  console.log(`\n${failed} benchmark(s) failed: see their output above`);
  process.exitCode = 1;
}
