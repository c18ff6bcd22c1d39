import type { DataSource } from "typeorm";
import type { Config } from "./config";
import type { AccessLayer } from "./http/access";
import type { RateLimits } from "./http/rateLimit";
import type { EInvoiceProvider } from "./integrations/e-invoice/provider";
import type { LoginExchanger } from "./integrations/login";
import type { MessageVendor, TemplateMessenger } from "./integrations/messaging";
import type { PaymentVendor, PaymentVendorClient } from "./integrations/payments";
import type { SmsProvider } from "./integrations/sms/provider";
import type { JobRunner } from "./jobs/runner";
import type { PiiVault } from "./lib/pii";
import type { FileStorage } from "./lib/storage";
import type { AlertSubjectPort } from "./modules/alerts";
import type { TokenService } from "./modules/auth";
import type { FileKinds } from "./modules/files";
import type { InvoicingPort } from "./modules/payments";
import type { StaffCommunitiesPort } from "./modules/reminders";

/**
 * What a module needs of a module above it, declared by the lower module as an interface and implemented
 * by the upper one; the composition root (bootstrap.ts) wires them, so no module imports one above it.
 */
export interface Ports {
  /** payments → invoices: invoice titles for a payment, invoice ids of payments */
  invoicing: InvoicingPort;
  /** alerts → tickets: what an alert about a ticket shows, and the note its acknowledgement leaves */
  alertSubjects: AlertSubjectPort;
  /** reminders → visits: the communities a grid worker covers (visit assignments) */
  staffCommunities: StaffCommunitiesPort;
}

/** Everything a module needs, built once in main.ts (or a test) and passed down; no module-level singletons. */
export interface Deps {
  config: Config;
  ds: DataSource;
  jobs: JobRunner;
  vault: PiiVault;
  tokens: TokenService;
  /** rate limits (http/rateLimit.ts): Redis-backed when the deployment has Redis, in memory otherwise */
  limits: RateLimits;
  /** ownership checks of resident-owned resources (http/access.ts), from the modules' policy tables */
  access: AccessLayer;
  ports: Ports;
  login: { wechat: LoginExchanger; alipay: LoginExchanger };
  /** payment vendors that are configured (both, with the sandboxes) */
  payments: Partial<Record<PaymentVendor, PaymentVendorClient>>;
  /** the e-invoice platform (the local sandbox with SANDBOX_VENDORS) */
  einvoice: EInvoiceProvider;
  /** uploaded files (ticket photos): the local disk below ${DATA_DIR}/uploads */
  storage: FileStorage;
  /** what signed file links may name (modules/files), from the modules' fileKinds */
  files: FileKinds;
  /** the SMS platform (the local sandbox with SANDBOX_VENDORS) */
  sms: SmsProvider;
  /** messages inside the vendor apps: WeChat subscribe messages, Alipay template messages */
  messages: Record<MessageVendor, TemplateMessenger>;
}
