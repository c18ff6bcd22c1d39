import type { VendorSandbox } from "../vendor";
import { type EInvoiceSandbox, mountEInvoiceSandbox } from "./sandbox";

export interface EInvoiceSandboxes {
  /** the e-invoice platform: its invoices, deliveries and failure injection */
  einvoice: EInvoiceSandbox;
}

/**
 * The e-invoice platform (Nuonuo-style open API) under /sandbox/einvoice/open/v1/services;
 * /sandbox/einvoice/test/* injects failures, lists and resets invoices (see sandbox.ts).
 */
export const eInvoiceSandbox: VendorSandbox<EInvoiceSandboxes> = {
  vendor: "e-invoice",
  mount(router, { config, opts }) {
    // the e-invoice sandbox keeps the real clock: its requests carry the client's real timestamps
    const einvoice = mountEInvoiceSandbox(router, {
      appKey: config.einvoice.appKey,
      appSecret: config.einvoice.appSecret,
      accessToken: config.einvoice.accessToken,
      sellerTaxId: config.invoices.seller.taxId,
      resultDelayMs: opts.einvoiceResultDelayMs,
    });
    return { einvoice };
  },
};
