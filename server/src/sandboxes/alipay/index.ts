import type { Context } from "koa";
import { z } from "zod";
import type { Config } from "../../config";
import { SANDBOX_PATHS } from "../../integrations/sandboxPaths";
import { once } from "../../integrations/vendorKeys";
import { logger } from "../../lib/logger";
import { mountH5Login } from "../h5Login";
import type { SandboxKeys } from "../keys";
import { jsonInput, readText } from "../sandboxBody";
import type { VendorSandbox } from "../vendor";
import { AlipaySandboxGateway } from "./gateway";
import { AlipaySandboxMessages, mountAlipayMessageSandbox } from "./messages";
import { AlipaySandboxOAuth } from "./oauth";
import { mountAlipayPaySandbox } from "./payRoutes";
import { AlipaySandboxTrades } from "./trade";

export interface AlipaySandboxes {
  alipayOAuth: AlipaySandboxOAuth;
  /** the Alipay payment sandbox's trades, notifications and bills */
  alipayTrades: AlipaySandboxTrades;
  /** the Alipay gateway, created on first use (its key pairs may have to be generated first) */
  alipayGateway(): Promise<AlipaySandboxGateway>;
  /** Alipay template messages sent, refusals */
  alipayMessages: AlipaySandboxMessages;
}

/**
 * Alipay under /sandbox/alipay: /gateway.do, the OpenAPI 2.0 gateway (method table: oauth.token,
 * trade.*, bill, templatemessage.send), /cashier (the H5 cashier stand-in) and /test/* driving payments
 * (payRoutes.ts), /test/messages (messages.ts), /h5-login (the sign-in page for the H5 build) and
 * /test/codes (mint a login code for a chosen identity: tests, scripts).
 */
export const alipaySandbox: VendorSandbox<AlipaySandboxes> = {
  vendor: "alipay",
  mount(router, { config, opts, keys }) {
    const A = SANDBOX_PATHS.alipay;
    const alipayOAuth = new AlipaySandboxOAuth({ appId: config.alipay.appId, ...opts });
    const alipayTrades = new AlipaySandboxTrades({
      appId: config.alipay.appId,
      sellerId: config.alipay.sellerId ?? "2088000000000001",
      now: opts.now,
      notifyScale: opts.alipayNotifyScale ?? config.alipay.sandboxNotifyScale,
      billPath: `${A}/bill/download`,
      publicUrl: config.publicUrl,
    });
    const alipayMessages = new AlipaySandboxMessages({
      templateIds: [
        ...Object.values(config.messages.alipay.templates),
        ...Object.values(config.residentMessages.alipay),
      ],
      now: opts.now,
    });
    const alipayGateway = once(() => createGateway(config, keys, alipayOAuth, alipayTrades, alipayMessages));

    const gatewayRoute = async (ctx: Context) => {
      const params = Object.fromEntries(new URLSearchParams(ctx.querystring));
      if (ctx.method === "POST" && ctx.request.is("application/x-www-form-urlencoded")) {
        for (const [k, v] of new URLSearchParams(await readText(ctx))) if (!(k in params)) params[k] = v;
      }
      const text = await (await alipayGateway()).handle(params, { origin: `${ctx.protocol}://${ctx.host}` });
      ctx.set("Cache-Control", "no-store");
      ctx.type = "application/json; charset=utf-8";
      ctx.body = text;
    };
    router.post(`${A}/gateway.do`, gatewayRoute);
    router.get(`${A}/gateway.do`, gatewayRoute);

    mountAlipayPaySandbox(router, A, { trades: alipayTrades, ready: alipayGateway });
    mountAlipayMessageSandbox(router, A, alipayMessages);

    router.post(`${A}/test/codes`, async (ctx) => {
      const input = await jsonInput(ctx, AlipayCodeRequest);
      if (!input) return;
      const { code, user } = alipayOAuth.issueCode(input);
      ctx.body = { code, userId: user.userId, openId: user.openId };
    });
    mountH5Login(router, "alipay", (identity) => alipayOAuth.issueCode(alipayOAuth.userFor(identity)).code);
    return { alipayOAuth, alipayTrades, alipayGateway, alipayMessages };
  },
};

async function createGateway(
  config: Config,
  keys: SandboxKeys,
  oauth: AlipaySandboxOAuth,
  trades: AlipaySandboxTrades,
  messages: AlipaySandboxMessages,
): Promise<AlipaySandboxGateway> {
  const { client, alipayPrivateKey } = await keys.alipaySandbox();
  if (client.source.alipay === "configured") {
    logger.warn(
      "ALIPAY_PUBLIC_KEY is configured: answers of the local Alipay sandbox (signed with its own key) will not verify",
    );
  }
  const gateway = new AlipaySandboxGateway({
    appId: config.alipay.appId,
    appPublicKey: client.appPublicKey,
    alipayPrivateKey,
  });
  oauth.registerOn(gateway);
  trades.registerOn(gateway, alipayPrivateKey);
  messages.registerOn(gateway);
  return gateway;
}

const id64 = z.string().trim().min(1).max(64);
const AlipayCodeRequest = z.object({ userId: id64.optional(), nickname: id64.optional() });
