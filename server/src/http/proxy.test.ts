import http from "node:http";
import type { AddressInfo } from "node:net";
import Koa from "koa";
import { afterAll, describe, expect, it } from "vitest";
import type { TrustProxy } from "../config";
import { clientIp } from "./auth";
import { trustProxy } from "./proxy";

const servers: http.Server[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
});

/** an app that reports what it believes about the request */
async function appWith(trust: TrustProxy) {
  const app = new Koa();
  trustProxy(app, trust);
  app.use((ctx) => {
    ctx.body = { ip: clientIp(ctx), protocol: ctx.protocol, host: ctx.host };
  });
  const server = http.createServer(app.callback());
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return async (headers: Record<string, string>) =>
    (await (await fetch(base, { headers })).json()) as { ip: string; protocol: string; host: string };
}

const forged = {
  "x-forwarded-for": "203.0.113.7, 10.0.0.9",
  "x-forwarded-proto": "https",
  "x-forwarded-host": "evil.example",
};

describe("proxy headers", () => {
  it("are ignored unless TRUST_PROXY is set: the client is the socket's peer", async () => {
    const ask = await appWith({ mode: "off" });
    const seen = await ask(forged);
    expect(seen.ip).toBe("127.0.0.1");
    expect(seen.protocol).toBe("http");
    expect(seen.host).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it("with a hop count: the address our own proxy added, not what the client wrote before it", async () => {
    const ask = await appWith({ mode: "hops", hops: 1 });
    expect(await ask(forged)).toMatchObject({ ip: "10.0.0.9", protocol: "https", host: "evil.example" });
    const two = await appWith({ mode: "hops", hops: 2 });
    expect((await two(forged)).ip).toBe("203.0.113.7");
  });

  it("with a list: believed only from a listed proxy, read from the right past our proxies", async () => {
    const local = await appWith({ mode: "list", addresses: ["127.0.0.1"] });
    expect(await local(forged)).toMatchObject({ ip: "10.0.0.9", protocol: "https" });
    const chain = await appWith({ mode: "list", addresses: ["127.0.0.0/8", "10.0.0.0/8"] });
    expect((await chain(forged)).ip).toBe("203.0.113.7");
    // everything in the chain is ours: the leftmost address is the client
    expect((await chain({ "x-forwarded-for": "10.1.2.3, 10.0.0.9" })).ip).toBe("10.1.2.3");
    // a request that does not come from a listed proxy: its forwarding headers are not believed
    const elsewhere = await appWith({ mode: "list", addresses: ["10.0.0.5", "192.168.0.0/16"] });
    expect(await elsewhere(forged)).toMatchObject({ ip: "127.0.0.1", protocol: "http" });
    expect((await elsewhere(forged)).host).toMatch(/^127\.0\.0\.1:\d+$/);
  });
});
