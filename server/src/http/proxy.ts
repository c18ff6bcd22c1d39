import { BlockList, isIP } from "node:net";
import type Koa from "koa";
import type { TrustProxy } from "../config";

const FORWARDING_HEADERS = ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"] as const;

/**
 * Which X-Forwarded-For/-Proto/-Host headers the app believes (TRUST_PROXY). By default none: anyone can
 * send them, so the client is the socket's peer (audit rows, rate limits, the sign-in records see that).
 *   hops N  every request passes N proxies of ours: the client is the N-th address from the right
 *   list    only a request whose peer is one of our proxies has its forwarding headers believed; the client
 *           is the first address, from the right, that is not one of our proxies
 * Call it right after creating the app (its middleware must come first).
 */
export function trustProxy(app: Koa, trust: TrustProxy): void {
  app.proxy = trust.mode !== "off";
  app.maxIpsCount = trust.mode === "hops" ? trust.hops : 0;
  if (trust.mode !== "list") return;
  const proxies = new BlockList();
  for (const entry of trust.addresses) {
    const [ip, bits] = entry.split("/") as [string, string | undefined];
    const type = isIP(ip) === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) proxies.addAddress(ip, type);
    else proxies.addSubnet(ip, Number(bits), type);
  }
  const isProxy = (address: string) => {
    const family = isIP(address);
    return family !== 0 && proxies.check(address, family === 6 ? "ipv6" : "ipv4");
  };
  app.use(async (ctx, next) => {
    const peer = ctx.req.socket.remoteAddress ?? "";
    if (!isProxy(peer)) {
      // not through our proxy: what it says about itself is not believed (Koa would read these headers)
      for (const h of FORWARDING_HEADERS) delete ctx.req.headers[h];
      return next();
    }
    const chain = ctx
      .get("x-forwarded-for")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    let client = peer;
    for (let i = chain.length - 1; i >= 0; i--) {
      client = chain[i] as string;
      if (!isProxy(client)) break;
    }
    ctx.request.ip = client;
    return next();
  });
}
