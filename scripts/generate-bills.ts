/**
 * Season bill generation from the command line (the same code the job runs; safe to rerun — existing
 * bills are skipped). Uses the server's environment variables for the database.
 *   pnpm tsx scripts/generate-bills.ts --season 2026-2027
 */
import "reflect-metadata";
import { parseArgs } from "node:util";
import { closeDeps, createDeps } from "../server/src/bootstrap";
import { loadConfig } from "../server/src/config";
import { generateSeasonBills, BillRun, HeatingSeason } from "../server/src/modules/billing";

const { values } = parseArgs({ options: { season: { type: "string" } } });
if (!values.season) {
  console.error("usage: generate-bills.ts --season 2026-2027");
  process.exit(1);
}
const config = loadConfig({ DB_DRIVER: "sqlite", DATA_DIR: "data", ...process.env, PROCESS_ROLE: "api" });
const deps = await createDeps(config, { migrate: true });
try {
  const season = await deps.ds.getRepository(HeatingSeason).findOneBy({ code: values.season });
  if (!season) {
    console.error(`no season ${values.season}: create it first (console 供热季 desk or POST /api/v1/staff/seasons)`);
    process.exitCode = 1;
  } else {
    const run = await deps.ds.getRepository(BillRun).save({ seasonId: season.id, status: "queued", requestedBy: null });
    const t0 = performance.now();
    const done = await generateSeasonBills(deps.ds, run.id);
    const s = (performance.now() - t0) / 1000;
    console.log(
      `season ${season.code}: ${done.total} accounts, ${done.created} bills created, ${done.skipped} already there (${s.toFixed(1)} s)`,
    );
  }
} finally {
  await closeDeps(deps);
}
