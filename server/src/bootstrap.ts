import path from "node:path";
import type { Config } from "./config";
import { openDataSource } from "./db/dataSource";
import type { Deps } from "./deps";
import { createAlipayTemplateMessageClient } from "./integrations/alipay/templateMessage";
import { NuonuoProvider } from "./integrations/e-invoice/nuonuo";
import { createLoginExchangers } from "./integrations/loginExchangers";
import { createPaymentClients } from "./integrations/paymentClients";
import { createSmsClient } from "./integrations/sms/aliyun";
import { WechatSubscribeClient } from "./integrations/wechat-mp/subscribe";
import { buildRegistry, createRunner } from "./jobs";
import { PiiVault } from "./lib/pii";
import { LocalDiskStorage } from "./lib/storage";
import { TokenService } from "./modules/auth/tokens";

/** Opens the database and builds every dependency. Runs pending migrations when asked to. */
export async function createDeps(config: Config, opts: { migrate?: boolean } = {}): Promise<Deps> {
  const ds = await openDataSource(config.db);
  try {
    if (opts.migrate) await ds.runMigrations({ transaction: "each" });
    const vault = new PiiVault(config.pii.keys, config.pii.currentKeyId, config.pii.indexKey);
    const tokens = new TokenService(ds, config.auth.tokenSecret, config.auth.accessTtlS, config.auth.refreshTtlS);
    const login = await createLoginExchangers(config);
    const payments = await createPaymentClients(config);
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
      alipay: await createAlipayTemplateMessageClient(config),
    };
    let deps: Deps | undefined;
    const jobs = createRunner(
      ds,
      config,
      buildRegistry(() => deps as Deps),
    );
    deps = { config, ds, vault, tokens, login, payments, einvoice, storage, sms, messages, jobs };
    return deps;
  } catch (err) {
    await ds.destroy();
    throw err;
  }
}

export async function closeDeps(deps: Deps): Promise<void> {
  await deps.jobs.stop();
  if (deps.ds.isInitialized) await deps.ds.destroy();
}
