import path from "node:path";
import type { Config } from "./config";
import { openDataSource } from "./db/dataSource";
import { runMigrationsExclusively } from "./db/migrate";
import type { Deps } from "./deps";
import { OutboxJob } from "./jobs/entities";
import { createAlipayTemplateMessageClient } from "./integrations/alipay/templateMessage";
import { NuonuoProvider } from "./integrations/e-invoice/nuonuo";
import { createLoginExchangers } from "./integrations/loginExchangers";
import { createPaymentClients } from "./integrations/paymentClients";
import { createSmsClient } from "./integrations/sms/aliyun";
import { configuredVendorKeys } from "./integrations/vendorKeys";
import { WechatSubscribeClient } from "./integrations/wechat-mp/subscribe";
import { AccessLayer } from "./http/access";
import { createRateLimits } from "./http/rateLimit";
import { buildJobRegistry, createRunner } from "./jobs";
import type { JobRegistry } from "./jobs/registry";
import { PiiVault } from "./lib/pii";
import { LocalDiskStorage } from "./lib/storage";
import type { WarmlineModule } from "./module";
import { accountsModule } from "./modules/accounts";
import { alertsModule } from "./modules/alerts";
import { auditModule } from "./modules/audit";
import { evidenceModule } from "./modules/evidence";
import { authModule, TokenService } from "./modules/auth";
import { billingModule } from "./modules/billing";
import { calendarModule } from "./modules/calendar";
import { FileKinds, filesModule } from "./modules/files";
import { hardshipModule } from "./modules/hardship";
import { invoicesModule, invoicingPort } from "./modules/invoices";
import { noticesModule } from "./modules/notices";
import { notificationsModule } from "./modules/notifications";
import { paymentsModule } from "./modules/payments";
import { reportsModule } from "./modules/reports";
import { registerModule } from "./modules/register";
import { remindersModule, type StaffCommunitiesPort } from "./modules/reminders";
import { residentsModule } from "./modules/residents";
import { staffModule } from "./modules/staff";
import { suspensionsModule } from "./modules/suspensions";
import { legalModule } from "./modules/legal";
import { dashboardsModule } from "./modules/dashboards";
import { ticketAlertSubjects, ticketsModule } from "./modules/tickets";
import { weatherModule } from "./modules/weather";
import { communitiesOf, visitsModule } from "./modules/visits";
import { sandboxVendorKeys } from "./sandboxes";

/**
 * The composition root: every module of the product, each through its face. Adding a module is one
 * folder under modules/ and one line here; routes, jobs, entities, policies and start-up work are
 * assembled from this list (app.ts, the job registry, the DataSource, the access layer).
 */
export const MODULES: readonly WarmlineModule[] = [
  auditModule,
  evidenceModule,
  filesModule,
  staffModule,
  residentsModule,
  accountsModule,
  authModule,
  weatherModule,
  alertsModule,
  calendarModule,
  billingModule,
  paymentsModule,
  invoicesModule,
  ticketsModule,
  hardshipModule,
  noticesModule,
  notificationsModule,
  reportsModule,
  registerModule,
  remindersModule,
  visitsModule,
  suspensionsModule,
  legalModule,
  dashboardsModule,
];

/** every entity of the schema; migrations must create exactly these tables (checked by a test) */
export const ENTITIES = [OutboxJob, ...MODULES.flatMap((m) => m.entities)];

/** Every job handler of the system, registered once and checked against the names the modules declare. */
export function buildRegistry(deps: () => Deps = noDeps): JobRegistry {
  return buildJobRegistry(
    MODULES.flatMap((m) => m.jobNames ?? []),
    MODULES.flatMap((m) => m.jobs?.(deps) ?? []),
  );
}

function noDeps(): Deps {
  throw new Error("this job needs the server's dependencies");
}

/** Work each module does when a process that runs jobs starts (first turns of periodic jobs); idempotent. */
export async function startModules(deps: Deps): Promise<void> {
  for (const m of MODULES) await m.start?.(deps);
}

/** Opens the database and builds every dependency. Runs pending migrations when asked to. */
export async function createDeps(config: Config, opts: { migrate?: boolean } = {}): Promise<Deps> {
  const ds = await openDataSource(config.db, ENTITIES);
  try {
    if (opts.migrate) await runMigrationsExclusively(ds);
    const vault = new PiiVault(config.pii.keys, config.pii.currentKeyId, config.pii.indexKey);
    const tokens = new TokenService(ds, config.auth.tokenSecret, config.auth.accessTtlS, config.auth.refreshTtlS);
    // vendor keys: all configured in production; with SANDBOX_VENDORS=true the sandboxes generate the missing ones
    const vendorKeys = config.sandboxVendors ? sandboxVendorKeys(config) : configuredVendorKeys(config);
    const login = await createLoginExchangers(config, vendorKeys);
    const payments = await createPaymentClients(config, vendorKeys);
    const einvoice = new NuonuoProvider({
      apiBase: config.einvoice.apiBase,
      appKey: config.einvoice.appKey,
      appSecret: config.einvoice.appSecret,
      accessToken: config.einvoice.accessToken,
      sellerTaxId: config.invoices.seller.taxId,
      timeoutMs: config.einvoice.timeoutMs,
    });
    const storage = new LocalDiskStorage(path.join(config.dataDir, "uploads"));
    const sms = createSmsClient(config);
    const messages = {
      wechat: new WechatSubscribeClient({
        appId: config.wechat.appId,
        secret: config.wechat.secret,
        apiBase: config.wechat.apiBase,
        miniprogramState: config.messages.wechat.miniprogramState,
      }),
      alipay: await createAlipayTemplateMessageClient(config, vendorKeys),
    };
    let deps: Deps | undefined;
    const jobs = createRunner(
      ds,
      config,
      buildRegistry(() => deps as Deps),
    );
    const access = new AccessLayer(
      ds,
      MODULES.flatMap((m) => (m.policies ? [m.policies] : [])),
    );
    const files = new FileKinds(MODULES.flatMap((m) => m.fileKinds ?? []));
    const ports = {
      invoicing: invoicingPort,
      alertSubjects: ticketAlertSubjects(config.sla),
      staffCommunities: { communitiesOf: (db, staffId) => communitiesOf(db, staffId) } satisfies StaffCommunitiesPort,
    };
    const limits = createRateLimits(config);
    deps = {
      config,
      ds,
      vault,
      tokens,
      access,
      ports,
      login,
      payments,
      einvoice,
      storage,
      files,
      sms,
      messages,
      jobs,
      limits,
    };
    return deps;
  } catch (err) {
    await ds.destroy();
    throw err;
  }
}

export async function closeDeps(deps: Deps): Promise<void> {
  await deps.jobs.stop();
  await deps.limits.close();
  if (deps.ds.isInitialized) await deps.ds.destroy();
}
