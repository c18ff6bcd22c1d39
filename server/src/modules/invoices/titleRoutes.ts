import {
  IdParamSchema,
  INVOICE_TITLE_ROLES,
  InvoiceTitleInputSchema,
  InvoiceTitleListSchema,
  InvoiceTitleSchema,
} from "@warmline/shared";
import { z } from "zod";
import type { Deps } from "../../deps";
import { residentId, staffAuth } from "../../http/auth";
import { route } from "../../http/route";
import { audit } from "../audit";
import { createTitle, deleteTitle, listTitles, presentTitle, updateTitle } from "./titles";

const TitleIdParams = z.object({
  id: z.coerce.number().int().positive({ message: "编号无效" }),
  titleId: z.coerce.number().int().positive({ message: "编号无效" }),
});
const TitleQuery = z.object({ accountId: z.coerce.number().int().positive().optional() });

/** Invoice titles for residents and for staff. */
export function titleRoutes(deps: Deps) {
  return [...residentTitleRoutes(deps), ...staffTitleRoutes(deps)];
}

/** A resident's own titles (and, read-only, those staff saved for one of their accounts). */
function residentTitleRoutes(deps: Deps) {
  const { ds, access } = deps;
  return [
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
        const own = await listTitles(ds, { residentUserId: residentId(ctx) });
        let forAccount: typeof own = [];
        if (query.accountId) {
          await access.require(ctx.state.auth, "account.read", query.accountId);
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
  ];
}

/** Titles staff keep for an account (a caller or a window payer), audited. */
function staffTitleRoutes(deps: Deps) {
  const { ds, access } = deps;
  return [
    route({
      method: "get",
      path: "/staff/accounts/:id/invoice-titles",
      summary: "为该户保存的发票抬头",
      tags: ["invoices"],
      auth: "staff",
      params: IdParamSchema,
      response: InvoiceTitleListSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await access.require(ctx.state.auth, "account.read", params.id);
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
        await access.require(ctx.state.auth, "account.read", params.id);
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
        // a title of another (or no) account is INVOICE_TITLE_NOT_FOUND, as before
        await deleteTitle(ds, { accountId: params.id }, params.titleId);
        await audit(ds, ctx, {
          action: "invoice_title.delete",
          targetType: "heating_account",
          targetId: params.id,
          details: { titleId: params.titleId },
        });
      },
    }),
  ];
}
