import type { FileLink } from "@warmline/shared";
import type { Config } from "../../config";
import { AppError } from "../../http/errors";
import { type FileKind, linkFor } from "../files";
import { invoicePdf, receiptPdf } from "./documents";
import type { Invoice } from "./entities";

/** Invoice PDFs behind signed links: /api/v1/files/i.….pdf (served by the files module). */
export const INVOICE_PDF: FileKind = {
  name: "invoice",
  letter: "i",
  suffix: ".pdf",
  async open(deps, id) {
    const { pdf, name } = await invoicePdf(deps, id);
    return { body: pdf, type: "application/pdf", filename: name };
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

export const INVOICE_FILE_KINDS: FileKind[] = [INVOICE_PDF, RECEIPT_PDF];

/** The link to an invoice's PDF; INVOICE_NOT_READY (409) until it is issued. */
export function invoiceLink(config: Config, inv: Invoice): FileLink {
  if (inv.status !== "issued") throw new AppError("INVOICE_NOT_READY");
  return linkFor(config, INVOICE_PDF, inv.id);
}
