import type { DataSource } from "typeorm";
import type { Config } from "../config";
import type { Deps } from "../deps";
import { generateSeasonBillsJob } from "../modules/billing/billRun";
import { checkInvoiceJob, issueInvoiceJob, reverseInvoiceJob, submitInvoiceJob } from "../modules/invoices/issuance";
import { photoCleanupJob } from "../modules/tickets/photoCleanup";
import { slaSweepJob, slaTimerJob } from "../modules/tickets/sla";
import { ticketNotifyJob } from "../modules/notifications/ticketMessages";
import { checkOrderJob } from "../modules/payments/checkOrder";
import { reconcileDailyJob, reconcileJob } from "../modules/payments/reconciliation";
import { refundRetryJob } from "../modules/payments/refunds";
import { accountBoundJob } from "../modules/notifications/jobs";
import { BullMqRunner } from "./bullmqRunner";
import { InProcessRunner } from "./inProcessRunner";
import { JOB_NAMES } from "./names";
import { JobRegistry } from "./registry";
import type { JobRunner } from "./runner";

/**
 * Every job handler of the system, registered once. Handlers that call vendors read the dependencies
 * through `deps` when they run (they are built after the runner).
 */
export function buildRegistry(deps: () => Deps = noDeps): JobRegistry {
  return new JobRegistry(JOB_NAMES)
    .register(accountBoundJob)
    .register(generateSeasonBillsJob)
    .register(checkOrderJob(deps))
    .register(reconcileJob(deps))
    .register(reconcileDailyJob(deps))
    .register(refundRetryJob(deps))
    .register(issueInvoiceJob(deps))
    .register(reverseInvoiceJob(deps))
    .register(submitInvoiceJob(deps))
    .register(checkInvoiceJob(deps))
    .register(slaTimerJob(deps))
    .register(slaSweepJob(deps))
    .register(ticketNotifyJob(deps))
    .register(photoCleanupJob(deps));
}

function noDeps(): Deps {
  throw new Error("this job needs the server's dependencies");
}

export function createRunner(ds: DataSource, config: Config, registry: JobRegistry): JobRunner {
  registry.assertComplete();
  const work = config.processRole !== "api";
  if (config.jobs.mode === "bullmq") {
    return new BullMqRunner(ds, registry, {
      redisUrl: config.jobs.redisUrl as string,
      prefix: config.jobs.prefix,
      pollMs: config.jobs.pollMs,
      leaseMs: config.jobs.leaseMs,
      work,
    });
  }
  return new InProcessRunner(ds, registry, { pollMs: config.jobs.pollMs, leaseMs: config.jobs.leaseMs });
}
