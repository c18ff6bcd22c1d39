#!/usr/bin/env node
// `npm test`: the whole suite. Installs, builds both clients (the browser tests use the builds), makes
// sure MariaDB and Redis answer (starting local ones if they are installed but down), runs vitest and
// ends with one plain line: `tests: N passed, M failed`. Extra arguments go to vitest.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureClientBuilt, ensureInstalled, log, pnpmCommand, portOpen, ROOT, which } from "./lib.mjs";

const pnpm = pnpmCommand();
ensureInstalled(pnpm);
ensureClientBuilt(pnpm, "client/miniapp", "@warmline/miniapp");
ensureClientBuilt(pnpm, "client/console", "@warmline/console");

async function ensureService(name, port, startCmd) {
  if (await portOpen(port)) return;
  const bin = startCmd[0];
  if (which(bin)) {
    log(`${name} is not answering on ${port}; starting it…`);
    spawnSync(startCmd[0], startCmd.slice(1), { stdio: "inherit" });
    for (let i = 0; i < 60 && !(await portOpen(port)); i++) await new Promise((r) => setTimeout(r, 500));
  }
  if (!(await portOpen(port))) {
    console.error(
      `[warmline] ${name} is needed on 127.0.0.1:${port} for the API tests and is not running.\n` +
        `  Debian/Ubuntu: sudo apt-get install ${name === "MariaDB" ? "mariadb-server" : "redis-server"} and start it.`,
    );
    console.log("tests: 0 passed, 1 failed");
    process.exit(1);
  }
}

await ensureService("MariaDB", 3306, [
  "start-stop-daemon",
  "--start",
  "--oknodo",
  "--background",
  "--exec",
  "/usr/sbin/mariadbd",
]);
await ensureService("Redis", 6379, [
  "redis-server",
  "--daemonize",
  "yes",
  "--bind",
  "127.0.0.1",
  "-::1",
  "--port",
  "6379",
  "--save",
  "",
  "--appendonly",
  "no",
  "--dir",
  os.tmpdir(),
]);

/**
 * The browser and process tests (project e2e) run one file at a time, and vitest runs such a project only
 * after all the others have finished, leaving a core idle for its whole length. Without arguments the suite
 * therefore runs as two vitest processes side by side: e2e in one, everything else in the other. With
 * arguments (a file, a project, -t …) it is one vitest run, as given.
 */
const extra = process.argv.slice(2);
const lanes = extra.length
  ? [extra]
  : [
      ["--project", "unit", "--project", "api", "--project", "console", "--project", "miniapp"],
      ["--project", "e2e"],
    ];

function runLane(args, i) {
  const report = path.join(os.tmpdir(), `warmline-vitest-${process.pid}-${i}.json`);
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, "node_modules/vitest/vitest.mjs"),
      "run",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${report}`,
      ...args,
    ],
    { cwd: ROOT, stdio: "inherit", env: { ...process.env, NODE_ENV: "test" } },
  );
  return new Promise((resolve) =>
    child.on("exit", (c, s) => {
      const code = c ?? (s ? 1 : 0);
      let passed = 0;
      let failed = 0;
      try {
        const json = JSON.parse(fs.readFileSync(report, "utf8"));
        passed = json.numPassedTests ?? 0;
        failed = json.numFailedTests ?? 0;
        // a file that failed to load has no tests but must still count as a failure
        for (const file of json.testResults ?? []) {
          if (file.status === "failed" && (file.assertionResults ?? []).length === 0) failed += 1;
        }
        fs.rmSync(report, { force: true });
      } catch {
        failed = Math.max(failed, 1);
      }
      if (code !== 0 && failed === 0) failed = 1;
      resolve({ passed, failed });
    }),
  );
}

const results = await Promise.all(lanes.map(runLane));
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
