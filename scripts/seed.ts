/**
 * Seed a county into the configured database (same environment variables as the server).
 *   pnpm seed                       demo county (2,000 accounts) if the database is empty
 *   pnpm seed --accounts 50000   the benchmark county
 *   pnpm seed --reset               drop everything first (asks for --yes outside development)
 */
import "reflect-metadata";
import { parseArgs } from "node:util";
import { closeDeps, createDeps } from "../server/src/bootstrap";
import { loadConfig } from "../server/src/config";
import { Community } from "../server/src/modules/accounts";
import { demoBanner, seedCounty } from "../server/src/seed/demo";

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "2000" },
    seed: { type: "string", default: "20251015" },
    reset: { type: "boolean", default: false },
    yes: { type: "boolean", default: false },
  },
});
const accounts = Number(values.accounts);
if (!Number.isInteger(accounts) || accounts < 1 || accounts > 1_000_000) {
  console.error("--accounts must be a whole number between 1 and 1000000");
  process.exit(1);
}
const config = loadConfig({ DB_DRIVER: "sqlite", DATA_DIR: "data", ...process.env });
if (values.reset && config.env === "production" && !values.yes) {
  console.error("--reset in production needs --yes");
  process.exit(1);
}
const deps = await createDeps(config, { migrate: true });
try {
  if (values.reset) {
    await deps.ds.dropDatabase();
    await deps.ds.runMigrations();
  }
  if ((await deps.ds.getRepository(Community).count()) > 0) {
    console.log("the database already holds a county; use --reset to rebuild it");
  } else {
    const t0 = performance.now();
    const res = await seedCounty(deps.ds, deps.vault, { accounts, seed: Number(values.seed) });
    const s = (performance.now() - t0) / 1000;
    console.log(
      `seeded ${res.accounts} accounts in ${s.toFixed(1)} s (${Math.round(res.accounts / s)} accounts/s) on ${config.db.driver}`,
    );
    console.log(await demoBanner(deps.ds));
  }
} finally {
  await closeDeps(deps);
}
