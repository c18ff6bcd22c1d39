import type { DataSource } from "typeorm";
import type { Config } from "./config";
import type { EInvoiceProvider } from "./integrations/e-invoice/provider";
import type { LoginExchanger } from "./integrations/login";
import type { PaymentVendor, PaymentVendorClient } from "./integrations/payments";
import type { JobRunner } from "./jobs/runner";
import type { PiiVault } from "./lib/pii";
import type { TokenService } from "./modules/auth/tokens";

/** Everything a module needs, built once in main.ts (or a test) and passed down; no module-level singletons. */
export interface Deps {
  config: Config;
  ds: DataSource;
  jobs: JobRunner;
  vault: PiiVault;
  tokens: TokenService;
  login: { wechat: LoginExchanger; alipay: LoginExchanger };
  /** payment vendors that are configured (both, with the sandboxes) */
  payments: Partial<Record<PaymentVendor, PaymentVendorClient>>;
  /** the e-invoice platform (the local sandbox with SANDBOX_VENDORS) */
  einvoice: EInvoiceProvider;
}
