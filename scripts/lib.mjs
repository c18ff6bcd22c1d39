// Shared helpers of the start and test scripts. Plain Node (no dependencies): they run before install.
import { execSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const PNPM_VERSION = "12.21.0";

export function log(msg) {
  console.log(`[warmline] ${msg}`);
}

/** The pnpm command: the one on PATH, or npx's copy of the pinned version on a machine with only npm. */
export function pnpmCommand() {
  const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  if (probe.status === 0 && /^1[0-9]\./.test(probe.stdout.trim())) return ["pnpm"];
  return ["npx", "--yes", `pnpm@${PNPM_VERSION}`];
}

export function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, {
    stdio: "inherit",
    cwd: ROOT,
    ...opts,
    env: { ...buildEnv(), ...(opts.env ?? {}) },
  });
  if (res.status !== 0) {
    console.error(`[warmline] failed: ${cmd} ${args.join(" ")} (exit ${res.status ?? res.signal})`);
    process.exit(res.status ?? 1);
  }
}

/** Environment for installs: build native modules against local Node headers when present (offline machines). */
export function buildEnv() {
  const env = { ...process.env };
  if (!env.npm_config_nodedir && fs.existsSync("/usr/include/node/node.h")) env.npm_config_nodedir = "/usr";
  return env;
}

function newestMtime(dir, skip = new Set(["node_modules", "dist", ".git"])) {
  let newest = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p, skip) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureInstalled(pnpm) {
  const marker = path.join(ROOT, "node_modules/.modules.yaml");
  const lock = path.join(ROOT, "pnpm-lock.yaml");
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  log("installing dependencies (first run builds better-sqlite3, about a minute)…");
  run(pnpm[0], [...pnpm.slice(1), "install", "--frozen-lockfile"]);
}

/** Build a client when its dist is missing or older than its sources or the shared package. */
export function ensureClientBuilt(pnpm, pkgDir, filter, force = false) {
  const index = path.join(ROOT, pkgDir, pkgDir.endsWith("miniapp") ? "dist/h5/index.html" : "dist/index.html");
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  const sources = Math.max(newestMtime(path.join(ROOT, pkgDir)), newestMtime(path.join(ROOT, "shared/src")));
  if (!force && built > sources) return;
  log(`building ${filter}…`);
  run(pnpm[0], [...pnpm.slice(1), "--filter", filter, "build"]);
}

export function portOpen(port, host = "127.0.0.1", timeoutMs = 1000) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}

export function which(bin) {
  try {
    return execSync(`command -v ${bin}`, { encoding: "utf8", shell: "/bin/sh" }).trim() || null;
  } catch {
    return null;
  }
}
