import type { InvoiceTitleView } from "@warmline/shared";
import { beforeEach, describe, expect, it, vi } from "vitest";

const api = vi.hoisted(() => ({ request: vi.fn() }));
vi.mock("./request", () => ({ request: api.request }));

import { ApiError } from "./errors";
import {
  createInvoiceTitle,
  deleteInvoiceTitle,
  getInvoice,
  getInvoiceLink,
  listInvoices,
  listInvoiceTitles,
  sendInvoiceEmail,
  titleInput,
  updateInvoiceTitle,
} from "./invoices";

const TITLE: InvoiceTitleView = {
  id: 4,
  kind: "company",
  name: "民乐县供销合作社",
  taxId: "91350100M000100Y43",
  email: null,
  isDefault: false,
  owner: "resident",
};

beforeEach(() => {
  api.request.mockReset();
});

describe("invoice titles", () => {
  it("lists the resident's titles, and with an account also the account's", async () => {
    api.request.mockResolvedValue({ items: [TITLE] });
    await expect(listInvoiceTitles()).resolves.toEqual([TITLE]);
    await listInvoiceTitles(3);
    expect(api.request.mock.calls.map((c) => c[0])).toEqual([
      "/api/v1/me/invoice-titles",
      "/api/v1/me/invoice-titles?accountId=3",
    ]);
  });

  it("creates, replaces and deletes with the title's id in the path", async () => {
    api.request.mockResolvedValue(TITLE);
    const input = { kind: "personal" as const, name: "王建国", email: undefined };
    await createInvoiceTitle(input);
    await updateInvoiceTitle(4, titleInput(TITLE, { isDefault: true }));
    api.request.mockResolvedValue(undefined);
    await expect(deleteInvoiceTitle(4)).resolves.toBeUndefined();
    expect(api.request.mock.calls).toEqual([
      ["/api/v1/me/invoice-titles", { method: "POST", data: input }],
      [
        "/api/v1/me/invoice-titles/4",
        {
          method: "PUT",
          data: {
            kind: "company",
            name: "民乐县供销合作社",
            taxId: "91350100M000100Y43",
            email: undefined,
            isDefault: true,
          },
        },
      ],
      ["/api/v1/me/invoice-titles/4", { method: "DELETE" }],
    ]);
  });
});

describe("invoices", () => {
  it("reads an account's invoices and one invoice", async () => {
    api.request.mockResolvedValue({ items: [] });
    await expect(listInvoices(3)).resolves.toEqual([]);
    api.request.mockResolvedValue({ id: 9, related: [] });
    await getInvoice(9);
    expect(api.request.mock.calls.map((c) => c[0])).toEqual([
      "/api/v1/me/accounts/3/invoices",
      "/api/v1/me/invoices/9",
    ]);
  });

  it("asks for a file link by POST and checks the answer", async () => {
    const link = { url: "/api/v1/files/abc.pdf?sig=1", expiresAt: "2026-11-20T02:10:00.000Z" };
    api.request.mockResolvedValue(link);
    await expect(getInvoiceLink(9)).resolves.toEqual(link);
    expect(api.request).toHaveBeenCalledWith("/api/v1/me/invoices/9/link", { method: "POST" });
    api.request.mockResolvedValue({ url: "", expiresAt: "x" });
    await expect(getInvoiceLink(9)).rejects.toBeInstanceOf(ApiError);
  });

  it("passes INVOICE_NOT_READY on", async () => {
    const refused = new ApiError({ code: "INVOICE_NOT_READY", status: 409, message: "发票尚未开具完成，请稍后再试" });
    api.request.mockRejectedValue(refused);
    await expect(getInvoiceLink(9)).rejects.toBe(refused);
  });

  it("sends the invoice to an e-mail address", async () => {
    api.request.mockResolvedValue(undefined);
    await sendInvoiceEmail(9, "fp@example.cn");
    expect(api.request).toHaveBeenCalledWith("/api/v1/me/invoices/9/email", {
      method: "POST",
      data: { email: "fp@example.cn" },
    });
  });
});
