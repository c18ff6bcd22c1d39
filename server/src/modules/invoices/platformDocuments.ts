import { z } from "zod";
import { In } from "typeorm";
import type { Deps } from "../../deps";
import {
  DocumentRejectedError,
  DocumentUnavailableError,
  type DownloadedDocument,
  type IssueResult,
} from "../../integrations/e-invoice/provider";
import { enqueue } from "../../jobs/outbox";
import { defineJob, type JobContext } from "../../jobs/registry";
import { logger } from "../../lib/logger";
import type { Context } from "koa";
import { AppError } from "../../http/errors";
import { raiseAlert, SUPERVISOR_AUDIENCE } from "../alerts";
import { audit } from "../audit";
import { renderSpecimenPdf } from "./documents";
import { Invoice } from "./entities";

/**
 * The issued invoice's documents (版式文件) come from the platform: the PDF (and the OFD, the original
 * voucher when given) at the addresses its result names. The invoices.document job downloads them, checks
 * them (type, size, magic bytes) and keeps them in the file storage; residents and staff are served those
 * bytes. Until then the invoice shows 已开具 with 版式文件获取中 and no link is handed out.
 *
 * Only when the platform is our local sandbox and it returned no document is a stand-in rendered here, marked
 * 沙箱样张，非正式发票 (docStatus "specimen"). A real platform's invoice is never rendered by us.
 */
export const DOCUMENT_JOB = "invoices.document" as const;
/** attempts of one round of the job (backoff 2 s, 4 s … ≈ 34 minutes in all) */
export const DOCUMENT_ATTEMPTS = 10;

/** where a kept document lives: one file per invoice number and kind */
export function documentKey(invoiceNo: string, ext: "pdf" | "ofd", specimen = false): string {
  const no = invoiceNo.toLowerCase().replace(/[^a-z0-9]/g, "");
  return `invoices/${specimen ? "specimen" : "platform"}/${no}.${ext}`;
}

/** the local sandbox is the platform (development, tests): only then may a specimen stand in */
export function sandboxPlatform(deps: Pick<Deps, "einvoice" | "config">): boolean {
  return deps.einvoice.sandbox && deps.config.sandboxVendors === true;
}

/** What an issued result sets on the row (the platform's QR content and document addresses, as returned). */
export function issuedFields(result: Extract<IssueResult, { status: "issued" }>) {
  return {
    qrCode: result.qrCode,
    pdfUrl: result.documents.pdfUrl,
    ofdUrl: result.documents.ofdUrl,
    docStatus: "fetching" as const,
    docError: null,
  };
}

/** Starts (another round of) the document job; `round` keeps a staff restart from deduping into the first. */
export async function enqueueDocumentFetch(m: Deps["ds"]["manager"], invoiceId: number, round = 0): Promise<void> {
  await enqueue(
    m,
    DOCUMENT_JOB,
    { invoiceId },
    { dedupeKey: `invoice:doc:${invoiceId}:${round}`, maxAttempts: DOCUMENT_ATTEMPTS },
  );
}

function short(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 180);
}

/**
 * One attempt at an issued invoice's documents. Safe to run twice: the keys are fixed per invoice number, a
 * put replaces a file atomically, and the row moves to stored only from fetching / failed. Throws (so the
 * outbox retries) while the documents cannot be had; the last attempt leaves docStatus "failed".
 */
export async function fetchInvoiceDocuments(deps: Deps, invoiceId: number, job?: JobContext): Promise<void> {
  const repo = deps.ds.getRepository(Invoice);
  let inv = await repo.findOneBy({ id: invoiceId });
  if (inv?.status !== "issued" || !inv.invoiceNo) return;
  if (inv.docStatus === "stored" || inv.docStatus === "specimen") return;
  const open = { id: inv.id, docStatus: In(["none", "fetching", "failed"]) };
  const last = job ? job.attempt >= DOCUMENT_ATTEMPTS : false;
  await repo.increment({ id: inv.id }, "docAttempts", 1);
  try {
    if (!inv.pdfUrl) {
      // the platform names its documents once they are signed: ask it again
      const fresh = await deps.einvoice.query(inv.orderNo).catch((err: unknown) => {
        throw new DocumentUnavailableError(`查询开票结果失败：${short(err)}`);
      });
      if (fresh?.status === "issued" && fresh.documents.pdfUrl) {
        await repo.update(open, {
          pdfUrl: fresh.documents.pdfUrl,
          ofdUrl: fresh.documents.ofdUrl,
          qrCode: inv.qrCode ?? fresh.qrCode,
        });
        inv = await repo.findOneByOrFail({ id: inv.id });
      }
    }
    if (!inv.pdfUrl) {
      if (sandboxPlatform(deps)) {
        const pdf = await renderSpecimenPdf(deps, inv);
        const pdfKey = documentKey(inv.invoiceNo as string, "pdf", true);
        await deps.storage.put(pdfKey, pdf, "application/pdf");
        await repo.update(open, { docStatus: "specimen", pdfKey, ofdKey: null, docError: null });
        return;
      }
      throw new DocumentUnavailableError("开票平台尚未提供版式文件地址");
    }
    const pdf = await deps.einvoice.download(inv.pdfUrl, "pdf");
    const ofd: DownloadedDocument | null = inv.ofdUrl ? await deps.einvoice.download(inv.ofdUrl, "ofd") : null;
    const pdfKey = documentKey(inv.invoiceNo as string, "pdf");
    const ofdKey = ofd ? documentKey(inv.invoiceNo as string, "ofd") : null;
    await deps.storage.put(pdfKey, pdf.bytes, pdf.mime);
    if (ofd && ofdKey) await deps.storage.put(ofdKey, ofd.bytes, ofd.mime);
    await repo.update(open, { docStatus: "stored", pdfKey, ofdKey, docError: null });
  } catch (err) {
    const rejected = err instanceof DocumentRejectedError;
    const reason = rejected ? `平台返回的版式文件不合格，未保存：${short(err)}` : `版式文件获取失败：${short(err)}`;
    if (rejected) {
      logger.error({ invoiceId, invoiceNo: inv.invoiceNo, err: short(err) }, "e-invoice document rejected");
      await raiseAlert(deps.ds.manager, {
        kind: "invoice_document",
        audience: SUPERVISOR_AUDIENCE,
        dedupeKey: `invoice_document:${inv.id}`,
        subjectType: "invoice",
        subjectId: inv.id,
        stationId: null,
        title: `发票 ${inv.invoiceNo} 的版式文件不合格`,
        body: `开票平台为发票 ${inv.invoiceNo} 返回的版式文件类型或大小不对（${short(err)}），未保存，系统将自动重试获取。多次出现请联系开票平台。`,
        data: { invoiceId: inv.id, invoiceNo: inv.invoiceNo },
      });
    } else {
      logger.warn({ invoiceId, err: short(err), attempt: job?.attempt }, "e-invoice document not fetched yet");
    }
    await repo.update(open, { docStatus: last ? "failed" : "fetching", docError: reason.slice(0, 200) });
    throw err;
  }
}

/**
 * Staff: start fetching the documents again after the job gave up (docStatus failed). INVOICE_NOT_READY
 * before the invoice is issued; nothing to do (409 INVOICE_DOCUMENT_PENDING) while a round still runs.
 */
export async function refetchInvoiceDocuments(deps: Deps, ctx: Context, inv: Invoice): Promise<void> {
  if (inv.status !== "issued") throw new AppError("INVOICE_NOT_READY");
  if (inv.docStatus === "stored" || inv.docStatus === "specimen") return;
  if (inv.docStatus === "fetching") throw new AppError("INVOICE_DOCUMENT_PENDING");
  await deps.ds.transaction(async (m) => {
    const res = await m
      .getRepository(Invoice)
      .update({ id: inv.id, status: "issued", docStatus: In(["failed", "none"]) }, { docStatus: "fetching" });
    if (!res.affected) throw new AppError("INVOICE_DOCUMENT_PENDING");
    await enqueueDocumentFetch(m, inv.id, inv.docAttempts);
  });
  await audit(deps.ds, ctx, {
    action: "invoice.refetch_documents",
    targetType: "invoice",
    targetId: inv.id,
    details: { docError: inv.docError },
  });
}

export const documentJob = (deps: () => Deps) =>
  defineJob({
    name: DOCUMENT_JOB,
    schema: z.object({ invoiceId: z.number().int() }),
    maxAttempts: DOCUMENT_ATTEMPTS,
    async handle({ invoiceId }, ctx) {
      await fetchInvoiceDocuments(deps(), invoiceId, ctx);
    },
  });
