import type Router from "@koa/router";
import type { Config } from "../config";
import type { SandboxKeys } from "./keys";

export interface SandboxOptions {
  /** clock for code expiry (tests) */
  now?: () => number;
  /** lifetime of issued codes; 5 minutes by default */
  codeTtlMs?: number;
  /** multiplies the Alipay sandbox's notification retry delays; config.alipay.sandboxNotifyScale by default */
  alipayNotifyScale?: number;
  /** how long the e-invoice sandbox keeps an invoice "issuing"; 300 ms by default */
  einvoiceResultDelayMs?: number;
}

/** What each vendor's sandbox is mounted with. */
export interface SandboxEnv {
  config: Config;
  opts: SandboxOptions;
  /** the deployment's sandbox keys (kept under DATA_DIR/sandbox-keys), shared by the vendors' sandboxes */
  keys: SandboxKeys;
}

/**
 * One vendor's sandbox, an entry of the list in sandboxes/index.ts: `mount` adds its routes below
 * /sandbox/<vendor> and returns its handles (state, failure injection) by name, for tests and scripts.
 */
export interface VendorSandbox<Handles extends object> {
  vendor: string;
  mount(router: Router, env: SandboxEnv): Handles;
}
