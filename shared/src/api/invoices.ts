import { z } from "zod";
import { isValidTaxId } from "../invoice/taxId";

export const INVOICE_TITLE_KINDS = ["personal", "company"] as const;
export type InvoiceTitleKind = (typeof INVOICE_TITLE_KINDS)[number];
export const INVOICE_TITLE_KIND_LABELS: Record<InvoiceTitleKind, string> = {
  personal: "个人",
  company: "单位",
};

/** 发票抬头: 个人 (a name) or 单位 (a name and its 纳税人识别号); an optional e-mail receives the invoice. */
export const InvoiceTitleInputSchema = z
  .object({
    kind: z.enum(INVOICE_TITLE_KINDS, { message: "请选择抬头类型（个人或单位）" }),
    name: z.string().trim().min(2, "抬头名称至少2个字").max(100, "抬头名称不超过100个字"),
    taxId: z
      .string()
      .trim()
      .transform((v) => v.toUpperCase())
      .optional(),
    email: z
      .union([z.literal(""), z.string().trim().email("邮箱格式不正确").max(100)])
      .optional()
      .transform((v) => (v ? v : undefined)),
    isDefault: z.boolean().optional(),
  })
  .superRefine((t, ctx) => {
    if (t.kind === "company") {
      if (!t.taxId) ctx.addIssue({ code: "custom", path: ["taxId"], message: "单位抬头须填写纳税人识别号" });
      else if (!isValidTaxId(t.taxId))
        ctx.addIssue({ code: "custom", path: ["taxId"], message: "纳税人识别号格式或校验位不正确" });
    } else if (t.taxId) {
      ctx.addIssue({ code: "custom", path: ["taxId"], message: "个人抬头不填写纳税人识别号" });
    }
  });
export type InvoiceTitleInput = z.infer<typeof InvoiceTitleInputSchema>;

export const InvoiceTitleSchema = z.object({
  id: z.number().int(),
  kind: z.enum(INVOICE_TITLE_KINDS),
  name: z.string(),
  taxId: z.string().nullable(),
  email: z.string().nullable(),
  isDefault: z.boolean(),
  /** resident: saved by the resident; account: set by staff for the account (hotline, cashier) */
  owner: z.enum(["resident", "account"]),
});
export type InvoiceTitleView = z.infer<typeof InvoiceTitleSchema>;
export const InvoiceTitleListSchema = z.object({ items: z.array(InvoiceTitleSchema) });

export const INVOICE_KINDS = ["blue", "red"] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];
export const INVOICE_KIND_LABELS: Record<InvoiceKind, string> = { blue: "蓝字发票", red: "红字发票" };

/**
 * queued: waiting to be sent to the provider; submitted: the provider accepted it and is issuing;
 * issued: done (number and date known); failed: the provider refused it or every retry failed (staff reissue).
 */
export const INVOICE_STATUSES = ["queued", "submitted", "issued", "failed"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
export const INVOICE_STATUS_LABELS: Record<InvoiceStatus, string> = {
  queued: "排队中",
  submitted: "开具中",
  issued: "已开具",
  failed: "开具失败",
};

/**
 * The issued invoice's documents (版式文件) as we keep them: none (not issued yet); fetching (being
 * downloaded from the platform: 版式文件获取中); stored (the platform's PDF, and OFD when it gave one);
 * specimen (sandbox platform only: a stand-in rendered here, marked 沙箱样张); failed (not obtained after
 * retries; staff may try again).
 */
export const INVOICE_DOC_STATUSES = ["none", "fetching", "stored", "specimen", "failed"] as const;
export type InvoiceDocStatus = (typeof INVOICE_DOC_STATUSES)[number];
export const INVOICE_DOC_STATUS_LABELS: Record<InvoiceDocStatus, string> = {
  none: "—",
  fetching: "版式文件获取中",
  stored: "版式文件已取得",
  specimen: "沙箱样张，非正式发票",
  failed: "版式文件暂未取得",
};

/** 税率: 免税 (exempt), 不征税 (not taxable) or a rate in basis points (900 = 9 %). */
export const TAX_TREATMENTS = ["exempt", "non_taxable", "taxable"] as const;
export type TaxTreatment = (typeof TAX_TREATMENTS)[number];

export const InvoiceItemSchema = z.object({
  /** 项目名称, e.g. "*供热*供暖费" */
  name: z.string(),
  /** 规格型号: the season, e.g. "2026-2027供热季" */
  spec: z.string().nullable(),
  /** 单位 (平方米) — empty when quantity and unit price are not shown (a part payment) */
  unit: z.string().nullable(),
  /** 数量 as printed, e.g. "85.50" (m²) */
  quantity: z.string().nullable(),
  /** 单价 in yuan, tax inclusive (含税), e.g. "24.00"; documents print it without tax */
  unitPrice: z.string().nullable(),
  /** 金额 (tax inclusive, negative on a red invoice) */
  amountFen: z.number().int(),
  taxTreatment: z.enum(TAX_TREATMENTS),
  /** basis points when taxable, else 0 */
  taxRateBp: z.number().int(),
  /** 税额 included in amountFen (0 when exempt / not taxable) */
  taxFen: z.number().int(),
  /** 税收分类编码 */
  taxCode: z.string(),
});
export type InvoiceItem = z.infer<typeof InvoiceItemSchema>;

export const InvoiceSchema = z.object({
  id: z.number().int(),
  kind: z.enum(INVOICE_KINDS),
  status: z.enum(INVOICE_STATUSES),
  paymentOrderId: z.number().int(),
  outTradeNo: z.string(),
  accountId: z.number().int(),
  accountNo: z.string(),
  /** red invoices: the refund and the blue invoice they reverse */
  refundId: z.number().int().nullable(),
  originalInvoiceId: z.number().int().nullable(),
  /** 发票号码 (20 digits, 全电发票) once issued */
  invoiceNo: z.string().nullable(),
  issuedAt: z.string().nullable(),
  buyerKind: z.enum(INVOICE_TITLE_KINDS),
  buyerName: z.string(),
  buyerTaxId: z.string().nullable(),
  pushEmail: z.string().nullable(),
  sellerName: z.string(),
  /** 价税合计 (negative on red invoices) */
  totalFen: z.number().int(),
  taxFen: z.number().int(),
  items: z.array(InvoiceItemSchema),
  failReason: z.string().nullable(),
  attempts: z.number().int(),
  createdAt: z.string(),
  /** blue invoices: red invoices issued against it, summed (≤ 0) */
  reversedFen: z.number().int(),
  /** the documents: a PDF link can be asked for when stored or specimen; an OFD when hasOfd */
  docStatus: z.enum(INVOICE_DOC_STATUSES),
  hasOfd: z.boolean(),
  /** the QR code's content as the platform returned it (null until issued) */
  qrCode: z.string().nullable(),
  /** why the documents could not be obtained yet (staff) */
  docError: z.string().nullable(),
});
export type InvoiceView = z.infer<typeof InvoiceSchema>;
export const InvoiceListSchema = z.object({ items: z.array(InvoiceSchema) });

/** One invoice with the others of the same payment (the blue one and its red ones), newest last. */
export const InvoiceDetailSchema = InvoiceSchema.extend({ related: z.array(InvoiceSchema) });
export type InvoiceDetailView = z.infer<typeof InvoiceDetailSchema>;

export const InvoiceSearchSchema = z.object({
  /** 发票号码, 商户订单号 or 户号 */
  q: z.string().trim().max(64).optional(),
  status: z.enum(INVOICE_STATUSES).optional(),
  kind: z.enum(INVOICE_KINDS).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type InvoiceSearchQuery = z.infer<typeof InvoiceSearchSchema>;
export const InvoicePageSchema = z.object({
  items: z.array(InvoiceSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

/** which document a link is asked for: the PDF (default) or the platform's OFD */
export const InvoiceLinkQuerySchema = z.object({
  kind: z.enum(["pdf", "ofd"], { message: "文件类型应为 pdf 或 ofd" }).default("pdf"),
});

/** A short-lived link to a PDF (invoice or receipt) that needs no Authorization header (browsers, downloadFile). */
export const FileLinkSchema = z.object({ url: z.string(), expiresAt: z.string() });
export type FileLink = z.infer<typeof FileLinkSchema>;

export const SendInvoiceEmailSchema = z.object({
  email: z.string().trim().email("邮箱格式不正确").max(100),
});

export const ReissueInvoiceSchema = z.object({
  reason: z.string().trim().min(4, "请填写重开原因（至少4个字）").max(200),
  /** optionally correct the buyer before reissuing (e.g. a wrong tax id was the cause) */
  title: InvoiceTitleInputSchema.optional(),
});
export type ReissueInvoiceInput = z.infer<typeof ReissueInvoiceSchema>;
