/**
 * Shared pieces of the benchmark scripts: databases of their own, time, memory, CPU and SQL measurement,
 * and printing. Benchmarks print figures (ratios against a baseline measured in the same run);
 * they never assert on time.
 */
import fs from "node:fs";
import inspector from "node:inspector/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";
import { DataSource } from "typeorm";

export const MYSQL_ADMIN_URL = process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

/** True when `moduleUrl` is the script node was started with (each benchmark also runs alone). */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  const resolved = path.resolve(entry);
  return moduleUrl === pathToFileURL(resolved).href || moduleUrl === pathToFileURL(`${resolved}.ts`).href;
}

/**
 * A package the server depends on (koa, ioredis), loaded from the server's own node_modules: the scripts
 * package does not list them, and the benchmarks must measure the very copies the server runs.
 */
export async function fromServer<T>(name: string): Promise<T> {
  const req = createRequire(path.resolve(import.meta.dirname, "../../server/package.json"));
  const mod = (await import(pathToFileURL(req.resolve(name)).href)) as { default?: T };
  return (mod.default ?? mod) as T;
}

// ---- databases ------------------------------------------------------------------------------------------

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Creates an empty MariaDB database `warmline_bench_<pid>_<suffix>` and returns its URL and a drop(). */
export async function benchDatabase(suffix: string): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `warmline_bench_${process.pid}_${suffix}`.replace(/[^a-zA-Z0-9_]/g, "_");
  const adminQuery = async <T>(sql: string, map: (rows: unknown) => T): Promise<T> => {
    const ds = new DataSource({ type: "mariadb", url: MYSQL_ADMIN_URL });
    await ds.initialize();
    try {
      return map(await ds.query(sql));
    } finally {
      await ds.destroy();
    }
  };
  const admin = (sql: string) => adminQuery(sql, () => undefined);
  // databases left by an interrupted run whose process is gone
  const leftovers: { name: string }[] = await adminQuery("SHOW DATABASES LIKE 'warmline\\_bench\\_%'", (rows) =>
    (rows as Record<string, string>[]).map((r) => ({ name: Object.values(r)[0] })),
  );
  for (const l of leftovers) {
    const pid = Number(/^warmline_bench_(\d+)_/.exec(l.name)?.[1]);
    if (pid && !alive(pid)) await admin(`DROP DATABASE IF EXISTS \`${l.name}\``);
  }
  await admin(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  return { name, url: `${MYSQL_ADMIN_URL}/${name}`, drop: () => admin(`DROP DATABASE IF EXISTS \`${name}\``) };
}

/** A scratch folder under the OS temp dir (SQLite files, sandbox keys), removed by the returned function. */
export function scratchDir(tag: string): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `warmline-bench-${tag}-${process.pid}-`));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

// ---- measuring ----------------------------------------------------------------------------------------

let gcFn: (() => void) | null | undefined;
/** Runs a full garbage collection when the runtime allows it (exposed here without a node flag). */
export function collectGarbage(): void {
  if (gcFn === undefined) {
    try {
      v8.setFlagsFromString("--expose-gc");
      gcFn = vm.runInNewContext("gc") as () => void;
    } catch {
      gcFn = null;
    }
  }
  gcFn?.();
}

export interface PhaseResult<T> {
  value: T;
  ms: number;
  /** highest RSS seen during the phase minus RSS at its start (bytes) */
  peakRssDelta: number;
  rssStart: number;
  /** heap in use after a full GC at the end minus after the one at the start (bytes): what the phase kept */
  retainedHeapDelta: number;
}

/**
 * Times one phase and its peak RSS. RSS is sampled every 5 ms; the process's lifetime high-water mark
 * (getrusage maxrss) also counts when it rose during the phase, which catches peaks between samples and
 * phases that never yield to the event loop (better-sqlite3 is synchronous).
 */
export async function measure<T>(fn: () => Promise<T>): Promise<PhaseResult<T>> {
  collectGarbage();
  const heapStart = process.memoryUsage().heapUsed;
  const rssStart = process.memoryUsage.rss();
  const maxRssBefore = process.resourceUsage().maxRSS * 1024;
  let peak = rssStart;
  const timer = setInterval(() => {
    const r = process.memoryUsage.rss();
    if (r > peak) peak = r;
  }, 5);
  const t0 = performance.now();
  let value: T;
  try {
    value = await fn();
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - t0;
  peak = Math.max(peak, process.memoryUsage.rss());
  const maxRssAfter = process.resourceUsage().maxRSS * 1024;
  if (maxRssAfter > maxRssBefore) peak = Math.max(peak, maxRssAfter);
  collectGarbage();
  const retainedHeapDelta = process.memoryUsage().heapUsed - heapStart;
  return { value, ms, peakRssDelta: peak - rssStart, rssStart, retainedHeapDelta };
}

/**
 * Counts time spent inside SQL calls of a DataSource, by kind of statement (`classify` names it), so a
 * report can say where a phase's time went. Patches the driver's query runners; returns the tally.
 */
export function sqlTally(ds: DataSource, classify: (sql: string) => string) {
  const byKind = new Map<string, { calls: number; ms: number }>();
  let enabled = false;
  const driver = ds.driver as unknown as { createQueryRunner(mode: string): { query: (...a: unknown[]) => unknown } };
  const original = driver.createQueryRunner.bind(driver);
  // SQLite drivers hand out one shared query runner: wrap each runner once
  const wrapped = new WeakSet<object>();
  driver.createQueryRunner = (mode: string) => {
    const qr = original(mode);
    if (wrapped.has(qr)) return qr;
    wrapped.add(qr);
    const query = qr.query.bind(qr) as (...a: unknown[]) => Promise<unknown>;
    qr.query = async (...args: unknown[]) => {
      if (!enabled) return query(...args);
      const t0 = performance.now();
      try {
        return await query(...args);
      } finally {
        // statements are told apart by their head: a 1,000-row INSERT is ~100 kB of SQL
        const kind = classify(String(args[0]).slice(0, 3000));
        if (process.env.BENCH_SQL_LOG && !byKind.has(kind))
          console.error(`[sql] ${kind}: ${String(args[0]).slice(-300)}`);
        const k = byKind.get(kind) ?? { calls: 0, ms: 0 };
        k.calls++;
        k.ms += performance.now() - t0;
        byKind.set(kind, k);
      }
    };
    return qr;
  };
  return {
    start() {
      byKind.clear();
      enabled = true;
    },
    stop() {
      enabled = false;
      return [...byKind.entries()].map(([kind, v]) => ({ kind, ...v })).sort((a, b) => b.ms - a.ms);
    },
  };
}

/**
 * Records a V8 CPU profile of `fn` into `file` (open it in Chrome DevTools or speedscope) when a file is
 * given; otherwise just runs `fn`.
 */
export async function profiled<T>(file: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (!file) return fn();
  const session = new inspector.Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 500 });
  await session.post("Profiler.start");
  try {
    return await fn();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

// ---- CPU ---------------------------------------------------------------------------------------------

const CLK_TCK = 100; // Linux USER_HZ

/** utime+stime (ms) of every process named `comm` (e.g. "mariadbd"), from /proc; null off Linux. */
function procCpuMs(comm: string): number | null {
  try {
    let total = 0;
    let found = false;
    for (const pid of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() !== comm) continue;
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        total += ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
        found = true;
      } catch {
        // the process ended meanwhile
      }
    }
    return found ? total : null;
  } catch {
    return null;
  }
}

/** busy and total CPU time of the whole machine (ms, summed over cores), from /proc/stat */
function machineCpuMs(): { busy: number; total: number } | null {
  try {
    const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = f[3] + f[4];
    return { busy: ((total - idle) * 1000) / CLK_TCK, total: (total * 1000) / CLK_TCK };
  } catch {
    return null;
  }
}

export interface CpuFigures {
  /** CPU time used, as a share of one core over the phase's wall time */
  self: number;
  mariadb: number | null;
  /** the whole machine's busy share, in cores (of os.cpus().length) */
  machine: number | null;
}

/** Starts counting CPU: this process, MariaDB and the whole machine. stop() gives shares of a core. */
export function cpuMeter() {
  const t0 = performance.now();
  const self0 = process.cpuUsage();
  const db0 = procCpuMs("mariadbd") ?? procCpuMs("mysqld");
  const m0 = machineCpuMs();
  return {
    stop(): CpuFigures {
      const wall = performance.now() - t0;
      const self = process.cpuUsage(self0);
      const db1 = procCpuMs("mariadbd") ?? procCpuMs("mysqld");
      const m1 = machineCpuMs();
      const cores = os.cpus().length;
      return {
        self: (self.user + self.system) / 1000 / wall,
        mariadb: db0 !== null && db1 !== null ? (db1 - db0) / wall : null,
        machine: m0 && m1 ? ((m1.busy - m0.busy) / (m1.total - m0.total)) * cores : null,
      };
    },
  };
}

export function cpuLine(c: CpuFigures): string {
  const pct = (x: number | null) => (x === null ? "?" : `${Math.round(x * 100)}%`);
  return `CPU (100% = one core): this process ${pct(c.self)}, mariadbd ${pct(c.mariadb)}, whole machine ${pct(c.machine)} of ${os.cpus().length * 100}%`;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

// ---- printing -----------------------------------------------------------------------------------------

export const fmt = {
  s: (ms: number) => `${(ms / 1000).toFixed(2)} s`,
  ms: (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`,
  int: (n: number) => Math.round(n).toLocaleString("en-US"),
  mib: (bytes: number) => `${bytes < 0 ? "-" : "+"}${(Math.abs(bytes) / 2 ** 20).toFixed(1)} MiB`,
  x: (r: number) => `${r.toFixed(2)}×`,
};

/** A plain text table: first row is the header; numbers are right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (c > 0 && /^[-+\d.,]/.test(cell) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join("  ")
      .trimEnd();
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

/** One line about the machine, for the top of every report. */
export function machineLine(): string {
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  return `node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model?.trim() ?? "?"}), load average ${load}, ${new Date().toISOString()}`;
}

/** Writes a benchmark's figures as JSON for the runner (index.ts) when asked with --json-out FILE. */
export function writeJson(file: string | undefined, data: unknown): void {
  if (file) fs.writeFileSync(file, JSON.stringify(data, null, 2));
}

export function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} must be a whole number ≥ 1 (got ${JSON.stringify(value)})`);
    process.exit(2);
  }
  return n;
}

/** The heating season under way on a date (a season starts on 15 October), e.g. "2026-2027". */
export function currentSeasonCode(now = new Date()): string {
  const shanghai = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const y = Number(shanghai.slice(0, 4));
  const start = shanghai >= `${y}-10-15` ? y : y - 1;
  return `${start}-${start + 1}`;
}

/** Tariffs for every account category the seed makes (the same as the API tests use). */
export const BENCH_TARIFFS = [
  { category: "residential" as const, unitPriceFen: 2_160, suspensionShareBp: 3_000 },
  { category: "non_residential" as const, unitPriceFen: 2_900, suspensionShareBp: 3_000 },
  { category: "public_institution" as const, unitPriceFen: 2_600, suspensionShareBp: 3_000 },
];
