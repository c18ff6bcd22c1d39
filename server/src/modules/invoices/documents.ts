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
import { renderInvoicePdf, renderReceiptPdf } from "./pdf";

/** Shanghai calendar date as YYYYMMDD. */
function ymd(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, "");
}

function yuan(fen: number): string {
  const abs = Math.abs(fen);
  return `${fen < 0 ? "-" : ""}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/**
 * The QR code's verification data, in the layout of the national e-invoice QR code:
 * 01 (version), 32 (全电普票), invoice code (empty for 全电), number, amount excluding tax, date, check code.
 */
export function qrTextOf(inv: Invoice): string {
  return [
    "01",
    "32",
    "",
    inv.invoiceNo ?? "",
    yuan(inv.totalFen - inv.taxFen),
    inv.issuedAt ? ymd(inv.issuedAt) : "",
    inv.checkCode ?? "",
    "",
  ].join(",");
}

/** where the rendered PDF of an issued invoice is kept (its number is unique and final) */
export function invoicePdfKey(invoiceNo: string): string {
  return `invoices/${invoiceNo.toLowerCase().replace(/[^a-z0-9]/g, "")}.pdf`;
}

/**
 * The PDF of an issued invoice. It is rendered the first time it is asked for and kept in the file
 * storage: an issued invoice is a fixed document (a later change of the account's address must not
 * change it), and a second view costs a read instead of a render.
 */
export async function invoicePdf(
  deps: Pick<Deps, "ds" | "config" | "storage">,
  id: number,
): Promise<{ pdf: Buffer; name: string }> {
  const { ds, config } = deps;
  const inv = await ds.getRepository(Invoice).findOneBy({ id });
  if (!inv) throw new AppError("INVOICE_NOT_FOUND");
  if (inv.status !== "issued" || !inv.invoiceNo || !inv.issuedAt) throw new AppError("INVOICE_NOT_READY");
  const key = invoicePdfKey(inv.invoiceNo);
  const name = `invoice-${inv.invoiceNo}.pdf`;
  const kept = await deps.storage.get(key).catch(() => null);
  if (kept) return { pdf: kept, name };
  const account = await ds.getRepository(HeatingAccount).findOneBy({ id: inv.accountId });
  const original = inv.originalInvoiceId
    ? await ds.getRepository(Invoice).findOneBy({ id: inv.originalInvoiceId })
    : null;
  const pdf = await renderInvoicePdf(
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
      qrText: qrTextOf(inv),
    },
    { fontFile: config.invoices.fontFile },
  );
  try {
    await deps.storage.put(key, pdf, "application/pdf");
  } catch (err) {
    logger.warn({ err: (err as Error).message, invoiceId: id }, "invoice PDF not kept; rendered again next time");
  }
  return { pdf, name };
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
