import "reflect-metadata";
import fs from "node:fs";
import http from "node:http";
import { buildApp } from "./app";
import { closeDeps, createDeps, startModules } from "./bootstrap";
import { ConfigError, type Config, DEV_MODE_BANNER, loadConfig } from "./config";
import type { Deps } from "./deps";
import { Community } from "./modules/accounts";
import { runMigrationsExclusively } from "./db/migrate";
import { createLogger, logger, setLogger } from "./lib/logger";

/**
 * Process entry. `main.ts [all|api|worker|migrate]`:
 *   all     API + jobs in one process (the embedded default)
 *   api     HTTP only; jobs are written to the outbox for workers
 *   worker  outbox relay + job workers, no HTTP
 *   migrate run pending migrations and exit
 */
export async function main(argv = process.argv.slice(2)): Promise<void> {
  const command = argv[0] ?? process.env.PROCESS_ROLE ?? "all";
  if (!["all", "api", "worker", "migrate"].includes(command)) {
    console.error(`unknown command "${command}": expected all, api, worker or migrate`);
    process.exit(1);
  }
  let config: Config;
  try {
    config = loadConfig({ ...process.env, PROCESS_ROLE: command === "migrate" ? "api" : command });
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) console.error(`配置错误 / configuration error: ${p}`);
      process.exit(1);
    }
    throw err;
  }
  setLogger(createLogger(config.logLevel, config.logFormat), config.logFormat);
  process.umask(0o077); // whatever this process creates (database, uploads, keys) is readable by its user only
  if (config.devMode) console.error(DEV_MODE_BANNER);

  const migrate = command === "migrate" || config.db.driver === "sqlite" || process.env.MIGRATE_ON_START === "true";
  const deps = await createDeps(config, { migrate });
  if (command === "migrate") {
    logger.info("migrations applied");
    await closeDeps(deps);
    return;
  }
  if (config.seedDemo) await seedDemo(deps);
  // the first turns of the periodic jobs (idempotent: a restart in the same turn writes nothing), before the
  // process answers: a start that cannot complete fails before it announces itself
  if (command !== "api") await startModules(deps);
  const server = command === "worker" ? null : await listen(deps, config);
  if (command !== "api") await deps.jobs.start();
  installShutdown(deps, server);
  logger.info({ role: command }, "started");
  // the banner comes last, after every start-up line, so that it is what a person sees
  if (server && config.serveClients) console.log(await startBanner(deps));
  process.send?.({ type: "started", role: command });
}

/**
 * The demo county, seeded into an empty database before the process answers. Seeding takes seconds and is
 * not one transaction: a process stopped half-way (Ctrl-C during the first `npm start`) would leave a
 * county without bills or tickets that every later start takes for seeded. On SQLite a marker file beside
 * the database says a seed is under way; a start that finds it (the database was never served: seeding
 * comes first) throws the half-seeded tables away and seeds again.
 */
async function seedDemo(deps: Deps): Promise<void> {
  const { seedDemoIfEmpty } = await import("./seed/demo");
  const marker = deps.config.db.driver === "sqlite" ? `${deps.config.db.sqliteFile}.seeding` : null;
  if (marker && fs.existsSync(marker)) {
    logger.warn("the demo seed of a previous start did not finish: seeding again from an empty database");
    await deps.ds.dropDatabase();
    await runMigrationsExclusively(deps.ds);
  }
  if ((await deps.ds.getRepository(Community).count()) > 0) return;
  if (marker) fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
  await seedDemoIfEmpty(deps);
  if (marker) fs.rmSync(marker, { force: true });
}

async function startBanner(deps: Deps): Promise<string> {
  const base = deps.config.publicUrl;
  const lines = [
    "",
    "暖线 Warmline 已启动",
    `  居民端 H5 小程序   ${base}/h5/`,
    `  工作人员管理台     ${base}/console/`,
    `  接口文档 OpenAPI   ${base}/api/v1/openapi.json`,
    `  健康检查           ${base}/api/v1/health`,
    `  数据库 ${deps.config.db.driver}${deps.config.db.driver === "sqlite" ? ` (${deps.config.db.sqliteFile})` : ""}，任务 ${deps.jobs.mode}`,
  ];
  if (deps.config.seedDemo) {
    const { demoBanner } = await import("./seed/demo");
    lines.push(await demoBanner(deps.ds));
  }
  return `${lines.join("\n")}\n`;
}

function listen(deps: Deps, config: Config): Promise<http.Server> {
  const app = buildApp(deps);
  const server = http.createServer(app.callback());
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      const addr = server.address();
      const port = typeof addr === "object" && addr ? addr.port : config.port;
      logger.info({ port }, "listening");
      process.send?.({ type: "listening", port });
      resolve(server);
    });
  });
}

/** SIGTERM/SIGINT: stop accepting, finish in-flight requests and jobs, close the database, exit 0. */
function installShutdown(deps: Deps, server: http.Server | null) {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      logger.error("shutdown timed out; exiting");
      process.exit(1);
    }, 25_000);
    force.unref();
    try {
      if (server) {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
      }
      await closeDeps(deps);
      logger.info("stopped");
      process.exit(0);
    } catch (err) {
      logger.error({ err }, "shutdown failed");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(`启动失败 / failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
