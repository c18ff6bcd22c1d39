import {
  FileLinkSchema,
  IdParamSchema,
  InvoiceDetailSchema,
  InvoiceLinkQuerySchema,
  InvoiceListSchema,
  SendInvoiceEmailSchema,
} from "@warmline/shared";
import type { Deps } from "../../deps";
import { route } from "../../http/route";
import { invoiceLink } from "./fileKinds";
import { accountInvoices, emailInvoice, invoiceDetail, readableInvoice } from "./service";

/** A resident's invoices: only of accounts actively bound to them (else 404, like a missing one). */
export function residentInvoiceRoutes(deps: Deps) {
  const { ds, access, config } = deps;
  return [
    route({
      method: "get",
      path: "/me/accounts/:id/invoices",
      summary: "电子发票（蓝字与红字）",
      tags: ["resident"],
      auth: "resident",
      params: IdParamSchema,
      response: InvoiceListSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await access.require(ctx.state.auth, "account.read", params.id);
        return { items: await accountInvoices(ds, params.id) };
      },
    }),
    route({
      method: "get",
      path: "/me/invoices/:id",
      summary: "发票详情",
      tags: ["resident"],
      auth: "resident",
      params: IdParamSchema,
      response: InvoiceDetailSchema,
      errors: [404],
      async handler({ params }, ctx) {
        return invoiceDetail(ds, await readableInvoice(deps, ctx.state.auth, params.id));
      },
    }),
    route({
      method: "post",
      path: "/me/invoices/:id/link",
      summary: "发票 PDF 的临时链接（无需登录头，用于打开与下载）",
      tags: ["resident"],
      auth: "resident",
      params: IdParamSchema,
      query: InvoiceLinkQuerySchema,
      response: FileLinkSchema,
      errors: [404, 409],
      async handler({ params, query }, ctx) {
        return invoiceLink(config, await readableInvoice(deps, ctx.state.auth, params.id), query.kind);
      },
    }),
    route({
      method: "post",
      path: "/me/invoices/:id/email",
      summary: "发送发票到邮箱",
      tags: ["resident"],
      auth: "resident",
      params: IdParamSchema,
      body: SendInvoiceEmailSchema,
      errors: [400, 404, 409, 502],
      async handler({ params, body }, ctx) {
        await emailInvoice(deps, await readableInvoice(deps, ctx.state.auth, params.id), body.email);
      },
    }),
  ];
}
