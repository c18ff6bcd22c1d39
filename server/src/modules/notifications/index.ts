import type { WarmlineModule } from "../../module";
import { Notification } from "./entities";
import { bindAfterFailuresJob } from "./bindAlert";
import { hardshipNotifyJob } from "./hardshipMessages";
import { accountBoundJob, invoiceIssuedJob, paymentPaidJob } from "./jobs";
import { notificationRoutes } from "./routes";
import { paymentSurplusJob } from "./surplusMessage";
import { subscriptionRoutes, ticketNotifyJob } from "./ticketMessages";

export { Notification } from "./entities";
export {
  consentCounts,
  deliveryKey,
  recordConsents,
  SEND_LEASE_MS,
  sendTicketMessage,
  subscriptionRoutes,
  type TicketNotifyPayload,
  ticketNotifyJob,
} from "./ticketMessages";

export const NOTIFICATION_JOBS = [
  "notify.account_bound",
  "notify.bind_after_failures",
  "notify.hardship",
  "notify.invoice_issued",
  "notify.payment_paid",
  "notify.payment_surplus",
  "tickets.notify",
] as const;
declare module "../../jobs/names" {
  interface JobNameMap extends Record<(typeof NOTIFICATION_JOBS)[number], true> {}
}

export const notificationsModule: WarmlineModule = {
  name: "notifications",
  entities: [Notification],
  routes: (deps) => [...notificationRoutes(deps), ...subscriptionRoutes(deps)],
  jobs: (deps) => [
    accountBoundJob,
    bindAfterFailuresJob(deps),
    hardshipNotifyJob,
    invoiceIssuedJob,
    paymentPaidJob,
    paymentSurplusJob,
    ticketNotifyJob(deps),
  ],
  jobNames: NOTIFICATION_JOBS,
};
