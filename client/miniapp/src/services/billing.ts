import {
  type BillView,
  type CreatedPayment,
  CreatedPaymentSchema,
  type CreatePaymentInput,
  type PaymentStatusView,
  type PaymentView,
} from "@warmline/shared";
import { ApiError } from "./errors";
import { request } from "./request";

const accountPath = (accountId: number) => `/api/v1/me/accounts/${encodeURIComponent(String(accountId))}`;

export interface BillList {
  /** oldest season first */
  items: BillView[];
  /** everything owed on these bills now (principal + late fee), fen */
  totalOwedFen: number;
}

/** 账单: every season's bill of one bound account, late fees brought up to today. */
export function listBills(accountId: number): Promise<BillList> {
  return request<BillList>(`${accountPath(accountId)}/bills`);
}

/** 缴费记录: settled payments (online and offline), newest first. */
export async function listPayments(accountId: number): Promise<PaymentView[]> {
  const { items } = await request<{ items: PaymentView[] }>(`${accountPath(accountId)}/payments`);
  return items;
}

/**
 * Starts an online payment. Moves money: never sent twice by the request layer (`noRetry`). The server
 * computes the amount from the bills; the answer is checked before any payment sheet opens.
 */
export async function createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
  const body = await request<unknown>("/api/v1/me/payments", { method: "POST", data: input, noRetry: true });
  const parsed = CreatedPaymentSchema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError({
      code: "BAD_PAYMENT_ORDER",
      status: 0,
      message: "支付订单信息异常，请稍后在缴费记录中查看或重试",
    });
  }
  return parsed.data;
}

/** The payment as the server knows it; only status "paid" means the money arrived. */
export function getPaymentStatus(id: number): Promise<PaymentStatusView> {
  return request<PaymentStatusView>(`/api/v1/me/payments/${encodeURIComponent(String(id))}`);
}
