/**
 * WeChat Pay notification ingest (POST /api/v1/notify/wechat) against a bare Koa baseline.
 *
 *   pnpm tsx scripts/bench/notifyIngest.ts [--orders 2000] [--concurrency 32] [--warmup 100] [--bare-passes 5]
 *                                         [--log-level info] [--profile DIR] [--json-out FILE]
 *
 * Setup (not measured): the real API (createDeps + buildApp) on a free port with a fresh MariaDB database
 * `warmline_bench_<pid>_notify`, BullMQ on the local Redis under a queue prefix of its own, and the WeChat
 * Pay sandbox; a county, a season whose bills the bill-run job generates, one resident bound to each of
 * orders+warmup accounts and one payment order per account (createOnlinePayment, which asks the sandbox for
 * the trade). Each order is paid at the sandbox without a callback, and the sandbox's intact notification
 * (fault "none") is delivered to a capture server: the exact signed, encrypted bytes and headers are kept.
 *
 * Measured, with the same client (node http.Agent, keep-alive, `concurrency` requests in flight):
 *   bare #1   a bare Koa app in this process: POST reads the body, answers 204 (same bodies, same headers,
 *             each sent `bare-passes` times, default 5, so that this fast run lasts long enough to time)
 *   ingest    every captured notification once: each must answer 2xx and settle its order exactly once
 *   replay    the same notifications again (all orders already paid): each must answer 2xx, change nothing
 *   bare #2   bare #1 again, so the baseline brackets the measured phases in time
 * The warm-up notifications (their own orders) go first to both servers and are not counted.
 */
import "reflect-metadata";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { In } from "typeorm";
import { buildApp } from "../../server/src/app";
import { closeDeps, createDeps } from "../../server/src/bootstrap";
import { loadConfig } from "../../server/src/config";
import type { Deps } from "../../server/src/deps";
import { REDACT_PATHS, safeError, setLogger } from "../../server/src/lib/logger";
import { AccountBinding } from "../../server/src/modules/accounts";
import { ResidentUser } from "../../server/src/modules/residents";
import { startBillRun, BillRun, createSeason } from "../../server/src/modules/billing";
import { createOnlinePayment, FIRST_CHECK_MS } from "../../server/src/modules/payments";
import { seedCounty } from "../../server/src/seed/demo";
import {
  BENCH_TARIFFS,
  benchDatabase,
  type CpuFigures,
  cpuLine,
  cpuMeter,
  currentSeasonCode,
  fmt,
  fromServer,
  isMain,
  machineLine,
  profiled,
  percentile,
  positiveInt,
  REDIS_URL,
  scratchDir,
  sqlTally,
  table,
  writeJson,
} from "./support";

const NOTIFY_PATH = "/api/v1/notify/wechat";
/** headers of the captured request that belong to its connection, not to the notification */
const HOP_BY_HOP = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive"]);

interface Captured {
  headers: Record<string, string>;
  body: Buffer;
}

export interface LoadFigures {
  cpu?: CpuFigures;
  requests: number;
  ms: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
}

export interface NotifyBenchResult {
  orders: number;
  concurrency: number;
  bare: LoadFigures;
  bareRuns: LoadFigures[];
  ingest: LoadFigures;
  replay: LoadFigures;
  ingestOverBare: number;
  replayOverBare: number;
  checks: {
    allPaidOnce: boolean;
    ledgerEntries: number;
    outcomes: Record<string, number>;
    replayOutcomes: Record<string, number>;
  };
  outTradeNoCollisions: number;
}

// ---- load generator ----------------------------------------------------------------------------------

/** POSTs every request once, `concurrency` at a time over keep-alive connections; times each one. */
async function load(url: string, reqs: Captured[], concurrency: number): Promise<LoadFigures & { statuses: number[] }> {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const latencies = new Array<number>(reqs.length);
  const statuses = new Array<number>(reqs.length);
  let next = 0;
  const send = (r: Captured) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          headers: { ...r.headers, "content-length": String(r.body.length) },
        },
        (res) => {
          res.on("data", () => {});
          res.on("end", () => resolve(res.statusCode ?? 0));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(r.body);
    });
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= reqs.length) return;
      const t0 = performance.now();
      statuses[i] = await send(reqs[i]).catch(() => 0);
      latencies[i] = performance.now() - t0;
    }
  };
  const cpu = cpuMeter();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, reqs.length) }, worker));
  const ms = performance.now() - t0;
  const cpuUsed = cpu.stop();
  agent.destroy();
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    cpu: cpuUsed,
    requests: reqs.length,
    ms,
    rps: reqs.length / (ms / 1000),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    non2xx: statuses.filter((s) => s < 200 || s >= 300).length,
    statuses,
  };
}

/** Runs `fn` over items, `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A receiver that keeps what is POSTed to it: the sandbox delivers each notification here once. */
async function captureServer() {
  const got: Captured[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && !HOP_BY_HOP.has(k)) headers[k] = v;
      got.push({ headers, body: Buffer.concat(chunks) });
      res.writeHead(204).end();
    });
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/capture`, got, close: () => closeServer(server) };
}

/** The baseline: a bare Koa app whose POST route reads the whole body and answers 204. */
async function bareKoa() {
  type KoaCtor = new () => ReturnType<typeof buildApp>;
  const Koa = await fromServer<KoaCtor>("koa");
  const app = new Koa();
  let bytes = 0;
  app.use(async (ctx) => {
    if (ctx.method !== "POST" || ctx.path !== NOTIFY_PATH) {
      ctx.status = 404;
      return;
    }
    for await (const chunk of ctx.req) bytes += (chunk as Buffer).length;
    ctx.status = 204;
  });
  const server = http.createServer(app.callback());
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}${NOTIFY_PATH}`, bytes: () => bytes, close: () => closeServer(server) };
}

/** The server logs as in production (info, one line per request), into /dev/null so the report stays readable. */
async function quietProductionLogger(level: string) {
  type Logger = Parameters<typeof setLogger>[0];
  type Pino = ((opts: object, stream: unknown) => Logger) & {
    destination(o: { dest: string; sync: boolean }): unknown;
    stdTimeFunctions: { isoTime: unknown };
  };
  const pino = await fromServer<Pino>("pino");
  setLogger(
    pino(
      {
        level,
        serializers: { err: safeError },
        base: { service: "warmline" },
        redact: { paths: REDACT_PATHS, censor: "[redacted]" },
        timestamp: pino.stdTimeFunctions.isoTime,
      },
      pino.destination({ dest: "/dev/null", sync: false }),
    ),
  );
}

async function dropRedisPrefix(prefix: string): Promise<number> {
  type Redis = {
    scan(...a: unknown[]): Promise<[string, string[]]>;
    del(...k: string[]): Promise<number>;
    quit(): Promise<unknown>;
  };
  const RedisCtor = await fromServer<new (url: string) => Redis>("ioredis");
  const redis = new RedisCtor(REDIS_URL);
  let cursor = "0";
  let n = 0;
  try {
    do {
      const [c, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = c;
      if (keys.length) n += await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    await redis.quit();
  }
  return n;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 300_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const count = (xs: (string | null)[]) =>
  xs.reduce<Record<string, number>>((acc, x) => {
    const k = x ?? "null";
    acc[k] = (acc[k] ?? 0) + 1;
    return acc;
  }, {});

/** A statement's verb and table, for the per-request breakdown ("SELECT payment_orders FOR UPDATE"). */
function classify(sql: string): string {
  const s = sql.trimStart();
  const verb = (/^\w+/.exec(s)?.[0] ?? "?").toUpperCase();
  if (verb === "START" || verb === "BEGIN") return "START TRANSACTION (+ pool wait)";
  if (verb === "COMMIT" || verb === "ROLLBACK" || verb === "SET") return verb;
  const table = /(?:FROM|INTO|UPDATE)\s+[`"]?(\w+)/i.exec(s)?.[1] ?? "?";
  return `${verb} ${table}${/FOR UPDATE/i.test(s) ? " FOR UPDATE" : ""}`;
}

function breakdown(kinds: { kind: string; calls: number; ms: number }[], requests: number, log: (s: string) => void) {
  const total = kinds.reduce((s, k) => s + k.ms, 0);
  const calls = kinds.reduce((s, k) => s + k.calls, 0);
  log(
    `  per request: ${(calls / requests).toFixed(1)} SQL statements, ${fmt.ms(total / requests)} inside them (summed over concurrent requests; includes waiting for a pooled connection and for row locks)`,
  );
  for (const k of kinds) {
    log(
      `    ${k.kind.padEnd(40)} ${(k.calls / requests).toFixed(2).padStart(5)}/req  ${fmt.ms(k.ms / k.calls).padStart(9)}/call  ${Math.round(
        (100 * k.ms) / total,
      )
        .toString()
        .padStart(3)}%`,
    );
  }
}

function line(name: string, f: LoadFigures): string {
  const cpu = f.cpu
    ? `\n  ${cpuLine(f.cpu)}; this process spent ${fmt.ms((f.cpu.self * f.ms) / f.requests)} of CPU per request (server + client)`
    : "";
  return `${name}: ${fmt.int(f.requests)} requests in ${fmt.s(f.ms)} → ${fmt.int(f.rps)} req/s, p50 ${fmt.ms(f.p50)}, p99 ${fmt.ms(f.p99)}, max ${fmt.ms(f.max)}, non-2xx ${f.non2xx}${cpu}`;
}

// ---- the benchmark -----------------------------------------------------------------------------------

export async function runNotifyIngest(
  opts: {
    orders: number;
    concurrency: number;
    warmup: number;
    barePasses: number;
    logLevel: string;
    profileDir?: string;
  },
  log: (s: string) => void = console.log,
): Promise<NotifyBenchResult> {
  const { orders: N, concurrency: C, warmup: W } = opts;
  log(`# Notification ingest benchmark: ${fmt.int(N)} orders, concurrency ${C}`);
  log(machineLine());
  log(
    "client (load generator), API server, bare Koa server, MariaDB and Redis all share this machine's cores: figures are of the whole machine, not of the server alone",
  );
  await quietProductionLogger(opts.logLevel);
  const db = await benchDatabase("notify");
  const scratch = scratchDir("notify");
  const prefix = `wlbench_${process.pid}_${Date.now()}`;
  const server = http.createServer();
  const port = await listen(server);
  const config = loadConfig({
    NODE_ENV: "test",
    WARMLINE_DEV: "true",
    LOG_LEVEL: opts.logLevel,
    HOST: "127.0.0.1",
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DB_DRIVER: "mysql",
    DATABASE_URL: db.url,
    JOBS_MODE: "bullmq",
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    DATA_DIR: scratch.dir,
    SERVE_CLIENTS: "false",
    // the notifications are signed during setup and replayed later: widen the accepted clock skew so a slow
    // setup cannot make them stale (the check itself costs the same)
    WECHATPAY_NOTIFY_SKEW_S: "3600",
  });
  let deps: Deps | null = null;
  const bare = await bareKoa();
  const capture = await captureServer();
  try {
    const t0 = performance.now();
    deps = await createDeps(config, { migrate: true });
    const d = deps;
    server.on("request", buildApp(d).callback());
    await d.jobs.start();
    log(
      `\nsetup: API on ${config.publicUrl} (MariaDB database ${db.name}, pool ${config.db.poolSize}; BullMQ prefix ${prefix}; log level ${opts.logLevel} → /dev/null; notification skew window 3600 s)`,
    );

    // county, season, bills (the bill-run job runs through BullMQ)
    const wanted = N + W;
    const accounts = Math.ceil(wanted / 0.95) + 20;
    await seedCounty(d.ds, d.vault, { accounts, staff: false });
    const season = await createSeason(d.ds, {
      code: currentSeasonCode(),
      lateFeeRateBp: 5,
      lateFeeCapBp: 10_000,
      tariffs: BENCH_TARIFFS,
    });
    const run = await startBillRun(d.ds, season.id, null);
    d.jobs.kick();
    await until("the bill run", async () => {
      const r = await d.ds.getRepository(BillRun).findOneByOrFail({ id: run.id });
      if (r.status === "failed") throw new Error(`bill run failed: ${r.error}`);
      return r.status === "done";
    });
    const picked: { id: number }[] = await d.ds.query(
      "SELECT id FROM heating_accounts WHERE status <> 'closed' ORDER BY id LIMIT ?",
      [wanted],
    );
    if (picked.length < wanted) throw new Error(`only ${picked.length} billable accounts`);

    // one resident per account, bound to it
    const openids = picked.map((_, i) => `bench_${process.pid}_${i}`);
    for (let i = 0; i < openids.length; i += 500) {
      await d.ds.getRepository(ResidentUser).insert(
        openids.slice(i, i + 500).map((o) => ({
          provider: "wechat" as const,
          wechatOpenid: o,
          wechatUnionid: null,
          alipayUserId: null,
          nickname: null,
          status: "active" as const,
          lastLoginAt: null,
        })),
      );
    }
    const residents = new Map(
      (await d.ds.getRepository(ResidentUser).findBy({ wechatOpenid: In(openids) })).map((r) => [r.wechatOpenid, r.id]),
    );
    const pairs = picked.map((a, i) => ({ accountId: Number(a.id), residentId: residents.get(openids[i]) as number }));
    for (let i = 0; i < pairs.length; i += 500) {
      await d.ds.getRepository(AccountBinding).insert(
        pairs.slice(i, i + 500).map((p) => ({
          residentUserId: p.residentId,
          accountId: p.accountId,
          factor: "owner_name",
          activeFlag: true,
          unboundAt: null,
        })),
      );
    }

    // one payment order per account, as the resident's POST /api/v1/me/payments makes it
    let collisions = 0;
    const created = await pool(pairs, 8, async (p) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await createOnlinePayment(d, p.residentId, { accountId: p.accountId, vendor: "wechat" });
        } catch (err) {
          const code = (err as { driverError?: { code?: string }; code?: string }).driverError?.code;
          if (code === "ER_DUP_ENTRY" && attempt < 5) {
            collisions++;
            continue;
          }
          throw err;
        }
      }
    });

    // pay each at the sandbox without a callback, then have the sandbox deliver its intact notification once
    const sb = async (path: string, body: unknown) => {
      const res = await fetch(`${config.publicUrl}/sandbox/wechatpay${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${text}`);
      return JSON.parse(text) as { attempts?: { status: number | null }[] };
    };
    await pool(created, 8, async (o) => {
      await sb("/test/pay", { out_trade_no: o.outTradeNo, notify: false });
      const delivery = await sb("/test/notifications/fault", {
        out_trade_no: o.outTradeNo,
        fault: "none",
        notify_url: capture.url,
      });
      if (delivery.attempts?.[0]?.status !== 204) throw new Error(`capture failed for ${o.outTradeNo}`);
    });
    if (capture.got.length !== created.length) throw new Error(`captured ${capture.got.length} of ${created.length}`);
    // the check-order sweeper would ask the sandbox about each order FIRST_CHECK_MS after it was made and
    // settle it itself: postpone those jobs so that only the notifications settle orders while measuring
    const postponed = await d.ds.query(
      "UPDATE outbox SET available_at = DATE_ADD(available_at, INTERVAL 1 HOUR) WHERE status = 'pending' AND job_name = 'payments.check_order'",
    );
    const all = capture.got;
    const warm = all.slice(0, W);
    const measured = all.slice(W);
    // each notification is of its own order: the first W captured warm up, the other N are measured
    const orderIds = created.map((o) => o.id);
    log(
      `setup took ${fmt.s(performance.now() - t0)} (not measured): ${fmt.int(accounts)} accounts, season ${season.code} bills by bill run #${run.id}, ${fmt.int(created.length)} orders (${W} for warm-up), ${fmt.int(all.length)} notifications captured (${fmt.int(measured[0]?.body.length ?? 0)} bytes each), ${collisions} out_trade_no collisions retried; ${fmt.int(Number(postponed.affectedRows ?? postponed[1] ?? 0))} check-order jobs (due ${FIRST_CHECK_MS / 60_000} min after each order) postponed by an hour`,
    );
    const logs = async (sinceId: number) =>
      count(
        (
          await d.ds.query("SELECT outcome FROM vendor_notifications WHERE id > ? AND vendor = 'wechat'", [sinceId])
        ).map((r: { outcome: string | null }) => r.outcome),
      );
    const maxLogId = async () =>
      Number((await d.ds.query("SELECT COALESCE(MAX(id), 0) AS m FROM vendor_notifications"))[0].m);

    // warm-up (not measured): JIT, connection pools, InnoDB pages
    const apiUrl = `${config.publicUrl}${NOTIFY_PATH}`;
    await load(bare.url, [...warm, ...measured], C);
    if (W > 0) {
      const w = await load(apiUrl, warm, C);
      log(
        `warm-up: ${W} notifications of their own orders to the API (non-2xx: ${w.non2xx}); ${fmt.int(W + N)} to the bare server`,
      );
    }

    log("");
    // the bare server is ~30× faster: it gets the same bodies several times over, for a run long enough to time
    const bareReqs = Array.from({ length: opts.barePasses }, () => measured).flat();
    const bare1 = await load(bare.url, bareReqs, C);
    log(line("bare #1 ", bare1));
    const tally = sqlTally(d.ds, classify);
    const beforeIngest = await maxLogId();
    tally.start();
    const profile = (name: string) => (opts.profileDir ? `${opts.profileDir}/${name}.cpuprofile` : undefined);
    const ingest = await profiled(profile("ingest"), () => load(apiUrl, measured, C));
    const ingestSql = tally.stop();
    log(line("ingest  ", ingest));
    breakdown(ingestSql, N, log);
    const ingestOutcomes = await logs(beforeIngest);
    const beforeReplay = await maxLogId();
    tally.start();
    const replay = await profiled(profile("replay"), () => load(apiUrl, measured, C));
    const replaySql = tally.stop();
    log(line("replay  ", replay));
    breakdown(replaySql, N, log);
    const replayOutcomes = await logs(beforeReplay);
    const bare2 = await load(bare.url, bareReqs, C);
    log(line("bare #2 ", bare2));

    // checks: every order paid exactly once
    const [{ paid }] = await d.ds.query(
      `SELECT COUNT(*) AS paid FROM payment_orders WHERE status = 'paid' AND id IN (${orderIds.map(() => "?").join(",")})`,
      orderIds,
    );
    const [{ ledger, distinct }] = await d.ds.query(
      `SELECT COUNT(*) AS ledger, COUNT(DISTINCT source_id) AS \`distinct\` FROM ledger_entries WHERE source_type = 'payment'`,
    );
    const [{ unpaidBills }] = await d.ds.query(
      `SELECT COUNT(*) AS unpaidBills FROM bills WHERE status <> 'paid' AND account_id IN (${pairs.map(() => "?").join(",")})`,
      pairs.map((p) => p.accountId),
    );
    const allPaidOnce =
      Number(paid) === created.length &&
      Number(ledger) === created.length &&
      Number(distinct) === created.length &&
      Number(unpaidBills) === 0 &&
      ingest.non2xx === 0 &&
      replay.non2xx === 0 &&
      ingestOutcomes.settled === N &&
      replayOutcomes.replay === N;
    log(
      `\ncheck: orders paid ${fmt.int(Number(paid))}/${fmt.int(created.length)}, ledger entries ${fmt.int(Number(ledger))} (expected ${fmt.int(created.length)} = ${fmt.int(N)} measured + ${W} warm-up), bills of these accounts still open ${unpaidBills}`,
    );
    log(`       ingest outcomes ${JSON.stringify(ingestOutcomes)}; replay outcomes ${JSON.stringify(replayOutcomes)}`);
    log(
      `       → ${allPaidOnce ? "every order paid exactly once, every answer 2xx" : "PROBLEM: see the counts above"}`,
    );

    const bareMs = (bare1.ms + bare2.ms) / 2;
    const bareFig: LoadFigures = {
      requests: bareReqs.length,
      ms: bareMs,
      rps: bareReqs.length / (bareMs / 1000),
      p50: (bare1.p50 + bare2.p50) / 2,
      p99: (bare1.p99 + bare2.p99) / 2,
      max: Math.max(bare1.max, bare2.max),
      non2xx: bare1.non2xx + bare2.non2xx,
    };
    const strip = ({ statuses: _s, ...f }: LoadFigures & { statuses: number[] }): LoadFigures => f;
    const result: NotifyBenchResult = {
      orders: N,
      concurrency: C,
      bare: bareFig,
      bareRuns: [strip(bare1), strip(bare2)],
      ingest: strip(ingest),
      replay: strip(replay),
      ingestOverBare: ingest.rps / bareFig.rps,
      replayOverBare: replay.rps / bareFig.rps,
      checks: { allPaidOnce, ledgerEntries: Number(ledger), outcomes: ingestOutcomes, replayOutcomes },
      outTradeNoCollisions: collisions,
    };
    log("\n## Summary (ratio = requests/s of the phase ÷ requests/s of the bare Koa baseline, mean of its two runs)");
    log(table(notifySummaryRows(result)));
    return result;
  } finally {
    await capture.close();
    await bare.close();
    await closeServer(server);
    if (deps) await closeDeps(deps);
    await db.drop();
    await dropRedisPrefix(prefix).catch(() => 0);
    scratch.remove();
  }
}

export function notifySummaryRows(r: NotifyBenchResult): string[][] {
  const row = (name: string, f: LoadFigures, ratio: string) => [
    name,
    fmt.int(f.requests),
    fmt.int(f.rps),
    fmt.ms(f.p50),
    fmt.ms(f.p99),
    String(f.non2xx),
    ratio,
  ];
  return [
    ["phase", "requests", "req/s", "p50", "p99", "non-2xx", "÷ bare"],
    row("bare Koa, 204 (mean of 2)", r.bare, "1.00"),
    row("ingest (settles each order)", r.ingest, r.ingestOverBare.toFixed(3)),
    row("replay (already settled)", r.replay, r.replayOverBare.toFixed(3)),
  ];
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      orders: { type: "string" },
      concurrency: { type: "string" },
      warmup: { type: "string" },
      "bare-passes": { type: "string" },
      "log-level": { type: "string", default: "info" },
      profile: { type: "string" },
      "json-out": { type: "string" },
    },
  });
  const result = await runNotifyIngest({
    orders: positiveInt(values.orders, "--orders", 2000),
    concurrency: positiveInt(values.concurrency, "--concurrency", 32),
    warmup: values.warmup === "0" ? 0 : positiveInt(values.warmup, "--warmup", 100),
    barePasses: positiveInt(values["bare-passes"], "--bare-passes", 5),
    logLevel: values["log-level"] ?? "info",
    profileDir: values.profile,
  });
  writeJson(values["json-out"], result);
}
