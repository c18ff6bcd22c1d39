import {
  type CreateRefundInput,
  type FileLink,
  FileLinkSchema,
  PaymentPageSchema,
  PaymentSchema,
  type PaymentView,
  ReconRunListSchema,
  ReconRunSchema,
  type ReconRunView,
  RefundListSchema,
  RefundSchema,
  type RefundView,
  type ResolveFlagInput,
  type PAYMENT_CHANNELS,
  type ONLINE_VENDORS,
} from "@warmline/shared";
import type { z } from "zod";
import { api } from "./api";
import { parseWith } from "./parse";

export type PaymentPage = z.infer<typeof PaymentPageSchema>;
export type PaymentChannel = (typeof PAYMENT_CHANNELS)[number];
export type PaymentStatus = "created" | "paid" | "closed" | "expired";
export type OnlineVendor = (typeof ONLINE_VENDORS)[number];
export type ReconRunSummary = z.infer<typeof ReconRunListSchema>["items"][number];
export type ReconItem = ReconRunView["items"][number];
export type { PaymentView, ReconRunView, RefundView };

export interface PaymentSearchParams {
  /** 商户订单号, vendor transaction id, receipt number or 户号 */
  q?: string;
  channel?: PaymentChannel;
  status?: PaymentStatus;
  flagged?: boolean;
  page: number;
  pageSize: number;
}

export interface StartReconInput {
  /** an Asia/Shanghai calendar date, YYYY-MM-DD */
  date: string;
  vendor: OnlineVendor;
}

/** 缴费查询: every channel's payments, newest first. */
export async function searchPayments(p: PaymentSearchParams, signal?: AbortSignal): Promise<PaymentPage> {
  const query = { ...p, flagged: p.flagged === undefined ? undefined : String(p.flagged) };
  return parseWith(PaymentPageSchema, await api.get("/api/v1/staff/payments", query, signal));
}

/** One payment as it is now (its invoice status changes after it was paid). */
export async function getPayment(paymentId: number, signal?: AbortSignal): Promise<PaymentView> {
  return parseWith(PaymentSchema, await api.get(`/api/v1/staff/payments/${paymentId}`, undefined, signal));
}

/** A short-lived link to the printable receipt PDF of an offline payment. */
export async function receiptLink(paymentId: number): Promise<FileLink> {
  return parseWith(FileLinkSchema, await api.post(`/api/v1/staff/payments/${paymentId}/receipt-link`));
}

export async function listRefunds(paymentId: number, signal?: AbortSignal): Promise<RefundView[]> {
  const body = await api.get(`/api/v1/staff/payments/${paymentId}/refunds`, undefined, signal);
  return parseWith(RefundListSchema, body).items;
}

/** 退款: all or part of what is still refundable, with a reason (audited on the server). */
export async function createRefund(paymentId: number, input: CreateRefundInput): Promise<RefundView> {
  return parseWith(RefundSchema, await api.post(`/api/v1/staff/payments/${paymentId}/refunds`, input));
}

/** 处理异常款: apply the unapplied money to the open bills, or refund it. */
export async function resolveFlag(paymentId: number, input: ResolveFlagInput): Promise<PaymentView> {
  return parseWith(PaymentSchema, await api.post(`/api/v1/staff/payments/${paymentId}/resolve-flag`, input));
}

/** Starts a reconciliation run (a background job); poll getReconRun until it is done or failed. */
export async function startRecon(input: StartReconInput): Promise<ReconRunView> {
  return parseWith(ReconRunSchema, await api.post("/api/v1/staff/reconciliations", input));
}

export async function listReconRuns(signal?: AbortSignal): Promise<ReconRunSummary[]> {
  return parseWith(ReconRunListSchema, await api.get("/api/v1/staff/reconciliations", undefined, signal)).items;
}

export async function getReconRun(runId: number, signal?: AbortSignal): Promise<ReconRunView> {
  return parseWith(ReconRunSchema, await api.get(`/api/v1/staff/reconciliations/${runId}`, undefined, signal));
}
