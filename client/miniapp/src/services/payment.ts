import type { CreatedPayment } from "@warmline/shared";

export type OnlineVendor = CreatedPayment["vendor"];

/**
 * What the client saw of the payment sheet. None of these means the money arrived: the result page
 * asks the server, and only its status "paid" is success.
 */
export type PayOutcome =
  /** the vendor's sheet closed after the resident went through it (or the outcome is unknown) */
  | { kind: "submitted" }
  /** the resident closed the sheet without paying */
  | { kind: "cancelled" }
  /** the sheet could not take the payment */
  | { kind: "failed"; message: string }
  /** H5: the browser is on its way to the cashier page, which comes back to the result page */
  | { kind: "redirected" };

/**
 * How this platform pays an order created by POST /me/payments. The build picks payment.weapp.ts,
 * payment.alipay.ts or payment.h5.ts for `import "./payment"`; this file is the shared type and the
 * fallback. Only types may be shared from here: the build replaces this whole module per platform.
 */
export interface PlatformPayment {
  /** payment methods offered here, in display order */
  readonly vendors: readonly OnlineVendor[];
  pay(order: CreatedPayment): Promise<PayOutcome>;
}

export const platformPayment: PlatformPayment = {
  vendors: [],
  pay: () => Promise.resolve({ kind: "failed", message: "当前平台暂不支持在线缴费" }),
};
