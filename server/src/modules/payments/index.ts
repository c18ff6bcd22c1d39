import type { WarmlineModule } from "../../module";
import { checkOrderJob } from "./checkOrder";
import {
  LedgerEntry,
  PaymentAllocation,
  PaymentOrder,
  PaymentSurplus,
  ReconItem,
  ReconRun,
  Refund,
  VendorNotificationLog,
} from "./entities";
import { mountNotifyRoutes } from "./notify";
import { paymentPolicies } from "./policies";
import { reconcileDailyJob, reconcileJob, scheduleDailyRecon } from "./reconciliation";
import { refundRetryJob } from "./refunds";
import { paymentRoutes } from "./routes";
import { staffPaymentRoutes } from "./staffRoutes";
import { surplusJob } from "./surplus";

export {
  LedgerEntry,
  PaymentAllocation,
  PaymentOrder,
  PaymentSurplus,
  ReconItem,
  ReconRun,
  Refund,
  VendorNotificationLog,
} from "./entities";
export { processSurplus, SURPLUS_REFUND_REASON, surplusesOf } from "./surplus";
export { type InvoiceBuyerSnapshot, type InvoicingPort, requestInvoice, requestReversal } from "./invoicing";
export { checkOrder } from "./checkOrder";
export { createOnlinePayment, FIRST_CHECK_MS } from "./onlinePayments";
export { openBills } from "./paymentService";
export { completeRefund, REFUND_FOLLOW_UP_ATTEMPTS, refundRetryJob } from "./refunds";
export { applyToBills, newOutTradeNo, settleVendorPayment, writeLedger } from "./settlement";

export const PAYMENT_JOBS = [
  "payments.check_order",
  "payments.reconcile",
  "payments.refund_retry",
  "payments.reconcile_daily",
  "payments.surplus",
] as const;
declare module "../../jobs/names" {
  interface JobNameMap extends Record<(typeof PAYMENT_JOBS)[number], true> {}
}

export const paymentsModule: WarmlineModule = {
  name: "payments",
  entities: [
    PaymentOrder,
    PaymentAllocation,
    LedgerEntry,
    VendorNotificationLog,
    Refund,
    ReconRun,
    ReconItem,
    PaymentSurplus,
  ],
  routes: (deps) => [...paymentRoutes(deps), ...staffPaymentRoutes(deps)],
  mount: mountNotifyRoutes,
  jobs: (deps) => [
    checkOrderJob(deps),
    reconcileJob(deps),
    reconcileDailyJob(deps),
    refundRetryJob(deps),
    surplusJob(deps),
  ],
  jobNames: PAYMENT_JOBS,
  policies: paymentPolicies,
  async start(deps) {
    await scheduleDailyRecon(deps.ds);
  },
};
