import "reflect-metadata";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { buildApp } from "@warmline/server/src/app";
import { closeDeps, createDeps } from "@warmline/server/src/bootstrap";
import { loadConfig } from "@warmline/server/src/config";
import type { Deps } from "@warmline/server/src/deps";
import { seedSandboxKeys } from "@warmline/server/src/sandboxes/testing/keys";
import { freshDatabase } from "./db";
import { REDIS_URL, workerTag } from "./env";

export interface TestServer {
  url: string;
  deps: Deps;
  close(): Promise<void>;
}

/**
 * Starts the real API on a free port against a fresh MariaDB database of this worker and, by default,
 * BullMQ on the shared Redis under a prefix of its own.
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const db = await freshDatabase();
  // the port must be known before the config is built: sandbox URLs point back at this server
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const config = loadConfig({
    NODE_ENV: "test",
    WARMLINE_DEV: "true",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DB_DRIVER: "mysql",
    DATABASE_URL: db.url,
    JOBS_MODE: "bullmq",
    REDIS_URL,
    QUEUE_PREFIX: `wltest_${workerTag()}_${Date.now()}`,
    OUTBOX_POLL_MS: "50",
    DATA_DIR: `/tmp/warmline-test-${workerTag()}`,
    SERVE_CLIENTS: "false",
    // the suites sign in, bind and upload many times from 127.0.0.1: request rates raised, not switched off
    // (tests/api/abuse.test.ts passes the real numbers); the failure limits keep their defaults
    RATE_LIMIT_SIGN_IN: "100000/60",
    RATE_LIMIT_BIND: "100000/60",
    RATE_LIMIT_UPLOAD: "100000/60",
    ...env,
  });
  seedSandboxKeys(config.dataDir); // the run's sandbox keys instead of generating new ones in every file
  const deps = await createDeps(config, { migrate: true });
  const app = buildApp(deps);
  server.on("request", app.callback());
  await deps.jobs.start();
  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await closeDeps(deps);
      await db.drop();
    },
  };
}
