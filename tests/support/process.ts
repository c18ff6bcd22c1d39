import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export interface ServerProcess {
  proc: ChildProcess;
  url: string;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/**
 * Runs `server/src/main.ts` as its own process, the way `pnpm start` and production do. With the development
 * defaults, like `npm start`, unless `env` says otherwise (`WARMLINE_DEV: "false"` runs the production rules).
 */
export function runServer(env: Record<string, string>, args: string[] = ["all"]) {
  let out = "";
  const proc = spawn(process.execPath, ["--import", "tsx", "server/src/main.ts", ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      LOG_LEVEL: "info",
      WARMLINE_DEV: "true",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout?.on("data", (d) => (out += d));
  proc.stderr?.on("data", (d) => (out += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.on("exit", (code, signal) => r({ code, signal })),
  );
  return { proc, output: () => out, exit };
}

/** Starts a server process and waits until it answers its health check. */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 180_000): Promise<ServerProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const url = `http://127.0.0.1:${port}`;
  const p = runServer({ PORT: String(port), PUBLIC_URL: url, ...env });
  const end = Date.now() + timeoutMs;
  let exited = false;
  p.exit.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`server exited early:\n${p.output()}`);
    try {
      const res = await fetch(`${url}/api/v1/health`);
      if (res.status === 200) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > end) {
      p.proc.kill("SIGKILL");
      throw new Error(`server did not come up:\n${p.output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    ...p,
    url,
    async stop() {
      if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill("SIGTERM");
      await p.exit;
    },
  };
}

/** A server process of a given role (`all`, `api`, `worker`) that has finished starting. */
export interface RoleProcess extends ServerProcess {
  role: string;
  /** milliseconds from spawn until it had started (and, with HTTP, answered its health check) */
  startMs: number;
  /** sends the signal and waits for the exit */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `main.ts <role>` and waits until it logged "started" (start-up complete) and, for a role with
 * HTTP, answers its health check. Fails with the process's output if it exits first.
 */
export async function startRole(
  env: Record<string, string>,
  role: "all" | "api" | "worker" = "all",
  timeoutMs = 180_000,
): Promise<RoleProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  const p = runServer({ PORT: String(port), PUBLIC_URL: url, ...env }, [role]);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  p.exit.then((e) => (exited = e));
  const end = t0 + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`${role} exited while starting (${JSON.stringify(exited)}):\n${p.output()}`);
    let ready = /"msg":"started"/.test(p.output());
    if (ready && role !== "worker") {
      ready = await fetch(`${url}/api/v1/health`).then(
        (r) => r.status === 200,
        () => false,
      );
    }
    if (ready) break;
    if (Date.now() > end) {
      p.proc.kill("SIGKILL");
      throw new Error(`${role} did not start in ${timeoutMs} ms:\n${p.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const startMs = Date.now() - t0;
  const alive = () => p.proc.exitCode === null && p.proc.signalCode === null;
  return {
    ...p,
    role,
    url,
    startMs,
    async kill(signal) {
      if (alive()) p.proc.kill(signal);
      return p.exit;
    },
    async stop() {
      if (alive()) p.proc.kill("SIGTERM");
      await p.exit;
    },
  };
}
