/** Every job the system knows. A name here without exactly one handler stops the process at start. */
export const JOB_NAMES = [
  "notify.account_bound",
  "billing.generate_season",
  "payments.check_order",
  "payments.reconcile",
  "payments.refund_retry",
  "payments.reconcile_daily",
  "invoices.issue",
  "invoices.reverse",
  "invoices.submit",
  "invoices.check",
  "tickets.sla_timer",
  "tickets.sla_sweep",
  "tickets.notify",
  "tickets.photo_cleanup",
] as const;
export type JobName = (typeof JOB_NAMES)[number];
