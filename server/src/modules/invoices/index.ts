import type { WarmlineModule } from "../../module";
import { Invoice, InvoiceTitle } from "./entities";
import { checkInvoiceJob, issueInvoiceJob, reverseInvoiceJob, submitInvoiceJob } from "./issuance";
import { invoiceRoutes, mountInvoiceFileRoutes } from "./routes";

export { Invoice, InvoiceTitle } from "./entities";
export { invoicePdfKey } from "./documents";
export { issueInvoiceJob } from "./issuance";
export { invoicingPort } from "./port";

export const INVOICE_JOBS = ["invoices.issue", "invoices.reverse", "invoices.submit", "invoices.check"] as const;
declare module "../../jobs/names" {
  interface JobNameMap extends Record<(typeof INVOICE_JOBS)[number], true> {}
}

export const invoicesModule: WarmlineModule = {
  name: "invoices",
  entities: [InvoiceTitle, Invoice],
  routes: invoiceRoutes,
  mount: mountInvoiceFileRoutes,
  jobs: (deps) => [issueInvoiceJob(deps), reverseInvoiceJob(deps), submitInvoiceJob(deps), checkInvoiceJob(deps)],
  jobNames: INVOICE_JOBS,
};
