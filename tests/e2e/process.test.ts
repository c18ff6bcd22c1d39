import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runServer, type ServerProcess, startServerProcess } from "../support/process";

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
    const s = await startServerProcess({ DATA_DIR: path.join(dataDir, "data"), SEED_DEMO: "true" });
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
