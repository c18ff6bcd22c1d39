import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import { freePort } from "./process";

async function waitPort(port: number, up: boolean, ms = 10_000) {
  const end = Date.now() + ms;
  for (;;) {
    const open = await new Promise<boolean>((r) => {
      const c = net.connect({ port, host: "127.0.0.1" });
      c.once("connect", () => {
        c.destroy();
        r(true);
      });
      c.once("error", () => r(false));
    });
    if (open === up) return;
    if (Date.now() > end) throw new Error(`redis on ${port} did not go ${up ? "up" : "down"}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A Redis of the test's own, on its own port, keeping nothing on disk: a restart loses every key. */
export async function ownRedis() {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    await waitPort(port, true);
  };
  const stop = async () => {
    if (!proc) return;
    const p = proc;
    proc = null;
    const exited = new Promise((r) => p.once("exit", r));
    p.kill("SIGKILL");
    await exited;
    await waitPort(port, false);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    restart: async () => {
      await stop();
      await start();
    },
    stop,
  };
}
