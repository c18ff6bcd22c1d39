import Router from "@koa/router";
import Koa from "koa";
import type { Config } from "../config";
import { alipaySandbox } from "./alipay";
import { eInvoiceSandbox } from "./e-invoice";
import { sandboxVendorKeys } from "./keys";
import { smsSandbox } from "./sms";
import type { SandboxEnv, SandboxOptions, VendorSandbox } from "./vendor";
import { wechatMpSandbox } from "./wechat-mp";
import { wechatPaySandbox } from "./wechat-pay";

export { type SandboxKeys, sandboxVendorKeys } from "./keys";
export type { SandboxOptions } from "./vendor";

/**
 * Local stand-ins for the vendors, for development and tests (SANDBOX_VENDORS=true). They speak the
 * vendors' protocols, so the production clients (server/src/integrations) talk to them unchanged:
 *   /sandbox/wechat      jscode2session, access token and subscribe messages, H5 sign-in page (wechat-mp/)
 *   /sandbox/alipay      the OpenAPI 2.0 gateway, H5 cashier and sign-in page, test controls (alipay/)
 *   /sandbox/wechatpay   WeChat Pay API v3, its H5 cashier, test controls (wechat-pay/)
 *   /sandbox/einvoice    the e-invoice platform (Nuonuo-style open API), test controls (e-invoice/)
 *   /sandbox/sms         the SMS platform (Aliyun SendSms style), test controls (sms/)
 * Anyone who can reach these can sign in as anyone: they must never be mounted in production.
 * Adding a vendor is a folder here whose index exports its VendorSandbox, and one entry in this list.
 */
const VENDOR_SANDBOXES = [wechatMpSandbox, alipaySandbox, wechatPaySandbox, eInvoiceSandbox, smsSandbox] as const;

type HandlesOf<S> = S extends VendorSandbox<infer H> ? H : never;
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** The handles of every mounted vendor sandbox (e.g. `alipayTrades`, `einvoice`, `sms`), for tests and scripts. */
export type Sandboxes = Intersection<HandlesOf<(typeof VENDOR_SANDBOXES)[number]>>;

/** Mounts every vendor sandbox of the list on the app's router, under /sandbox/<vendor>. */
export function mountSandboxes(router: Router, config: Config, opts: SandboxOptions = {}): Sandboxes {
  if (!config.sandboxVendors) throw new Error("mountSandboxes called with SANDBOX_VENDORS=false");
  const env: SandboxEnv = { config, opts, keys: sandboxVendorKeys(config) };
  const handles: Partial<Sandboxes> = {};
  for (const sandbox of VENDOR_SANDBOXES) Object.assign(handles, sandbox.mount(router, env));
  return handles as Sandboxes;
}

/** A Koa app serving only the sandboxes, for running them on their own port (tests, scripts). */
export function createSandboxApp(config: Config, opts: SandboxOptions = {}): Koa {
  const app = new Koa();
  const router = new Router();
  mountSandboxes(router, config, opts);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
