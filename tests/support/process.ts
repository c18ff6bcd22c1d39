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

/** Runs `server/src/main.ts` as its own process, the way `pnpm start` and production do. */
export function runServer(env: Record<string, string>, args: string[] = ["all"]) {
  let out = "";
  const proc = spawn(process.execPath, ["--import", "tsx", "server/src/main.ts", ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LOG_LEVEL: "info", ...env },
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
export async function startServerProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServerProcess> {
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
