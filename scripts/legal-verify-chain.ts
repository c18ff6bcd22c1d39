/**
 * 校验证据链 from the command line (issue 15): recomputes the hash chains of visit records, reminders and
 * legal case events and names the first broken row of each broken chain. Uses the server's environment
 * variables for the database. Exit code 1 when a chain is broken.
 *   pnpm legal:verify-chain                 every chain
 *   pnpm legal:verify-chain --case 12       the chains case 12 uses (its account's visits and reminders, its timeline)
 *   pnpm legal:verify-chain --account 345   the account's visits and reminders
 *   pnpm legal:verify-chain --seal          first chain the rows that have none (rows written around the
 *                                           system, e.g. a data import), then verify
 */
import "reflect-metadata";
import { parseArgs } from "node:util";
import { closeDeps, createDeps } from "../server/src/bootstrap";
import { loadConfig } from "../server/src/config";
import { CHAIN_TABLE_NAMES, type ChainTable, chainGroups, sealAll, verifyChain } from "../server/src/modules/evidence";
import { LegalCase } from "../server/src/modules/legal";

const { values } = parseArgs({
  options: { case: { type: "string" }, account: { type: "string" }, seal: { type: "boolean" } },
});
const config = loadConfig({ DB_DRIVER: "sqlite", DATA_DIR: "data", ...process.env, PROCESS_ROLE: "api" });
const deps = await createDeps(config, { migrate: true });
try {
  if (values.seal) {
    const n = await deps.ds.transaction((m) => sealAll(m));
    console.log(`sealed ${n} row(s) that had no hash`);
  }
  let chains: [ChainTable, number][] = [];
  if (values.case) {
    const c = await deps.ds.getRepository(LegalCase).findOneBy({ id: Number(values.case) });
    if (!c) throw new Error(`no case ${values.case}`);
    chains = [
      ["home_visits", c.accountId],
      ["reminders", c.accountId],
      ["legal_case_events", c.id],
    ];
  } else if (values.account) {
    chains = [
      ["home_visits", Number(values.account)],
      ["reminders", Number(values.account)],
    ];
  } else {
    for (const t of CHAIN_TABLE_NAMES) for (const g of await chainGroups(deps.ds, t)) chains.push([t, g]);
  }
  let broken = 0;
  let rows = 0;
  for (const [table, id] of chains) {
    const r = await verifyChain(deps.ds, table, id);
    rows += r.report.rows;
    if (r.broken) {
      broken++;
      const b = r.broken;
      console.log(
        `BROKEN ${b.chainKey}: first broken row ${b.table}#${b.rowId ?? "?"} (${b.reason}) expected ${b.expected ?? "-"} stored ${b.stored ?? "-"}`,
      );
    }
  }
  console.log(`${chains.length} chain(s), ${rows} row(s): ${broken ? `${broken} broken` : "OK"}`);
  if (broken) process.exitCode = 1;
} finally {
  await closeDeps(deps);
}
