import { describe, expect, it } from "vitest";
import type { Config } from "../../config";
import { AppError } from "../../http/errors";
import { FileKinds, readFileToken } from "../files";
import type { Invoice } from "./entities";
import { INVOICE_FILE_KINDS, INVOICE_PDF, invoiceLink } from "./fileKinds";

const secret = "unit-test-secret-unit-test-secret-0";
const config = { auth: { tokenSecret: secret }, invoices: { fileLinkTtlS: 600 } } as unknown as Config;
const kinds = new FileKinds(INVOICE_FILE_KINDS);

describe("invoice and receipt links", () => {
  it("keep their letters and the .pdf suffix (links already handed out must still open)", () => {
    expect(INVOICE_FILE_KINDS.map((k) => [k.name, k.letter, k.suffix])).toEqual([
      ["invoice", "i", ".pdf"],
      ["invoice-ofd", "o", ".ofd"],
      ["receipt", "r", ".pdf"],
    ]);
  });

  it("an issued invoice with its documents kept gets a link that names it; one not issued yet is INVOICE_NOT_READY", () => {
    const now = Date.now();
    const kept = { id: 12, status: "issued", docStatus: "stored", pdfKey: "invoices/platform/1.pdf" } as Invoice;
    const { url, expiresAt } = invoiceLink(config, kept);
    expect(url).toMatch(/^\/api\/v1\/files\/i\.12\.\d+\.[A-Za-z0-9_-]{43}\.pdf$/);
    expect(Date.parse(expiresAt) - now).toBeGreaterThan(590_000);
    expect(readFileToken(secret, url.split("/").pop() as string, kinds)).toEqual({ kind: INVOICE_PDF, id: 12 });
    for (const status of ["queued", "submitted", "failed"] as const) {
      let code: string | null = null;
      try {
        invoiceLink(config, { id: 12, status } as Invoice);
      } catch (e) {
        code = (e as AppError).code;
      }
      expect(code, status).toBe("INVOICE_NOT_READY");
    }
  });

  it("an issued invoice whose documents are still being fetched gets no link (never a broken one)", () => {
    const code = (f: () => unknown) => {
      try {
        f();
        return null;
      } catch (e) {
        return (e as AppError).code;
      }
    };
    for (const docStatus of ["none", "fetching", "failed"] as const) {
      const inv = { id: 12, status: "issued", docStatus, pdfKey: null, ofdKey: null } as Invoice;
      expect(
        code(() => invoiceLink(config, inv)),
        docStatus,
      ).toBe("INVOICE_DOCUMENT_PENDING");
      expect(
        code(() => invoiceLink(config, inv, "ofd")),
        docStatus,
      ).toBe("INVOICE_DOCUMENT_PENDING");
    }
    // an OFD only when the platform gave one; a sandbox specimen has none
    const both = { id: 7, status: "issued", docStatus: "stored", pdfKey: "a.pdf", ofdKey: "a.ofd" } as Invoice;
    expect(invoiceLink(config, both, "ofd").url).toMatch(/^\/api\/v1\/files\/o\.7\.\d+\.[A-Za-z0-9_-]{43}\.ofd$/);
    const specimen = { id: 8, status: "issued", docStatus: "specimen", pdfKey: "s.pdf", ofdKey: null } as Invoice;
    expect(invoiceLink(config, specimen).url).toMatch(/\/i\.8\./);
    expect(code(() => invoiceLink(config, specimen, "ofd"))).toBe("INVOICE_NOT_FOUND");
  });
});
