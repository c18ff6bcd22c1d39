import type { WarmlineModule } from "../../module";
import { Notification } from "./entities";
import { bindAfterFailuresJob } from "./bindAlert";
import { hardshipNotifyJob } from "./hardshipMessages";
import { accountBoundJob, invoiceIssuedJob, paymentPaidJob } from "./jobs";
import { notificationRoutes } from "./routes";
import { noticeOutageJob, noticeResidentJob } from "./noticeMessages";
import { refundSucceededJob } from "./refundMessage";
import { residentSubscriptionRoutes } from "./residentSubscriptions";
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
  "notify.notice_outage",
  "notify.notice_outage_resident",
  "notify.payment_paid",
  "notify.payment_surplus",
  "notify.refund_succeeded",
  "tickets.notify",
] as const;
declare module "../../jobs/names" {
  interface JobNameMap extends Record<(typeof NOTIFICATION_JOBS)[number], true> {}
}

export const notificationsModule: WarmlineModule = {
  name: "notifications",
  entities: [Notification],
  routes: (deps) => [...notificationRoutes(deps), ...subscriptionRoutes(deps), ...residentSubscriptionRoutes(deps)],
  jobs: (deps) => [
    accountBoundJob,
    bindAfterFailuresJob(deps),
    hardshipNotifyJob(deps),
    invoiceIssuedJob,
    noticeOutageJob(deps),
    noticeResidentJob(deps),
    paymentPaidJob,
    paymentSurplusJob,
    refundSucceededJob(deps),
    ticketNotifyJob(deps),
  ],
  jobNames: NOTIFICATION_JOBS,
};
