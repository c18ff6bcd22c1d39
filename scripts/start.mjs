#!/usr/bin/env node
// `npm start`: install, build the H5 mini-program and the console, start everything on the embedded
// default (SQLite, in-process jobs, sandbox vendors, demo county) with the development defaults
// (WARMLINE_DEV=true: public development secrets; the server prints a warning banner). Any variable already
// set wins, except that NODE_ENV=production leaves the development defaults off.
import { spawn } from "node:child_process";
import path from "node:path";
import { ensureClientBuilt, ensureInstalled, log, pnpmCommand, ROOT } from "./lib.mjs";

const pnpm = pnpmCommand();
ensureInstalled(pnpm);
ensureClientBuilt(pnpm, "client/miniapp", "@warmline/miniapp");
ensureClientBuilt(pnpm, "client/console", "@warmline/console");

const env = {
  ...(process.env.NODE_ENV === "production" ? {} : { WARMLINE_DEV: "true" }),
  DB_DRIVER: "sqlite",
  DATA_DIR: path.join(ROOT, "data"),
  JOBS_MODE: "inprocess",
  SANDBOX_VENDORS: "true",
  SEED_DEMO: "true",
  SERVE_CLIENTS: "true",
  PORT: "8080",
  // readable lines for the person at the terminal; one line per request only with LOG_LEVEL=debug
  LOG_FORMAT: "pretty",
  ...process.env,
};
log(`starting on port ${env.PORT} (data in ${env.DATA_DIR})…`);
const child = spawn(process.execPath, ["--import", "tsx", "server/src/main.ts", "all"], {
  cwd: ROOT,
  env,
  stdio: "inherit",
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
