import type { FileLink } from "@warmline/shared";
import type { Config } from "../../config";
import { AppError } from "../../http/errors";
import { type FileKind, linkFor } from "../files";
import { invoiceDocument, receiptPdf } from "./documents";
import type { Invoice } from "./entities";

/** Invoice PDFs (the platform's, as kept) behind signed links: /api/v1/files/i.….pdf (served by the files module). */
export const INVOICE_PDF: FileKind = {
  name: "invoice",
  letter: "i",
  suffix: ".pdf",
  async open(deps, id) {
    const { body, name, type } = await invoiceDocument(deps, id, "pdf");
    return { body, type, filename: name };
  },
};

/** The platform's OFD of an invoice (the original voucher when it gives one): /api/v1/files/o.….ofd */
export const INVOICE_OFD: FileKind = {
  name: "invoice-ofd",
  letter: "o",
  suffix: ".ofd",
  async open(deps, id) {
    const { body, name, type } = await invoiceDocument(deps, id, "ofd");
    return { body, type, filename: name };
  },
};

/** 缴费收据 of offline payments behind signed links: /api/v1/files/r.….pdf */
export const RECEIPT_PDF: FileKind = {
  name: "receipt",
  letter: "r",
  suffix: ".pdf",
  async open(deps, id) {
    const { pdf, name } = await receiptPdf(deps.ds, deps.config, id);
    return { body: pdf, type: "application/pdf", filename: name };
  },
};

export const INVOICE_FILE_KINDS: FileKind[] = [INVOICE_PDF, INVOICE_OFD, RECEIPT_PDF];

/**
 * The link to an invoice's kept PDF (or OFD): INVOICE_NOT_READY (409) until it is issued,
 * INVOICE_DOCUMENT_PENDING (409) while its documents are being fetched — never a link that would not open.
 */
export function invoiceLink(config: Config, inv: Invoice, kind: "pdf" | "ofd" = "pdf"): FileLink {
  if (inv.status !== "issued") throw new AppError("INVOICE_NOT_READY");
  if (kind === "ofd") {
    if (inv.docStatus === "stored" && inv.ofdKey) return linkFor(config, INVOICE_OFD, inv.id);
    if (inv.docStatus === "stored" || inv.docStatus === "specimen") throw new AppError("INVOICE_NOT_FOUND");
    throw new AppError("INVOICE_DOCUMENT_PENDING");
  }
  if ((inv.docStatus === "stored" || inv.docStatus === "specimen") && inv.pdfKey) {
    return linkFor(config, INVOICE_PDF, inv.id);
  }
  throw new AppError("INVOICE_DOCUMENT_PENDING");
}
