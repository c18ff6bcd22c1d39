import type { InvoiceItem } from "@warmline/shared";
import type { Config } from "../../config";
import { renderInvoicePdf } from "../../modules/invoices";
import type { VendorSandbox } from "../vendor";
import { type EInvoiceRecord, type EInvoiceSandbox, mountEInvoiceSandbox, SANDBOX_DOCUMENT_MARK } from "./sandbox";

export interface EInvoiceSandboxes {
  /** the e-invoice platform: its invoices, deliveries and failure injection */
  einvoice: EInvoiceSandbox;
}

/** The sandbox platform's PDF specimen: our invoice layout, marked "沙箱样张，非正式发票" on its face. */
function specimenRenderer(config: Config) {
  return async (r: EInvoiceRecord, original?: EInvoiceRecord): Promise<Buffer> => {
    const items: InvoiceItem[] = r.lines.map((l) => ({
      name: l.goodsName,
      spec: l.specType || null,
      unit: l.unit || null,
      quantity: l.num ? l.num.replace(/^-/, "") : null,
      unitPrice: l.price || null,
      amountFen: l.amountFen,
      taxTreatment: l.policy ?? "taxable",
      taxRateBp: l.taxRateBp,
      taxFen: l.taxFen,
      taxCode: l.goodsCode,
    }));
    const seller = config.invoices.seller;
    return renderInvoicePdf(
      {
        kind: r.kind,
        invoiceNo: r.invoiceNo ?? "",
        issuedAt: new Date(r.invoiceTime ?? r.createdAt),
        buyer: { kind: r.naturalPerson ? "personal" : "company", name: r.buyerName, taxId: r.buyerTaxNum || null },
        seller: { name: seller.name, taxId: r.sellerTaxId, address: seller.address, bankAccount: seller.bankAccount },
        items,
        totalFen: r.totalFen,
        taxFen: r.taxFen,
        original:
          r.kind === "red"
            ? {
                invoiceNo: r.originalInvoiceNo ?? "",
                issuedAt: new Date(original?.invoiceTime ?? original?.createdAt ?? r.createdAt),
              }
            : null,
        remark: r.remark || null,
        clerk: r.clerk,
        qrText: r.qrCode ?? "",
        specimen: SANDBOX_DOCUMENT_MARK,
      },
      { fontFile: config.invoices.fontFile },
    );
  };
}

/**
 * The e-invoice platform (Nuonuo-style open API) under /sandbox/einvoice/open/v1/services;
 * /sandbox/einvoice/test/* injects failures, lists and resets invoices; /sandbox/einvoice/files/* serves
 * the issued invoices' specimen documents (see sandbox.ts).
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
      renderPdf: specimenRenderer(config),
    });
    return { einvoice };
  },
};
