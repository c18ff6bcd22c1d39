/**
 * Runs every benchmark, each in a process of its own (so one's memory does not count against the other),
 * then prints a short summary.
 *
 *   pnpm bench [--accounts 50000] [--orders 2000] [--concurrency 32] [--warmup 100] [--bare-passes 5]
 *              [--only bills|notify]
 *
 * Each benchmark also runs alone: `pnpm tsx scripts/bench/billGeneration.ts`, `… notifyIngest.ts`.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { type BillBenchResult, billSummaryRows } from "./billGeneration";
import { type NotifyBenchResult, notifySummaryRows } from "./notifyIngest";
import { machineLine, scratchDir, table } from "./support";

const { values } = parseArgs({
  options: {
    accounts: { type: "string" },
    orders: { type: "string" },
    concurrency: { type: "string" },
    warmup: { type: "string" },
    "bare-passes": { type: "string" },
    only: { type: "string" },
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
try {
  if (values.only !== "notify") {
    const out = path.join(scratch.dir, "bills.json");
    const code = await child("billGeneration.ts", [...pass(["accounts"]), "--json-out", out]);
    if (code === 0 && fs.existsSync(out)) bills = JSON.parse(fs.readFileSync(out, "utf8"));
    else failed++;
    console.log("");
  }
  if (values.only !== "bills") {
    const out = path.join(scratch.dir, "notify.json");
    const code = await child("notifyIngest.ts", [
      ...pass(["orders", "concurrency", "warmup", "bare-passes"]),
      "--json-out",
      out,
    ]);
    if (code === 0 && fs.existsSync(out)) notify = JSON.parse(fs.readFileSync(out, "utf8"));
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
if (failed) {
  console.log(`\n${failed} benchmark(s) failed: see their output above`);
  process.exitCode = 1;
}
