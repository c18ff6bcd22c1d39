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
      ["receipt", "r", ".pdf"],
    ]);
  });

  it("an issued invoice gets a link that names it; one not issued yet is INVOICE_NOT_READY", () => {
    const now = Date.now();
    const { url, expiresAt } = invoiceLink(config, { id: 12, status: "issued" } as Invoice);
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
});
