import type { Actor } from "../../http/access";
import type { InvoiceDetailView, InvoiceSearchQuery, InvoiceView, ReissueInvoiceInput } from "@warmline/shared";
import type { Context } from "koa";
import { type DataSource, In } from "typeorm";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { EInvoiceRejectedError, EInvoiceUnavailableError } from "../../integrations/e-invoice/provider";
import { HeatingAccount } from "../accounts";
import { audit } from "../audit";
import { PaymentOrder } from "../payments";
import { Invoice } from "./entities";
import { applyResult, enqueueSubmit, orderNoOf } from "./issuance";
import { buyerOf } from "./titles";

export async function presentInvoices(ds: DataSource, invoices: Invoice[]): Promise<InvoiceView[]> {
  if (invoices.length === 0) return [];
  const orders = new Map(
    (await ds.getRepository(PaymentOrder).findBy({ id: In([...new Set(invoices.map((i) => i.paymentOrderId))]) })).map(
      (o) => [o.id, o],
    ),
  );
  const accounts = new Map(
    (await ds.getRepository(HeatingAccount).findBy({ id: In([...new Set(invoices.map((i) => i.accountId))]) })).map(
      (a) => [a.id, a],
    ),
  );
  const blueIds = invoices.filter((i) => i.kind === "blue").map((i) => i.id);
  const reds = blueIds.length
    ? await ds.getRepository(Invoice).findBy({ originalInvoiceId: In(blueIds), status: "issued" })
    : [];
  return invoices.map((i) => ({
    id: i.id,
    kind: i.kind,
    status: i.status,
    paymentOrderId: i.paymentOrderId,
    outTradeNo: orders.get(i.paymentOrderId)?.outTradeNo ?? "",
    accountId: i.accountId,
    accountNo: accounts.get(i.accountId)?.accountNo ?? "",
    refundId: i.refundId,
    originalInvoiceId: i.originalInvoiceId,
    invoiceNo: i.invoiceNo,
    issuedAt: i.issuedAt?.toISOString() ?? null,
    buyerKind: i.buyer.kind,
    buyerName: i.buyer.name,
    buyerTaxId: i.buyer.taxId,
    pushEmail: i.buyer.email,
    sellerName: i.seller.name,
    totalFen: i.totalFen,
    taxFen: i.taxFen,
    items: i.items,
    failReason: i.failReason,
    attempts: i.attempts,
    createdAt: i.createdAt.toISOString(),
    reversedFen: reds.filter((r) => r.originalInvoiceId === i.id).reduce((s, r) => s + r.totalFen, 0),
    docStatus: i.docStatus,
    hasOfd: i.docStatus === "stored" && Boolean(i.ofdKey),
    qrCode: i.qrCode,
    docError: i.docError,
  }));
}

export async function accountInvoices(ds: DataSource, accountId: number): Promise<InvoiceView[]> {
  const rows = await ds.getRepository(Invoice).find({ where: { accountId }, order: { id: "DESC" }, take: 200 });
  return presentInvoices(ds, rows);
}

/** One invoice with the others of its payment (the blue one and its red ones). */
export async function invoiceDetail(ds: DataSource, inv: Invoice): Promise<InvoiceDetailView> {
  const all = await ds
    .getRepository(Invoice)
    .find({ where: { paymentOrderId: inv.paymentOrderId }, order: { id: "ASC" } });
  const views = await presentInvoices(ds, all);
  const self = views.find((v) => v.id === inv.id) as InvoiceView;
  return { ...self, related: views.filter((v) => v.id !== inv.id) };
}

/** An invoice by id (INVOICE_NOT_FOUND when there is none); routes check access first (policies.ts). */
/** The invoice the caller may read (invoice.read: a resident's bound account, any for staff), else 404. */
export async function readableInvoice(deps: Pick<Deps, "ds" | "access">, actor: Actor | undefined, id: number) {
  await deps.access.require(actor, "invoice.read", id);
  return getInvoice(deps.ds, id);
}

export async function getInvoice(ds: DataSource, id: number): Promise<Invoice> {
  const inv = await ds.getRepository(Invoice).findOneBy({ id });
  if (!inv) throw new AppError("INVOICE_NOT_FOUND");
  return inv;
}

export async function searchInvoices(ds: DataSource, q: InvoiceSearchQuery) {
  const qb = ds.getRepository(Invoice).createQueryBuilder("i");
  if (q.status) qb.andWhere("i.status = :status", { status: q.status });
  if (q.kind) qb.andWhere("i.kind = :kind", { kind: q.kind });
  if (q.q) {
    const order = await ds.getRepository(PaymentOrder).findOneBy({ outTradeNo: q.q });
    const account = await ds.getRepository(HeatingAccount).findOneBy({ accountNo: q.q });
    qb.andWhere("(i.invoice_no = :q OR i.payment_order_id = :orderId OR i.account_id = :accountId)", {
      q: q.q,
      orderId: order?.id ?? 0,
      accountId: account?.id ?? 0,
    });
  }
  const [rows, total] = await qb
    .orderBy("i.id", "DESC")
    .skip((q.page - 1) * q.pageSize)
    .take(q.pageSize)
    .getManyAndCount();
  return { items: await presentInvoices(ds, rows), total, page: q.page, pageSize: q.pageSize };
}

/**
 * 重开: a failed invoice is requested again under a new order number. The platform is asked first about
 * the old number: when our last request in fact went through (we only heard nothing), that invoice is kept
 * and no second one is requested.
 */
export async function reissueInvoice(
  deps: Deps,
  ctx: Context,
  id: number,
  input: ReissueInvoiceInput,
): Promise<Invoice> {
  const { ds } = deps;
  const inv = await getInvoice(ds, id);
  if (inv.status !== "failed") throw new AppError("INVOICE_NOT_REISSUABLE");
  let earlier: Awaited<ReturnType<Deps["einvoice"]["query"]>>;
  try {
    earlier = await deps.einvoice.query(inv.orderNo);
  } catch (err) {
    if (err instanceof EInvoiceUnavailableError || err instanceof EInvoiceRejectedError)
      throw new AppError("INVOICE_PROVIDER_ERROR");
    throw err;
  }
  if (earlier && earlier.status !== "failed") {
    // the platform has it (issued or still issuing): take that result instead of asking twice
    await ds
      .getRepository(Invoice)
      .update({ id: inv.id, status: "failed" }, { status: "submitted", serialNo: earlier.serialNo, failReason: null });
    const fresh = await getInvoice(ds, id);
    if (earlier.status === "issued") await applyResult(deps, fresh, earlier);
  } else {
    const seq = inv.requestSeq + 1;
    const sourceId = inv.kind === "blue" ? inv.paymentOrderId : (inv.refundId as number);
    await ds.transaction(async (m) => {
      const res = await m.getRepository(Invoice).update(
        { id: inv.id, status: "failed", requestSeq: inv.requestSeq },
        {
          status: "queued",
          requestSeq: seq,
          orderNo: orderNoOf(inv.kind, sourceId, seq),
          serialNo: null,
          failReason: null,
          ...(input.title
            ? { buyer: buyerOf({ ...input.title, taxId: input.title.taxId ?? null, email: input.title.email ?? null }) }
            : {}),
        },
      );
      if (!res.affected) throw new AppError("INVOICE_NOT_REISSUABLE");
      await enqueueSubmit(m, { id: inv.id, requestSeq: seq });
    });
  }
  await audit(ds, ctx, {
    action: "invoice.reissue",
    targetType: "invoice",
    targetId: inv.id,
    details: { reason: input.reason, titleChanged: Boolean(input.title), staffId: staffAuth(ctx).id },
  });
  return getInvoice(ds, id);
}

/** Asks the platform to send an issued invoice to an e-mail address. */
export async function emailInvoice(deps: Deps, inv: Invoice, email: string): Promise<void> {
  if (inv.status !== "issued" || !inv.serialNo) throw new AppError("INVOICE_NOT_READY");
  try {
    await deps.einvoice.deliver(inv.serialNo, { email });
  } catch (err) {
    if (err instanceof EInvoiceUnavailableError || err instanceof EInvoiceRejectedError)
      throw new AppError("INVOICE_PROVIDER_ERROR");
    throw err;
  }
}
