import { z } from "zod";
import { type DataSource, type EntityManager, In } from "typeorm";
import type { Deps } from "../../deps";
import { EInvoiceRejectedError, type IssueRequest, type IssueResult } from "../../integrations/e-invoice/provider";
import { enqueue } from "../../jobs/outbox";
import { defineJob, type JobContext } from "../../jobs/registry";
import { normaliseMobile } from "../../integrations/sms/provider";
import { logger } from "../../lib/logger";
import { HeatingAccount } from "../accounts";
import { Bill, HeatingSeason } from "../billing";
import { PaymentAllocation, PaymentOrder, Refund } from "../payments";
import { Invoice } from "./entities";
import { type InvoiceBillLine, invoiceItems, invoiceRemark, totals } from "./items";
import { enqueueDocumentFetch, issuedFields } from "./platformDocuments";
import { defaultBuyer } from "./titles";

/** Our request number at the platform: kind, source id and the request sequence (a reissue takes the next). */
export function orderNoOf(kind: "blue" | "red", sourceId: number, seq: number): string {
  return `FP${kind === "blue" ? "P" : "R"}${sourceId}S${seq}`;
}

async function billLines(
  m: EntityManager | DataSource,
  parts: { billId: number; principalFen: number; lateFeeFen: number }[],
): Promise<InvoiceBillLine[]> {
  const bills = await m.getRepository(Bill).findBy({ id: In([0, ...parts.map((p) => p.billId)]) });
  const seasons = new Map(
    (await m.getRepository(HeatingSeason).findBy({ id: In([0, ...bills.map((b) => b.seasonId)]) })).map((s) => [
      s.id,
      s,
    ]),
  );
  const byId = new Map(bills.map((b) => [b.id, b]));
  return parts
    .map((p) => {
      const b = byId.get(p.billId) as Bill;
      return {
        seasonCode: seasons.get(b.seasonId)?.code ?? "",
        heatedArea: b.heatedArea,
        unitPriceFen: b.unitPriceFen,
        billAmountFen: b.amountFen,
        suspended: b.suspended,
        principalFen: p.principalFen,
        lateFeeFen: p.lateFeeFen,
      };
    })
    .sort((a, b) => a.seasonCode.localeCompare(b.seasonCode));
}

function sellerOf(deps: Deps) {
  return { ...deps.config.invoices.seller };
}

/**
 * Creates the blue invoice row of a payment if it has none (the unique source key makes a second run a
 * no-op) from the money applied to bills; nothing when none was applied (all of it is flagged money).
 */
export async function createBlueInvoice(deps: Deps, paymentOrderId: number): Promise<Invoice | null> {
  const { ds } = deps;
  const sourceKey = `pay:${paymentOrderId}`;
  const existing = await ds.getRepository(Invoice).findOneBy({ sourceKey });
  if (existing) return existing;
  const order = await ds.getRepository(PaymentOrder).findOneBy({ id: paymentOrderId });
  if (order?.status !== "paid") return null;
  const allocations = await ds.getRepository(PaymentAllocation).findBy({ paymentOrderId });
  const lines = await billLines(
    ds,
    allocations.map((a) => ({ billId: a.billId, principalFen: a.principalFen, lateFeeFen: a.lateFeeFen })),
  );
  const items = await itemsFor(deps, order.accountId, lines, 1);
  const { totalFen, taxFen } = totals(items);
  if (totalFen <= 0) return null;
  return insertOnce(ds, {
    sourceKey,
    kind: "blue",
    paymentOrderId,
    accountId: order.accountId,
    refundId: null,
    originalInvoiceId: null,
    orderNo: orderNoOf("blue", paymentOrderId, 1),
    buyer: order.invoiceBuyer ?? (await defaultBuyer(ds, order.accountId)),
    seller: sellerOf(deps),
    items,
    totalFen,
    taxFen,
  });
}

/** The lines' invoice items under the tax rule of the account's category (sign −1 for a red invoice). */
async function itemsFor(deps: Deps, accountId: number, lines: InvoiceBillLine[], sign: 1 | -1) {
  const account = await deps.ds.getRepository(HeatingAccount).findOneByOrFail({ id: accountId });
  return invoiceItems(lines, {
    rule: deps.config.invoices.taxRules[account.category],
    taxCode: deps.config.invoices.taxCode,
    sign,
  });
}

/** Inserts a queued invoice unless its source key exists (a second run is a no-op); the row either way. */
async function insertOnce(
  ds: DataSource,
  values: Omit<Partial<Invoice>, "status" | "requestSeq" | "attempts"> & { sourceKey: string },
): Promise<Invoice | null> {
  await ds
    .getRepository(Invoice)
    .createQueryBuilder()
    .insert()
    .values({ ...values, status: "queued", requestSeq: 1, attempts: 0 })
    .orIgnore()
    .updateEntity(false)
    .execute();
  return ds.getRepository(Invoice).findOneBy({ sourceKey: values.sourceKey });
}

/**
 * Creates the red invoice row of a refund (once): the money the refund took back from bills, as negative
 * lines, against the payment's blue invoice. Money refunded from unapplied (flagged) funds was never
 * invoiced and needs none.
 */
export async function createRedInvoice(deps: Deps, refundId: number): Promise<Invoice | null> {
  const { ds } = deps;
  const sourceKey = `refund:${refundId}`;
  const existing = await ds.getRepository(Invoice).findOneBy({ sourceKey });
  if (existing) return existing;
  const refund = await ds.getRepository(Refund).findOneBy({ id: refundId });
  if (refund?.status !== "succeeded" || !refund.reversals?.length) return null;
  const blue = await createBlueInvoice(deps, refund.paymentOrderId);
  if (!blue) return null;
  const items = await itemsFor(deps, blue.accountId, await billLines(ds, refund.reversals), -1);
  const { totalFen, taxFen } = totals(items);
  if (totalFen >= 0) return null;
  return insertOnce(ds, {
    sourceKey,
    kind: "red",
    paymentOrderId: blue.paymentOrderId,
    accountId: blue.accountId,
    refundId,
    originalInvoiceId: blue.id,
    orderNo: orderNoOf("red", refundId, 1),
    buyer: blue.buyer,
    seller: blue.seller,
    items,
    totalFen,
    taxFen,
  });
}

/** The account holder's mobile number, when the platform should text the invoice to it (INVOICE_PUSH_SMS). */
function pushPhoneOf(deps: Deps, account: HeatingAccount | null): string | null {
  if (!deps.config.invoices.pushSms || !account?.phoneEnc) return null;
  try {
    return normaliseMobile(deps.vault.decrypt(account.phoneEnc));
  } catch {
    return null;
  }
}

async function issueRequest(deps: Deps, inv: Invoice, original: Invoice | null): Promise<IssueRequest> {
  const account = await deps.ds.getRepository(HeatingAccount).findOneBy({ id: inv.accountId });
  return {
    orderNo: inv.orderNo,
    kind: inv.kind,
    original:
      original?.invoiceNo && original.issuedAt ? { invoiceNo: original.invoiceNo, issuedAt: original.issuedAt } : null,
    buyerKind: inv.buyer.kind,
    buyer: { name: inv.buyer.name, taxId: inv.buyer.taxId },
    seller: {
      name: inv.seller.name,
      taxId: inv.seller.taxId,
      address: inv.seller.address,
      bankAccount: inv.seller.bankAccount,
    },
    clerk: deps.config.invoices.clerk,
    items: inv.items,
    totalFen: inv.totalFen,
    pushEmail: inv.buyer.email,
    pushPhone: pushPhoneOf(deps, account),
    callbackUrl: deps.config.einvoice.callbackUrl,
    remark: account ? invoiceRemark(account) : null,
  };
}

const GAVE_UP = "电子发票平台多次无响应，开具失败，请重新开具";

/**
 * Sends a queued invoice to the platform. Safe to run twice: the platform keeps our order number unique
 * (a resend answers the same serial), and the row moves on only from "queued". A red invoice waits until
 * its blue one is issued (issuing the blue one sends the waiting red ones). A refusal fails the invoice at
 * once; an unreachable platform is retried by the outbox and fails the invoice after the last attempt.
 */
export async function submitInvoice(deps: Deps, invoiceId: number, job?: JobContext): Promise<void> {
  const { ds } = deps;
  const repo = ds.getRepository(Invoice);
  const inv = await repo.findOneBy({ id: invoiceId });
  if (inv?.status !== "queued") return;
  let original: Invoice | null = null;
  if (inv.kind === "red") {
    original = await repo.findOneBy({ id: inv.originalInvoiceId as number });
    if (original?.status !== "issued") return;
  }
  await repo.increment({ id: inv.id }, "attempts", 1);
  try {
    const accepted = await deps.einvoice.issue(await issueRequest(deps, inv, original));
    await repo.update(
      { id: inv.id, status: "queued", requestSeq: inv.requestSeq },
      { status: "submitted", serialNo: accepted.serialNo, submittedAt: new Date(), failReason: null },
    );
    await scheduleCheck(ds, deps, inv.id, 0);
  } catch (err) {
    if (err instanceof EInvoiceRejectedError) {
      await repo.update(
        { id: inv.id, status: "queued", requestSeq: inv.requestSeq },
        { status: "failed", failReason: `${err.message}（${err.code}）`.slice(0, 200) },
      );
      logger.warn({ invoiceId, code: err.code }, "e-invoice request refused");
      return;
    }
    const last = job ? job.attempt >= deps.config.invoices.issueAttempts : false;
    await repo.update(
      { id: inv.id, status: "queued", requestSeq: inv.requestSeq },
      last
        ? { status: "failed", failReason: GAVE_UP }
        : { failReason: `电子发票平台暂时不可用，第${job?.attempt ?? 1}次尝试失败，稍后自动重试` },
    );
    throw err;
  }
}

async function scheduleCheck(ds: DataSource, deps: Deps, invoiceId: number, n: number): Promise<void> {
  // poll quickly first, then back off to a minute (the platform's callback usually arrives first)
  const delayMs = Math.min(deps.config.invoices.pollMs * 2 ** Math.min(n, 5), 60_000);
  await enqueue(
    ds.manager,
    "invoices.check",
    { invoiceId, n },
    { dedupeKey: `invoice:check:${invoiceId}:${n}`, delayMs },
  );
}

/** Polls stop after this many checks (about 3 hours); a callback or a staff action can still finish it. */
const MAX_CHECKS = 200;

/** Applies a result from a poll or a callback; only moves a submitted (or queued) invoice forward. */
export async function applyResult(deps: Deps, inv: Invoice, result: IssueResult): Promise<boolean> {
  const repo = deps.ds.getRepository(Invoice);
  if (result.status === "pending") return false;
  const where = { id: inv.id, status: In(["queued", "submitted"]), requestSeq: inv.requestSeq };
  const res =
    result.status === "issued"
      ? await deps.ds.transaction(async (m) => {
          // what the platform returned, as returned: its QR content and its documents' addresses; the
          // documents themselves are fetched and kept by the invoices.document job
          const r = await m.getRepository(Invoice).update(where, {
            status: "issued",
            serialNo: result.serialNo,
            invoiceNo: result.invoiceNo,
            issuedAt: result.issuedAt,
            checkCode: result.checkCode,
            failReason: null,
            ...issuedFields(result),
          });
          if (r.affected) await enqueueDocumentFetch(m, inv.id);
          return r;
        })
      : await repo.update(where, { status: "failed", failReason: result.reason.slice(0, 200) });
  if (!res.affected) return false;
  if (result.status === "issued" && inv.kind === "blue") {
    // the residents of the account are told (我的消息); job of the notifications module
    await enqueue(
      deps.ds.manager,
      "notify.invoice_issued",
      { invoiceId: inv.id },
      { dedupeKey: `notify:invoice:${inv.id}` },
    );
    // red invoices waiting for this one
    const waiting = await repo.findBy({ originalInvoiceId: inv.id, status: "queued" });
    for (const red of waiting) await enqueueSubmit(deps.ds.manager, red);
  }
  return true;
}

export async function enqueueSubmit(m: EntityManager, inv: Pick<Invoice, "id" | "requestSeq">): Promise<void> {
  await enqueue(
    m,
    "invoices.submit",
    { invoiceId: inv.id },
    { dedupeKey: `invoice:submit:${inv.id}:${inv.requestSeq}` },
  );
}

export async function checkInvoice(deps: Deps, invoiceId: number, n: number): Promise<void> {
  const inv = await deps.ds.getRepository(Invoice).findOneBy({ id: invoiceId });
  if (!inv || (inv.status !== "submitted" && inv.status !== "queued")) return;
  const result = await deps.einvoice.query(inv.orderNo);
  if (result && result.status !== "pending") {
    await applyResult(deps, inv, result);
    return;
  }
  if (n + 1 < MAX_CHECKS) await scheduleCheck(deps.ds, deps, invoiceId, n + 1);
}

/** Handles a result the platform posted to us (its signature already verified by the provider). */
export async function applyCallback(deps: Deps, orderNo: string, result: IssueResult): Promise<boolean> {
  const inv = await deps.ds.getRepository(Invoice).findOneBy({ orderNo });
  if (!inv) return false;
  await applyResult(deps, inv, result);
  return true;
}

/** A job that finds (or creates, once) an invoice row, then sends it to the platform. */
function sendingJob<K extends string>(
  deps: () => Deps,
  name: "invoices.issue" | "invoices.reverse" | "invoices.submit",
  key: K,
  find: (d: Deps, id: number) => Promise<Pick<Invoice, "id"> | null>,
) {
  return defineJob({
    name,
    schema: z.object({ [key]: z.number().int() } as Record<K, z.ZodNumber>),
    maxAttempts: 20,
    async handle(payload, ctx) {
      const d = deps();
      const inv = await find(d, (payload as Record<K, number>)[key]);
      if (inv) await submitInvoice(d, inv.id, ctx);
    },
  });
}

export const issueInvoiceJob = (deps: () => Deps) =>
  sendingJob(deps, "invoices.issue", "paymentOrderId", createBlueInvoice);
export const reverseInvoiceJob = (deps: () => Deps) =>
  sendingJob(deps, "invoices.reverse", "refundId", createRedInvoice);
export const submitInvoiceJob = (deps: () => Deps) =>
  sendingJob(deps, "invoices.submit", "invoiceId", async (_d, id) => ({ id }));

export const checkInvoiceJob = (deps: () => Deps) =>
  defineJob({
    name: "invoices.check",
    schema: z.object({ invoiceId: z.number().int(), n: z.number().int().min(0) }),
    maxAttempts: 5,
    async handle({ invoiceId, n }) {
      await checkInvoice(deps(), invoiceId, n);
    },
  });
