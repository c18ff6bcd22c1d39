import { PAYMENT_CHANNEL_LABELS } from "@warmline/shared";
import type { DataSource } from "typeorm";
import type { Config } from "../../config";
import type { Deps } from "../../deps";
import { AppError } from "../../http/errors";
import { logger } from "../../lib/logger";
import { HeatingAccount } from "../accounts";
import { Bill, HeatingSeason } from "../billing";
import { PaymentAllocation, PaymentOrder } from "../payments";
import { StaffUser } from "../staff";
import { Invoice } from "./entities";
import { invoiceRemark } from "./items";
import { renderInvoicePdf, renderReceiptPdf, SANDBOX_SPECIMEN_MARK } from "./pdf";
import { enqueueDocumentFetch } from "./platformDocuments";

/** Shanghai calendar date as YYYYMMDD. */
function ymd(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, "");
}

function yuan(fen: number): string {
  const abs = Math.abs(fen);
  return `${fen < 0 ? "-" : ""}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/**
 * The QR content of a sandbox specimen that came without one from the sandbox platform: the 数电普票 layout
 * (01, 32, empty code, number, 价税合计, date YYYYMMDD, empty 校验码, and an empty field 8, because that code
 * only the tax platform produces). Never used for a real platform's invoice: those carry the platform's
 * own QR content (Invoice.qrCode) inside the platform's own document.
 */
export function specimenQrText(inv: Pick<Invoice, "invoiceNo" | "totalFen" | "issuedAt">): string {
  return ["01", "32", "", inv.invoiceNo ?? "", yuan(inv.totalFen), inv.issuedAt ? ymd(inv.issuedAt) : "", "", ""].join(
    ",",
  );
}

/**
 * A stand-in PDF for an invoice of the sandbox platform that returned no document, visibly marked
 * 沙箱样张，非正式发票. Callers make sure the platform is the sandbox (platformDocuments.ts).
 */
export async function renderSpecimenPdf(deps: Pick<Deps, "ds" | "config">, inv: Invoice): Promise<Buffer> {
  const { ds, config } = deps;
  if (!inv.invoiceNo || !inv.issuedAt) throw new AppError("INVOICE_NOT_READY");
  const account = await ds.getRepository(HeatingAccount).findOneBy({ id: inv.accountId });
  const original = inv.originalInvoiceId
    ? await ds.getRepository(Invoice).findOneBy({ id: inv.originalInvoiceId })
    : null;
  return renderInvoicePdf(
    {
      kind: inv.kind,
      invoiceNo: inv.invoiceNo,
      issuedAt: inv.issuedAt,
      buyer: { kind: inv.buyer.kind, name: inv.buyer.name, taxId: inv.buyer.taxId },
      seller: inv.seller,
      items: inv.items,
      totalFen: inv.totalFen,
      taxFen: inv.taxFen,
      original:
        original?.invoiceNo && original.issuedAt
          ? { invoiceNo: original.invoiceNo, issuedAt: original.issuedAt }
          : null,
      remark: account ? invoiceRemark(account) : null,
      clerk: config.invoices.clerk,
      qrText: inv.qrCode ?? specimenQrText(inv),
      specimen: SANDBOX_SPECIMEN_MARK,
    },
    { fontFile: config.invoices.fontFile },
  );
}

/**
 * An issued invoice's kept document: the platform's PDF or OFD (or, sandbox only, the specimen PDF), as
 * stored by the invoices.document job. INVOICE_DOCUMENT_PENDING while it is being fetched; a kept file gone
 * missing from the storage is fetched again.
 */
export async function invoiceDocument(
  deps: Pick<Deps, "ds" | "storage">,
  id: number,
  kind: "pdf" | "ofd",
): Promise<{ body: Buffer; name: string; type: string }> {
  const inv = await deps.ds.getRepository(Invoice).findOneBy({ id });
  if (!inv) throw new AppError("INVOICE_NOT_FOUND");
  if (inv.status !== "issued" || !inv.invoiceNo) throw new AppError("INVOICE_NOT_READY");
  const key = kind === "pdf" ? inv.pdfKey : inv.ofdKey;
  const ready = inv.docStatus === "stored" || (inv.docStatus === "specimen" && kind === "pdf");
  if (!ready || !key) {
    if (ready && kind === "ofd") throw new AppError("INVOICE_NOT_FOUND");
    throw new AppError("INVOICE_DOCUMENT_PENDING");
  }
  const body = await deps.storage.get(key);
  if (!body) {
    logger.error({ invoiceId: id, key }, "kept invoice document missing from storage; fetching it again");
    const res = await deps.ds
      .getRepository(Invoice)
      .update(
        { id, docStatus: inv.docStatus },
        { docStatus: "fetching", docError: "已保存的版式文件丢失，重新获取中" },
      );
    if (res.affected) await enqueueDocumentFetch(deps.ds.manager, id, inv.docAttempts);
    throw new AppError("INVOICE_DOCUMENT_PENDING");
  }
  const specimen = inv.docStatus === "specimen" ? "-specimen" : "";
  return {
    body,
    name: `invoice-${inv.invoiceNo}${specimen}.${kind}`,
    type: kind === "pdf" ? "application/pdf" : "application/ofd",
  };
}

const OFFLINE = new Set(["cash", "card", "transfer", "assisted"]);

/** 缴费收据 of a payment taken at a window or by a grid worker. */
export async function receiptPdf(
  ds: DataSource,
  config: Config,
  orderId: number,
): Promise<{ pdf: Buffer; name: string }> {
  const order = await ds.getRepository(PaymentOrder).findOneBy({ id: orderId });
  if (!order) throw new AppError("PAYMENT_NOT_FOUND");
  if (order.status !== "paid" || !OFFLINE.has(order.channel) || !order.paidAt)
    throw new AppError("RECEIPT_NOT_AVAILABLE");
  const account = await ds.getRepository(HeatingAccount).findOneByOrFail({ id: order.accountId });
  const allocations = await ds.getRepository(PaymentAllocation).findBy({ paymentOrderId: order.id });
  const bills = await ds.getRepository(Bill).findBy(allocations.map((a) => ({ id: a.billId })));
  const seasons = await ds.getRepository(HeatingSeason).findBy(bills.map((b) => ({ id: b.seasonId })));
  const seasonOfBill = (billId: number) => {
    const b = bills.find((x) => x.id === billId);
    return seasons.find((s) => s.id === b?.seasonId)?.code ?? "";
  };
  const cashier = order.staffUserId ? await ds.getRepository(StaffUser).findOneBy({ id: order.staffUserId }) : null;
  const pdf = await renderReceiptPdf(
    {
      receiptNo: order.receiptNo ?? order.outTradeNo,
      outTradeNo: order.outTradeNo,
      org: config.invoices.seller.name,
      accountNo: account.accountNo,
      ownerName: account.ownerName,
      address: account.address,
      channelLabel: PAYMENT_CHANNEL_LABELS[order.channel],
      amountFen: order.amountFen,
      paidAt: order.paidAt,
      cashier: cashier?.displayName ?? "",
      lines: allocations
        .map((a) => ({ season: seasonOfBill(a.billId), principalFen: a.principalFen, lateFeeFen: a.lateFeeFen }))
        .sort((a, b) => a.season.localeCompare(b.season)),
    },
    { fontFile: config.invoices.fontFile },
  );
  return { pdf, name: `receipt-${order.outTradeNo}.pdf` };
}
