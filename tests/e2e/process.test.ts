import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeDeps, createDeps } from "@warmline/server/src/bootstrap";
import { loadConfig } from "@warmline/server/src/config";
import { DataSource } from "typeorm";
import { seasonsWithBills } from "../support/billing";
import { bindByName, seedSmallCounty } from "../support/county";
import { freshDatabase } from "../support/db";
import { REDIS_URL } from "../support/env";
import { client, residentLogin } from "../support/http";
import { until } from "../support/wait";
import {
  freePort,
  type RoleProcess,
  runServer,
  type ServerProcess,
  startRole,
  startServerProcess,
} from "../support/process";

const tmpDirs: string[] = [];
const servers: ServerProcess[] = [];
function tmpDir() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-proc-"));
  tmpDirs.push(d);
  return d;
}
afterAll(async () => {
  for (const s of servers) await s.stop();
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("process", () => {
  it("bad configuration → one clear line per setting and exit code 1", async () => {
    const p = runServer({ PORT: "not-a-port", DB_DRIVER: "mysql", DATA_DIR: tmpDir() });
    const { code } = await p.exit;
    expect(code).toBe(1);
    const lines = p.output().trim().split("\n");
    expect(lines.some((l) => /configuration error: PORT: .*not-a-port/.test(l))).toBe(true);
    expect(lines.some((l) => /configuration error: DATABASE_URL: is required when DB_DRIVER=mysql/.test(l))).toBe(true);
    expect(p.output()).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("an unreachable database is a one-line failure with exit code 1", async () => {
    const p = runServer({ DB_DRIVER: "mysql", DATABASE_URL: "mysql://root@127.0.0.1:1/none", DATA_DIR: tmpDir() });
    const { code } = await p.exit;
    expect(code).toBe(1);
    expect(p.output()).toMatch(/failed to start/);
  });

  it("the embedded default starts from an empty data folder: API, H5 app and console answer", async () => {
    const dataDir = tmpDir();
    // as `npm start` runs it: readable logs
    const s = await startServerProcess({
      DATA_DIR: path.join(dataDir, "data"),
      SEED_DEMO: "true",
      LOG_FORMAT: "pretty",
    });
    servers.push(s);
    const health = await (await fetch(`${s.url}/api/v1/health`)).json();
    expect(health).toMatchObject({
      status: "ok",
      db: { ok: true, driver: "sqlite" },
      queue: { ok: true, mode: "inprocess" },
    });
    const h5 = await fetch(`${s.url}/h5/`);
    expect(h5.status).toBe(200);
    expect(await h5.text()).toMatch(/<div id="app"|<script/);
    const consoleRes = await fetch(`${s.url}/console/accounts/1`); // a deep link falls back to the SPA
    expect(consoleRes.status).toBe(200);
    expect(await consoleRes.text()).toMatch(/<div id="root"/);
    const openapi = (await (await fetch(`${s.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, { get?: unknown }>;
    };
    expect(openapi.paths["/api/v1/me/accounts/{id}"].get).toBeTruthy();
    expect(fs.existsSync(path.join(dataDir, "data/warmline.sqlite"))).toBe(true);
    const login = await fetch(`${s.url}/api/v1/auth/staff/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "Warmline@2026" }),
    });
    expect(login.status).toBe(200);
    expect(s.output()).toContain("/console/");
    expect(s.output()).toContain("Warmline@2026");
    // readable lines, no JSON, no line per request at the default level, and the banner after start-up
    const out = s.output();
    expect(out).not.toMatch(/^\{"level"/m);
    expect(out).toMatch(/^\d\d:\d\d:\d\d INFO {2}started/m);
    expect(out).not.toMatch(/ request {2}.*path=/);
    expect(out.indexOf("暖线 Warmline 已启动")).toBeGreaterThan(out.search(/INFO {2}started/));
  });

  it("SIGTERM lets an in-flight request finish, then exits 0", async () => {
    const s = await startServerProcess({ DATA_DIR: tmpDir() });
    const url = new URL(s.url);
    const body = JSON.stringify({ username: "nobody", password: "x" });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: "/api/v1/auth/staff/login",
          method: "POST",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          let text = "";
          res.on("data", (d) => (text += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      req.write(body.slice(0, 10)); // the request is in flight: half a body sent
      setTimeout(() => {
        s.proc.kill("SIGTERM");
        setTimeout(() => req.end(body.slice(10)), 500);
      }, 300);
    });
    const res = await response;
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text).error.code).toBe("STAFF_LOGIN_FAILED");
    const { code } = await s.exit;
    expect(code).toBe(0);
    expect(s.output()).toMatch(/shutting down/);
  });
});

describe("restarts", () => {
  const alive = (p: RoleProcess) => p.proc.exitCode === null && p.proc.signalCode === null;
  const settle = () => new Promise((r) => setTimeout(r, 300));

  it("the embedded default restarts at once after SIGKILL or SIGTERM, again and again", async () => {
    // the same data folder and port, started again within the same minute: the periodic jobs' first
    // turns (SLA sweep, photo clean-up, daily reconciliation) are already in the outbox
    const env = { DATA_DIR: tmpDir(), PORT: String(await freePort()), SERVE_CLIENTS: "false" };
    let s = await startRole(env, "all");
    servers.push(s);
    for (const signal of ["SIGKILL", "SIGTERM", "SIGKILL", "SIGKILL"] as const) {
      await s.kill(signal);
      s = await startRole(env, "all");
      servers.push(s);
      await settle();
      expect(alive(s), s.output()).toBe(true);
      const health = await (await fetch(`${s.url}/api/v1/health`)).json();
      expect(health).toMatchObject({ status: "ok", db: { ok: true }, queue: { ok: true, mode: "inprocess" } });
      expect(s.output()).not.toMatch(/failed to start/);
    }
    await s.stop();
  });

  it("a first start stopped half-way through the demo seed seeds it again on the next start", async () => {
    const dataDir = tmpDir();
    const dbFile = path.join(dataDir, "warmline.sqlite");
    const env = { DATA_DIR: dataDir, SEED_DEMO: "true", SERVE_CLIENTS: "false", PORT: String(await freePort()) };
    const first = runServer({ ...env, PUBLIC_URL: `http://127.0.0.1:${env.PORT}` });
    // pull the plug once the county is in and the bills are being written (the seed takes seconds)
    await until(async () => {
      if (first.proc.exitCode !== null) throw new Error(`exited while seeding:\n${first.output()}`);
      if (!fs.existsSync(dbFile)) return false;
      const peek = new DataSource({ type: "better-sqlite3", database: dbFile, readonly: true });
      try {
        await peek.initialize();
        return Number((await peek.query("SELECT COUNT(*) AS n FROM bills"))[0].n) > 0;
      } catch {
        return false; // tables not there yet
      } finally {
        if (peek.isInitialized) await peek.destroy();
      }
    }, 90_000);
    first.proc.kill("SIGKILL");
    await first.exit;

    const s = await startRole(env, "all", 110_000);
    servers.push(s);
    const db = new DataSource({ type: "better-sqlite3", database: dbFile, readonly: true });
    await db.initialize();
    try {
      const n = async (sql: string) => Number((await db.query(sql))[0].n);
      expect(await n("SELECT COUNT(*) AS n FROM heating_accounts")).toBe(2000);
      expect(await n("SELECT COUNT(DISTINCT season_id) AS n FROM bills")).toBe(2);
      expect(await n("SELECT COUNT(*) AS n FROM tickets")).toBeGreaterThan(0);
    } finally {
      await db.destroy();
    }
    expect(s.output()).toMatch(/the demo seed of a previous start did not finish/);
    expect(fs.existsSync(`${dbFile}.seeding`)).toBe(false);
    const login = await client(s.url).post("/api/v1/auth/staff/login", {
      username: "admin",
      password: "Warmline@2026",
    });
    expect(login.status).toBe(200);
    await s.stop();
  }, 240_000);

  it("an API and a worker on MariaDB + Redis start together, and restart at once after SIGKILL or SIGTERM", async () => {
    const db = await freshDatabase("proc_roles");
    try {
      const env = {
        DB_DRIVER: "mysql",
        DATABASE_URL: db.url,
        MIGRATE_ON_START: "true",
        JOBS_MODE: "bullmq",
        REDIS_URL,
        QUEUE_PREFIX: `wlproc_${process.pid}_${Date.now()}`,
        DATA_DIR: tmpDir(),
        SERVE_CLIENTS: "false",
      };
      const apiEnv = { ...env, PORT: String(await freePort()) };
      // the first start migrates the empty database from both processes at the same moment
      const start = async () => {
        const both = await Promise.allSettled([startRole(apiEnv, "api"), startRole(env, "worker")]);
        for (const r of both) if (r.status === "fulfilled") servers.push(r.value);
        const failed = both.find((r): r is PromiseRejectedResult => r.status === "rejected");
        if (failed) throw failed.reason;
        return both.map((r) => (r as PromiseFulfilledResult<RoleProcess>).value);
      };
      let [api, worker] = await start();
      for (const signal of ["SIGKILL", "SIGTERM", "SIGKILL"] as const) {
        await Promise.all([api.kill(signal), worker.kill(signal)]);
        [api, worker] = await start();
        await settle();
        expect(alive(api), api.output()).toBe(true);
        expect(alive(worker), worker.output()).toBe(true);
        const health = await (await fetch(`${api.url}/api/v1/health`)).json();
        expect(health).toMatchObject({ status: "ok", db: { ok: true }, queue: { ok: true, mode: "bullmq" } });
      }
      await Promise.all([api.stop(), worker.stop()]);
    } finally {
      await db.drop();
    }
  });
});

describe("crash-restart drill", () => {
  it("SIGKILL in the middle of settlement traffic, restart at once: each order ends paid exactly once or unpaid", async () => {
    const dir = tmpDir();
    const serverDb = path.join(dir, "server.sqlite");
    // the server's database: a small county (with the staff), prepared before it starts; this also makes
    // the sandbox keys under DATA_DIR that the vendor and the server share
    const prep = await createDeps(
      loadConfig({
        WARMLINE_DEV: "true",
        LOG_LEVEL: "silent",
        DB_DRIVER: "sqlite",
        DATA_DIR: dir,
        SQLITE_FILE: serverDb,
        SANDBOX_VENDORS: "true",
      }),
      { migrate: true },
    );
    const county = await seedSmallCounty(prep, 40);
    await closeDeps(prep);

    // WeChat Pay: the sandbox in a process of its own, so that it outlives the crash and retries its
    // notifications (on WeChat's schedule, 20 times faster: 0.75 s, 0.75 s, 1.5 s, 9 s …)
    const vendorPort = String(await freePort());
    const vendorEnv = {
      DATA_DIR: dir,
      SQLITE_FILE: path.join(dir, "vendor.sqlite"),
      PORT: vendorPort,
      SANDBOX_VENDORS: "true",
      WECHATPAY_SANDBOX_NOTIFY_SCALE: "0.05",
      SERVE_CLIENTS: "false",
    };
    const env = {
      DATA_DIR: dir,
      SQLITE_FILE: serverDb,
      PORT: String(await freePort()), // kept across the restart: the vendor's notify_url points at it
      SANDBOX_VENDORS: "true",
      WECHATPAY_API_BASE: `http://127.0.0.1:${vendorPort}/sandbox/wechatpay`,
      OUTBOX_POLL_MS: "100",
      OUTBOX_LEASE_MS: "3000",
      SERVE_CLIENTS: "false",
    };
    const both = await Promise.allSettled([startRole(vendorEnv, "all"), startRole(env, "all")]);
    for (const r of both) if (r.status === "fulfilled") servers.push(r.value);
    for (const r of both) if (r.status === "rejected") throw r.reason;
    const [vendor, first] = both.map((r) => (r as PromiseFulfilledResult<RoleProcess>).value);
    let server = first;
    await seasonsWithBills(server.url, ["2026-2027"]);

    // residents open online payments for 20 accounts (a few residents, several accounts each)
    type Order = { id: number; outTradeNo: string; amountFen: number; accountId: number };
    const orders: Order[] = [];
    let next = 0;
    for (let r = 0; r < 4; r++) {
      const me = await residentLogin(server.url, { openid: `drill-resident-${r}` });
      for (let mine = 0; mine < 5 && next < county.rows.length; ) {
        const account = county.rows[next++];
        if ((await bindByName(me.api, { ownerName: account.ownerName, account })).status !== 201) continue;
        const res = await me.api.post("/api/v1/me/payments", { accountId: account.id, vendor: "wechat" });
        if (res.status !== 201) continue; // nothing owed on this account
        orders.push({
          id: res.body.id,
          outTradeNo: res.body.outTradeNo,
          amountFen: res.body.amountFen,
          accountId: account.id,
        });
        mine++;
      }
    }
    expect(orders.length).toBe(20);
    const neverPaid = orders.slice(0, 3); // the payer walked away: these stay unpaid
    const paidBeforeCrash = orders.slice(3, 12); // paid together; the server is settling them when it dies
    const paidWhileDown = orders.slice(12); // paid while the server is down: delivered by the vendor's retries

    const db = new DataSource({ type: "better-sqlite3", database: serverDb });
    await db.initialize();
    try {
      const q = async <T>(sql: string) => (await db.query(sql)) as T[];
      const pay = (o: Order) =>
        client(vendor.url)
          .post("/sandbox/wechatpay/test/pay", { out_trade_no: o.outTradeNo })
          .then((r) => {
            if (r.status !== 200) throw new Error(`sandbox pay: ${r.status} ${r.text}`);
          });

      await Promise.all(paidBeforeCrash.map(pay));
      // kill as soon as the first settlement has committed: the others are in flight
      await until(async () => (await q<{ n: number }>("SELECT COUNT(*) AS n FROM ledger_entries"))[0].n > 0, 10_000);
      await server.kill("SIGKILL");
      const killedAt = Date.now();
      await Promise.all(paidWhileDown.map(pay));
      server = await startRole(env, "all");
      servers.push(server);
      const upAfterMs = Date.now() - killedAt;
      expect(upAfterMs, "restart to a healthy server").toBeLessThan(15_000);

      const paidIds = [...paidBeforeCrash, ...paidWhileDown].map((o) => o.id);
      const statusOf = async () =>
        new Map(
          (await q<{ id: number; status: string }>("SELECT id, status FROM payment_orders")).map((r) => [
            r.id,
            r.status,
          ]),
        );
      await until(async () => {
        const status = await statusOf();
        return paidIds.every((id) => status.get(id) === "paid");
      }, 40_000);
      await server.stop();

      const settledBeforeCrash = (
        await q<{ created_at: string }>("SELECT created_at FROM ledger_entries WHERE source_type = 'payment'")
      ).filter((r) => new Date(`${r.created_at.replace(" ", "T")}Z`).getTime() < killedAt).length;
      console.log(
        `drill: ${paidBeforeCrash.length} paid before the crash (${settledBeforeCrash} settled when it died), ` +
          `${paidWhileDown.length} paid while down, ${neverPaid.length} never paid; healthy ${upAfterMs} ms after SIGKILL`,
      );
      expect(settledBeforeCrash).toBeGreaterThan(0);
      expect(settledBeforeCrash).toBeLessThan(paidIds.length);

      const status = await statusOf();
      const ledger = await q<{ source_id: number; amount_fen: number }>(
        "SELECT source_id, amount_fen FROM ledger_entries WHERE source_type = 'payment'",
      );
      const allocations = await q<{
        payment_order_id: number;
        bill_id: number;
        principal_fen: number;
        late_fee_fen: number;
      }>("SELECT payment_order_id, bill_id, principal_fen, late_fee_fen FROM payment_allocations");
      const rows = new Map(
        (
          await q<{ id: number; unapplied_fen: number; flagged: number; transaction_id: string | null }>(
            "SELECT id, unapplied_fen, flagged, transaction_id FROM payment_orders",
          )
        ).map((r) => [r.id, r]),
      );
      const settledLogs = await q<{ out_trade_no: string }>(
        "SELECT out_trade_no FROM vendor_notifications WHERE outcome = 'settled'",
      );
      // no duplicate money anywhere: one ledger entry per paid order and nothing else
      expect(ledger.map((l) => l.source_id).sort((a, b) => a - b)).toEqual([...paidIds].sort((a, b) => a - b));
      for (const o of [...paidBeforeCrash, ...paidWhileDown]) {
        expect(status.get(o.id), o.outTradeNo).toBe("paid");
        expect(ledger.filter((l) => l.source_id === o.id).map((l) => Number(l.amount_fen))).toEqual([o.amountFen]);
        const row = rows.get(o.id);
        expect(Number(row?.flagged)).toBe(0);
        const applied = allocations
          .filter((a) => a.payment_order_id === o.id)
          .reduce((sum, a) => sum + Number(a.principal_fen) + Number(a.late_fee_fen), 0);
        expect(applied + Number(row?.unapplied_fen)).toBe(o.amountFen); // one allocation set
        expect(settledLogs.filter((l) => l.out_trade_no === o.outTradeNo).length).toBeLessThanOrEqual(1);
        const atVendor = await client(vendor.url).get(`/sandbox/wechatpay/test/orders/${o.outTradeNo}`);
        expect(atVendor.body.transactionId).toBe(row?.transaction_id);
      }
      for (const o of neverPaid) {
        expect(status.get(o.id)).toBe("created");
        expect(allocations.filter((a) => a.payment_order_id === o.id)).toEqual([]);
      }
      // bills paid once: what each bill shows as paid is exactly what was allocated to it
      const bills = await q<{
        id: number;
        account_id: number;
        paid_fen: number;
        late_fee_paid_fen: number;
        status: string;
      }>(
        `SELECT id, account_id, paid_fen, late_fee_paid_fen, status FROM bills WHERE account_id IN (${orders.map((o) => o.accountId).join(",")})`,
      );
      for (const b of bills) {
        const mine = allocations.filter((a) => a.bill_id === b.id);
        expect(Number(b.paid_fen)).toBe(mine.reduce((s, a) => s + Number(a.principal_fen), 0));
        expect(Number(b.late_fee_paid_fen)).toBe(mine.reduce((s, a) => s + Number(a.late_fee_fen), 0));
        const paidOrder = orders.find((o) => o.accountId === b.account_id && paidIds.includes(o.id));
        expect(b.status).toBe(paidOrder ? "paid" : "unpaid");
      }
    } finally {
      await db.destroy();
    }
  });
});
