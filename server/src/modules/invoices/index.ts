import type { WarmlineModule } from "../../module";
import { mountEInvoiceCallback } from "./callback";
import { Invoice, InvoiceTitle } from "./entities";
import { INVOICE_FILE_KINDS } from "./fileKinds";
import { checkInvoiceJob, issueInvoiceJob, reverseInvoiceJob, submitInvoiceJob } from "./issuance";
import { documentJob } from "./platformDocuments";
import { invoicePolicies } from "./policies";
import { residentInvoiceRoutes } from "./residentRoutes";
import { staffInvoiceRoutes } from "./staffRoutes";
import { titleRoutes } from "./titleRoutes";

export { invoiceDocument, specimenQrText } from "./documents";
export { type InvoiceBuyer, Invoice, InvoiceTitle } from "./entities";
export { INVOICE_OFD, INVOICE_PDF, RECEIPT_PDF } from "./fileKinds";
export { type InvoiceDocument, renderInvoicePdf, resolvePdfFont, SANDBOX_SPECIMEN_MARK } from "./pdf";
export {
  DOCUMENT_ATTEMPTS,
  documentJob,
  documentKey,
  fetchInvoiceDocuments,
  refetchInvoiceDocuments,
} from "./platformDocuments";
export { checkInvoiceJob, issueInvoiceJob, reverseInvoiceJob, submitInvoiceJob } from "./issuance";
export { invoicingPort } from "./port";
export { accountInvoices, getInvoice, invoiceDetail, presentInvoices } from "./service";
export { buyerForResident, buyerForStaff } from "./titles";

export const INVOICE_JOBS = [
  "invoices.issue",
  "invoices.reverse",
  "invoices.submit",
  "invoices.check",
  "invoices.document",
] as const;
declare module "../../jobs/names" {
  interface JobNameMap extends Record<(typeof INVOICE_JOBS)[number], true> {}
}

/**
 * Invoices: titles, blue and red e-invoices through the platform (jobs), the platform's documents (PDF, OFD:
 * fetched and kept by the invoices.document job) and receipts (served by the files module through
 * `fileKinds`), and the platform's callback. Payments reach it only through the
 * InvoicingPort (`invoicingPort`, wired by the composition root) and the job names it enqueues.
 */
export const invoicesModule: WarmlineModule = {
  name: "invoices",
  entities: [InvoiceTitle, Invoice],
  routes: (deps) => [...titleRoutes(deps), ...residentInvoiceRoutes(deps), ...staffInvoiceRoutes(deps)],
  mount: mountEInvoiceCallback,
  jobs: (deps) => [
    issueInvoiceJob(deps),
    reverseInvoiceJob(deps),
    submitInvoiceJob(deps),
    checkInvoiceJob(deps),
    documentJob(deps),
  ],
  jobNames: INVOICE_JOBS,
  policies: invoicePolicies,
  fileKinds: INVOICE_FILE_KINDS,
};
