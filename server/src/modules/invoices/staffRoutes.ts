import {
  FileLinkSchema,
  IdParamSchema,
  INVOICE_DESK_ROLES,
  INVOICE_REISSUE_ROLES,
  InvoiceDetailSchema,
  InvoiceLinkQuerySchema,
  InvoiceListSchema,
  InvoicePageSchema,
  InvoiceSchema,
  InvoiceSearchSchema,
  PAYMENT_DESK_ROLES,
  ReissueInvoiceSchema,
} from "@warmline/shared";
import type { Deps } from "../../deps";
import { route } from "../../http/route";
import { linkFor } from "../files";
import { receiptPdf } from "./documents";
import { invoiceLink, RECEIPT_PDF } from "./fileKinds";
import { refetchInvoiceDocuments } from "./platformDocuments";
import {
  accountInvoices,
  getInvoice,
  invoiceDetail,
  presentInvoices,
  readableInvoice,
  reissueInvoice,
  searchInvoices,
} from "./service";

/** The invoice desk: search, detail, reissue, print; and the receipt of an offline payment. */
export function staffInvoiceRoutes(deps: Deps) {
  const { ds, access, config } = deps;
  return [
    route({
      method: "get",
      path: "/staff/invoices",
      summary: "发票查询",
      tags: ["invoices"],
      auth: "staff",
      roles: INVOICE_DESK_ROLES,
      query: InvoiceSearchSchema,
      response: InvoicePageSchema,
      async handler({ query }) {
        return searchInvoices(ds, query);
      },
    }),
    route({
      method: "get",
      path: "/staff/invoices/:id",
      summary: "发票详情（含红字记录）",
      tags: ["invoices"],
      auth: "staff",
      roles: INVOICE_DESK_ROLES,
      params: IdParamSchema,
      response: InvoiceDetailSchema,
      errors: [404],
      async handler({ params }, ctx) {
        return invoiceDetail(ds, await readableInvoice(deps, ctx.state.auth, params.id));
      },
    }),
    route({
      method: "post",
      path: "/staff/invoices/:id/reissue",
      summary: "重新开具开具失败的发票",
      tags: ["invoices"],
      auth: "staff",
      roles: INVOICE_REISSUE_ROLES,
      params: IdParamSchema,
      body: ReissueInvoiceSchema,
      response: InvoiceSchema,
      errors: [400, 404, 409, 502],
      async handler({ params, body }, ctx) {
        await access.require(ctx.state.auth, "invoice.read", params.id);
        const inv = await reissueInvoice(deps, ctx, params.id, body);
        return (await presentInvoices(ds, [inv]))[0];
      },
    }),
    route({
      method: "post",
      path: "/staff/invoices/:id/refetch-documents",
      summary: "重新获取开票平台的版式文件（PDF/OFD）",
      tags: ["invoices"],
      auth: "staff",
      roles: INVOICE_REISSUE_ROLES,
      params: IdParamSchema,
      response: InvoiceSchema,
      errors: [404, 409],
      async handler({ params }, ctx) {
        const inv = await readableInvoice(deps, ctx.state.auth, params.id);
        await refetchInvoiceDocuments(deps, ctx, inv);
        return (await presentInvoices(ds, [await getInvoice(ds, inv.id)]))[0];
      },
    }),
    route({
      method: "post",
      path: "/staff/invoices/:id/link",
      summary: "发票 PDF 的临时链接（打印）",
      tags: ["invoices"],
      auth: "staff",
      roles: INVOICE_DESK_ROLES,
      params: IdParamSchema,
      query: InvoiceLinkQuerySchema,
      response: FileLinkSchema,
      errors: [404, 409],
      async handler({ params, query }, ctx) {
        return invoiceLink(config, await readableInvoice(deps, ctx.state.auth, params.id), query.kind);
      },
    }),
    route({
      method: "get",
      path: "/staff/accounts/:id/invoices",
      summary: "账户的电子发票",
      tags: ["invoices"],
      auth: "staff",
      params: IdParamSchema,
      response: InvoiceListSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await access.require(ctx.state.auth, "account.read", params.id);
        return { items: await accountInvoices(ds, params.id) };
      },
    }),
    route({
      method: "post",
      path: "/staff/payments/:id/receipt-link",
      summary: "线下缴费收据 PDF 的临时链接（打印）",
      tags: ["payments"],
      auth: "staff",
      roles: [...new Set([...PAYMENT_DESK_ROLES, "grid_worker" as const])],
      params: IdParamSchema,
      response: FileLinkSchema,
      errors: [404, 409],
      async handler({ params }) {
        await receiptPdf(ds, config, params.id); // 404 / 409 now rather than when the link is opened
        return linkFor(config, RECEIPT_PDF, params.id);
      },
    }),
  ];
}
