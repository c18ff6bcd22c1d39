import {
  type BillCorrectInput,
  BillCorrectionListSchema,
  type BillCorrectionView,
  BillListSchema,
  BillRunSchema,
  type BillRunView,
  BillSchema,
  type BillView,
  type CreateSeasonInput,
  type OfflinePaymentInput,
  PaymentListSchema,
  PaymentSchema,
  type PaymentView,
  SeasonListSchema,
  SeasonSchema,
  type WaiveInput,
} from "@warmline/shared";
import type { z } from "zod";
import { api } from "./api";
import { parseWith } from "./parse";

export type BillList = z.infer<typeof BillListSchema>;
export type Season = z.infer<typeof SeasonSchema>;
export type { BillCorrectionView, BillRunView, BillView, PaymentView };

/** An account's bills, oldest season first, with what is owed now (late fee up to today). */
export async function listBills(accountId: number, signal?: AbortSignal): Promise<BillList> {
  return parseWith(BillListSchema, await api.get(`/api/v1/staff/accounts/${accountId}/bills`, undefined, signal));
}

/** An account's settled payments, newest first. */
export async function listPayments(accountId: number, signal?: AbortSignal): Promise<PaymentView[]> {
  const body = await api.get(`/api/v1/staff/accounts/${accountId}/payments`, undefined, signal);
  return parseWith(PaymentListSchema, body).items;
}

/** 线下收费: money taken at the counter or by a grid worker; settles at once. */
export async function payOffline(input: OfflinePaymentInput): Promise<PaymentView> {
  return parseWith(PaymentSchema, await api.post("/api/v1/staff/payments/offline", input));
}

/** 减免 part of a bill's principal and/or late fee, with a reason (audited). */
export async function waiveBill(billId: number, input: WaiveInput): Promise<BillView> {
  return parseWith(BillSchema, await api.post(`/api/v1/staff/bills/${billId}/waive`, input));
}

/** 账单更正: corrects an issued bill's heated area with a reason (audited); the amount follows from its tariff. */
export async function correctBill(billId: number, input: BillCorrectInput): Promise<BillView> {
  return parseWith(BillSchema, await api.post(`/api/v1/staff/bills/${billId}/correct`, input));
}

/** The bill corrections of an account, newest first. */
export async function listBillCorrections(accountId: number, signal?: AbortSignal): Promise<BillCorrectionView[]> {
  const body = await api.get(`/api/v1/staff/accounts/${accountId}/bill-corrections`, undefined, signal);
  return parseWith(BillCorrectionListSchema, body).items;
}

export async function listSeasons(signal?: AbortSignal): Promise<Season[]> {
  return parseWith(SeasonListSchema, await api.get("/api/v1/staff/seasons", undefined, signal)).items;
}

export async function createSeason(input: CreateSeasonInput): Promise<Season> {
  return parseWith(SeasonSchema, await api.post("/api/v1/staff/seasons", input));
}

/** Deletes a season created by mistake (refused once it has bills). */
export async function deleteSeason(seasonId: number): Promise<void> {
  await api.request(`/api/v1/staff/seasons/${seasonId}`, { method: "DELETE" });
}

/** Starts generating a season's bills in the background (idempotent on the server). */
export async function startBillRun(seasonId: number): Promise<BillRunView> {
  return parseWith(BillRunSchema, await api.post(`/api/v1/staff/seasons/${seasonId}/bill-runs`));
}

export async function getBillRun(runId: number, signal?: AbortSignal): Promise<BillRunView> {
  return parseWith(BillRunSchema, await api.get(`/api/v1/staff/bill-runs/${runId}`, undefined, signal));
}
