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
      /** 校验码: empty for 数电 invoices (they have none); kept when a platform sends one */
      checkCode: string;
      /**
       * The QR code's content exactly as the platform built it (Nuonuo's `qrCode`), e.g.
       * "01,32,,<20-digit number>,<价税合计>,<YYYYMMDD>,,<code>" for a 数电普票: field 7 (校验码) is empty
       * and field 8 is a code only the tax platform produces. Null when the platform sent none (yet).
       */
      qrCode: string | null;
      /** where the platform serves the issued documents (版式文件); null when not (yet) given */
      documents: PlatformDocuments;
    }
  | { status: "failed"; serialNo: string; reason: string };

/**
 * The issued invoice's files as the platform offers them (Nuonuo queryInvoiceResult: pdfUrl, ofdUrl,
 * xmlUrl). When both OFD and PDF are given, the OFD is the original voucher (原始凭证) and the PDF a copy.
 */
export interface PlatformDocuments {
  pdfUrl: string | null;
  ofdUrl: string | null;
  xmlUrl: string | null;
}

export const DOCUMENT_KINDS = ["pdf", "ofd"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** A downloaded document, checked: the declared type fits the kind, the bytes start as the kind's files do. */
export interface DownloadedDocument {
  kind: DocumentKind;
  bytes: Buffer;
  /** the Content-Type we keep it under (application/pdf, application/ofd) */
  mime: string;
}

/** The document could not be fetched now (network, timeout, 5xx, 404 while the platform still signs): retry. */
export class DocumentUnavailableError extends Error {}
/**
 * The platform served something that is not the document (wrong Content-Type, wrong magic bytes, empty or
 * too large): it is not stored. Retrying may help (a glitch at the platform) but somebody must look.
 */
export class DocumentRejectedError extends Error {}

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
  /**
   * true when the platform is our own local sandbox (development, tests): its documents are specimens, and
   * only then may the server render a stand-in document itself (marked as a sandbox specimen).
   */
  readonly sandbox: boolean;
  /** submit a blue or red invoice request */
  issue(req: IssueRequest): Promise<IssueAccepted>;
  /** the current result of earlier requests, by our orderNo */
  query(orderNo: string): Promise<IssueResult | null>;
  /** send a finished invoice again, to an e-mail address */
  deliver(serialNo: string, to: { email?: string; phone?: string }): Promise<void>;
  /**
   * download one of an issued invoice's documents from the address the platform gave; checks the type and
   * size (DocumentRejectedError) and maps transient failures to DocumentUnavailableError
   */
  download(url: string, kind: DocumentKind): Promise<DownloadedDocument>;
  /**
   * verify and parse a result callback posted by the platform (raw body + headers); null when it is not a
   * genuine callback (bad signature, foreign app key).
   */
  parseCallback(rawBody: string, headers: Record<string, string | string[] | undefined>): IssueResult | null;
}
