/**
 * The e-invoice provider, modelled on the Chinese e-invoice platforms' open APIs (Nuonuo's
 * requestBillingNew + queryInvoiceResult, 诺诺开放平台): a request is identified by our own order number,
 * which the platform keeps unique (the same number sent twice is one invoice); the result arrives later,
 * by callback or by polling. Red-letter invoices (红字) name the blue invoice they reverse.
 *
 * All amounts are integer fen; negative on red invoices.
 */
import type { InvoiceItem, InvoiceTitleKind } from "@warmline/shared";

export interface InvoiceParty {
  name: string;
  /** 纳税人识别号; null for individuals */
  taxId: string | null;
  address?: string | null;
  phone?: string | null;
  bankAccount?: string | null;
}

export interface IssueRequest {
  /** our request number (订单号), unique per invoice request; resending it must not issue a second invoice */
  orderNo: string;
  kind: "blue" | "red";
  /** red invoices: the blue invoice reversed */
  original?: { invoiceNo: string; issuedAt: Date } | null;
  buyerKind: InvoiceTitleKind;
  buyer: InvoiceParty;
  seller: InvoiceParty;
  /** 开票人 / 收款人 / 复核人 as printed */
  clerk: string;
  items: InvoiceItem[];
  /** 价税合计 */
  totalFen: number;
  /** delivery of the finished invoice by the platform (SMS / e-mail); either may be empty */
  pushPhone?: string | null;
  pushEmail?: string | null;
  /** where the platform posts the result; null = we poll */
  callbackUrl?: string | null;
  /** 备注 */
  remark?: string | null;
}

/** accepted: the platform will issue it (result later); a repeated orderNo answers accepted with the same serial */
export interface IssueAccepted {
  /** the platform's serial for this request (发票流水号) */
  serialNo: string;
}

export type IssueResult =
  | { status: "pending"; serialNo: string }
  | {
      status: "issued";
      serialNo: string;
      /** 发票号码 (20 digits for 全电发票) */
      invoiceNo: string;
      issuedAt: Date;
      /** 校验码 (verification data printed in the QR code) */
      checkCode: string;
    }
  | { status: "failed"; serialNo: string; reason: string };

/** A transient failure (network, 5xx, rate limit): the caller retries later. */
export class EInvoiceUnavailableError extends Error {}
/** The platform refused the request itself (bad tax id, bad item …): retrying the same request will not help. */
export class EInvoiceRejectedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface EInvoiceProvider {
  readonly name: string;
  /** submit a blue or red invoice request */
  issue(req: IssueRequest): Promise<IssueAccepted>;
  /** the current result of earlier requests, by our orderNo */
  query(orderNo: string): Promise<IssueResult | null>;
  /** send a finished invoice again, to an e-mail address */
  deliver(serialNo: string, to: { email?: string; phone?: string }): Promise<void>;
  /**
   * verify and parse a result callback posted by the platform (raw body + headers); null when it is not a
   * genuine callback (bad signature, foreign app key).
   */
  parseCallback(rawBody: string, headers: Record<string, string | string[] | undefined>): IssueResult | null;
}
