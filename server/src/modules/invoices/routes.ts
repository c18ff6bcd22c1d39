import type Router from "@koa/router";
import {
  FileLinkSchema,
  IdParamSchema,
  INVOICE_DESK_ROLES,
  INVOICE_REISSUE_ROLES,
  INVOICE_TITLE_ROLES,
  InvoiceDetailSchema,
  InvoiceListSchema,
  InvoicePageSchema,
  InvoiceSchema,
  InvoiceSearchSchema,
  InvoiceTitleInputSchema,
  InvoiceTitleListSchema,
  InvoiceTitleSchema,
  PAYMENT_DESK_ROLES,
  ReissueInvoiceSchema,
  SendInvoiceEmailSchema,
} from "@warmline/shared";
import type { Context } from "koa";
import { z } from "zod";
import type { Deps } from "../../deps";
import { residentId, staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { route } from "../../http/route";
import { logger } from "../../lib/logger";
import { getBoundAccount, HeatingAccount } from "../accounts";
import { audit } from "../audit";
import { photoFile } from "../tickets";
import { invoicePdf, receiptPdf } from "./documents";
import { applyCallback } from "./issuance";
import { fileLink, readFileToken } from "./links";
import {
  accountInvoices,
  emailInvoice,
  invoiceDetail,
  presentInvoices,
  reissueInvoice,
  residentInvoice,
  searchInvoices,
  staffInvoice,
} from "./service";
import { createTitle, deleteTitle, listTitles, presentTitle, updateTitle } from "./titles";

const TitleIdParams = z.object({
  id: z.coerce.number().int().positive({ message: "编号无效" }),
  titleId: z.coerce.number().int().positive({ message: "编号无效" }),
});
const TitleQuery = z.object({ accountId: z.coerce.number().int().positive().optional() });

async function existingAccount(deps: Deps, id: number) {
  if (!(await deps.ds.getRepository(HeatingAccount).existsBy({ id }))) throw new AppError("ACCOUNT_NOT_FOUND");
}

export function invoiceRoutes(deps: Deps) {
  const { ds, config } = deps;
  const link = (kind: "invoice" | "receipt", id: number) =>
    fileLink(config.auth.tokenSecret, { kind, id }, config.invoices.fileLinkTtlS);
  return [
    // --- resident: titles ---
    route({
      method: "get",
      path: "/me/invoice-titles",
      summary: "我的发票抬头（带 accountId 时含工作人员为该户保存的抬头）",
      tags: ["resident"],
      auth: "resident",
      query: TitleQuery,
      response: InvoiceTitleListSchema,
      errors: [404],
      async handler({ query }, ctx) {
        const rid = residentId(ctx);
        const own = await listTitles(ds, { residentUserId: rid });
        let forAccount: typeof own = [];
        if (query.accountId) {
          await getBoundAccount(deps, rid, query.accountId);
          forAccount = await listTitles(ds, { accountId: query.accountId });
        }
        return { items: [...own, ...forAccount].map(presentTitle) };
      },
    }),
    route({
      method: "post",
      path: "/me/invoice-titles",
      summary: "新增发票抬头",
      tags: ["resident"],
      auth: "resident",
      body: InvoiceTitleInputSchema,
      response: InvoiceTitleSchema,
      status: 201,
      errors: [400, 409],
      async handler({ body }, ctx) {
        return presentTitle(await createTitle(ds, { residentUserId: residentId(ctx) }, body));
      },
    }),
    route({
      method: "put",
      path: "/me/invoice-titles/:id",
      summary: "修改发票抬头",
      tags: ["resident"],
      auth: "resident",
      params: IdParamSchema,
      body: InvoiceTitleInputSchema,
      response: InvoiceTitleSchema,
      errors: [400, 404],
      async handler({ params, body }, ctx) {
        return presentTitle(await updateTitle(ds, { residentUserId: residentId(ctx) }, params.id, body));
      },
    }),
    route({
      method: "delete",
      path: "/me/invoice-titles/:id",
      summary: "删除发票抬头",
      tags: ["resident"],
      auth: "resident",
      params: IdParamSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await deleteTitle(ds, { residentUserId: residentId(ctx) }, params.id);
      },
    }),
    // --- resident: invoices ---
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
        await getBoundAccount(deps, residentId(ctx), params.id);
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
        return invoiceDetail(ds, await residentInvoice(deps, residentId(ctx), params.id));
      },
    }),
    route({
      method: "post",
      path: "/me/invoices/:id/link",
      summary: "发票 PDF 的临时链接（无需登录头，用于打开与下载）",
      tags: ["resident"],
      auth: "resident",
      params: IdParamSchema,
      response: FileLinkSchema,
      errors: [404, 409],
      async handler({ params }, ctx) {
        const inv = await residentInvoice(deps, residentId(ctx), params.id);
        if (inv.status !== "issued") throw new AppError("INVOICE_NOT_READY");
        return link("invoice", inv.id);
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
        await emailInvoice(deps, await residentInvoice(deps, residentId(ctx), params.id), body.email);
      },
    }),
    // --- staff ---
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
      async handler({ params }) {
        return invoiceDetail(ds, await staffInvoice(ds, params.id));
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
        const inv = await reissueInvoice(deps, ctx, params.id, body);
        return (await presentInvoices(ds, [inv]))[0];
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
      response: FileLinkSchema,
      errors: [404, 409],
      async handler({ params }) {
        const inv = await staffInvoice(ds, params.id);
        if (inv.status !== "issued") throw new AppError("INVOICE_NOT_READY");
        return link("invoice", inv.id);
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
      async handler({ params }) {
        await existingAccount(deps, params.id);
        return { items: await accountInvoices(ds, params.id) };
      },
    }),
    route({
      method: "get",
      path: "/staff/accounts/:id/invoice-titles",
      summary: "为该户保存的发票抬头",
      tags: ["invoices"],
      auth: "staff",
      params: IdParamSchema,
      response: InvoiceTitleListSchema,
      errors: [404],
      async handler({ params }) {
        await existingAccount(deps, params.id);
        return { items: (await listTitles(ds, { accountId: params.id })).map(presentTitle) };
      },
    }),
    route({
      method: "post",
      path: "/staff/accounts/:id/invoice-titles",
      summary: "为来电或窗口缴费的居民保存发票抬头",
      tags: ["invoices"],
      auth: "staff",
      roles: INVOICE_TITLE_ROLES,
      params: IdParamSchema,
      body: InvoiceTitleInputSchema,
      response: InvoiceTitleSchema,
      status: 201,
      errors: [400, 404, 409],
      async handler({ params, body }, ctx) {
        await existingAccount(deps, params.id);
        const t = await createTitle(ds, { accountId: params.id }, body, staffAuth(ctx).id);
        await audit(ds, ctx, {
          action: "invoice_title.create",
          targetType: "heating_account",
          targetId: params.id,
          details: { titleId: t.id, kind: t.kind },
        });
        return presentTitle(t);
      },
    }),
    route({
      method: "delete",
      path: "/staff/accounts/:id/invoice-titles/:titleId",
      summary: "删除为该户保存的发票抬头",
      tags: ["invoices"],
      auth: "staff",
      roles: INVOICE_TITLE_ROLES,
      params: TitleIdParams,
      errors: [404],
      async handler({ params }, ctx) {
        await deleteTitle(ds, { accountId: params.id }, params.titleId);
        await audit(ds, ctx, {
          action: "invoice_title.delete",
          targetType: "heating_account",
          targetId: params.id,
          details: { titleId: params.titleId },
        });
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
        return link("receipt", params.id);
      },
    }),
  ];
}

/**
 * Routes outside the JSON API: the signed PDF links (no Authorization header) and the platform's result
 * callback (raw body, verified by the provider).
 */
export function mountInvoiceFileRoutes(router: Router, deps: Deps) {
  router.get("/api/v1/files/:token", async (ctx: Context) => {
    const ref = readFileToken(deps.config.auth.tokenSecret, String(ctx.params.token));
    if (ref.kind === "photo") {
      const { bytes, mime } = await photoFile(deps, ref.id);
      ctx.type = mime;
      ctx.set("Content-Disposition", "inline");
      ctx.set("Cache-Control", "private, max-age=300");
      ctx.set("Content-Security-Policy", "default-src 'none'; sandbox");
      ctx.body = bytes;
      return;
    }
    const { pdf, name } =
      ref.kind === "invoice" ? await invoicePdf(deps, ref.id) : await receiptPdf(deps.ds, deps.config, ref.id);
    ctx.type = "application/pdf";
    ctx.set("Content-Disposition", `inline; filename="${name}"`);
    ctx.set("Cache-Control", "private, max-age=300");
    ctx.body = pdf;
  });
  router.post("/api/v1/notify/einvoice", async (ctx: Context) => {
    const raw = (ctx.request.rawBody ?? Buffer.alloc(0)).toString("utf8");
    const result = deps.einvoice.parseCallback(raw, ctx.headers);
    if (!result) {
      logger.warn({ len: raw.length }, "e-invoice callback refused");
      ctx.status = 400;
      ctx.body = { code: "E9999", describe: "验签失败" };
      return;
    }
    let orderNo: string | null = null;
    try {
      orderNo = String((JSON.parse(raw) as { orderNo?: unknown }).orderNo ?? "");
    } catch {
      orderNo = null;
    }
    const known = orderNo ? await applyCallback(deps, orderNo, result) : false;
    ctx.status = 200;
    ctx.body = { code: known ? "E0000" : "E0001", describe: known ? "成功" : "订单号不存在" };
  });
}
