import { describe, expect, it } from "vitest";
import {
  buyerText,
  checkInvoiceEmail,
  invoiceKindLabel,
  invoiceStatusClass,
  invoiceStatusLabel,
  isIssuing,
  nextRefreshDelay,
  otherInvoices,
  quantityText,
  signedYuan,
  taxRateText,
  recheckInvoiceEmail,
} from "./present";

describe("invoice presentation", () => {
  it("shows queued and submitted as one state, 开具中, and the shared labels otherwise", () => {
    expect(isIssuing("queued")).toBe(true);
    expect(isIssuing("submitted")).toBe(true);
    expect(isIssuing("issued")).toBe(false);
    expect(invoiceStatusLabel("queued")).toBe("开具中");
    expect(invoiceStatusLabel("submitted")).toBe("开具中");
    expect(invoiceStatusLabel("issued")).toBe("已开具");
    expect(invoiceStatusLabel("failed")).toBe("开具失败");
    expect(invoiceStatusClass("submitted")).toBe("status-invoice-issuing");
    expect(invoiceStatusClass("issued")).toBe("status-invoice-issued");
  });

  it("labels blue and red invoices and puts the minus sign before the yuan sign", () => {
    expect(invoiceKindLabel("blue")).toBe("蓝字发票");
    expect(invoiceKindLabel("red")).toBe("红字发票");
    expect(signedYuan(186_840)).toBe("¥1,868.40");
    expect(signedYuan(-186_840)).toBe("-¥1,868.40");
    expect(signedYuan(0)).toBe("¥0.00");
  });

  it("prints the buyer, tax rate and quantity as on the invoice", () => {
    expect(buyerText({ buyerKind: "company", buyerName: "民乐县供销社" })).toBe("单位 · 民乐县供销社");
    expect(buyerText({ buyerKind: "personal", buyerName: "王建国" })).toBe("个人 · 王建国");
    expect(taxRateText({ taxTreatment: "taxable", taxRateBp: 900 })).toBe("9%");
    expect(taxRateText({ taxTreatment: "taxable", taxRateBp: 150 })).toBe("1.5%");
    expect(taxRateText({ taxTreatment: "exempt", taxRateBp: 0 })).toBe("免税");
    expect(taxRateText({ taxTreatment: "non_taxable", taxRateBp: 0 })).toBe("不征税");
    expect(quantityText({ quantity: "85.50", unit: "平方米", unitPrice: "24.00" })).toBe("85.50 平方米 × ¥24.00");
    expect(quantityText({ quantity: null, unit: null, unitPrice: null })).toBe("");
  });

  it("lists the other invoices of the payment", () => {
    const self = { id: 2, related: [{ id: 1 }, { id: 2 }, { id: 3 }] };
    expect(otherInvoices(self).map((i) => i.id)).toEqual([1, 3]);
  });

  it("asks every 3 s for a minute, then every 10 s", () => {
    expect(nextRefreshDelay(0)).toBe(3000);
    expect(nextRefreshDelay(59_999)).toBe(3000);
    expect(nextRefreshDelay(60_000)).toBe(10_000);
  });
});

describe("the e-mail form", () => {
  it("checks the address like the server and trims it", () => {
    expect(checkInvoiceEmail(" fp@example.cn ")).toEqual({ email: "fp@example.cn" });
    expect(checkInvoiceEmail("fp@")).toEqual({ message: "邮箱格式不正确" });
  });

  it("the message goes as soon as the address is valid; nothing is said before the first 发送", () => {
    expect(recheckInvoiceEmail("邮箱格式不正确", "fp@example")).toBe("邮箱格式不正确");
    expect(recheckInvoiceEmail("邮箱格式不正确", "fp@example.cn")).toBe("");
    expect(recheckInvoiceEmail("发送失败，请稍后再试", "fp@example.cn")).toBe("");
    expect(recheckInvoiceEmail("", "fp@")).toBe("");
  });
});

describe("the platform's documents", () => {
  it("an issued invoice opens only once its documents are kept; meanwhile 版式文件获取中 and a refresh", async () => {
    const { canOpenDocument, invoiceDocState, needsRefresh } = await import("./present");
    const issued = (docStatus: "none" | "fetching" | "stored" | "specimen" | "failed") =>
      ({ status: "issued", docStatus }) as const;
    expect(invoiceDocState(issued("fetching"))).toBe("fetching");
    expect(invoiceDocState(issued("none"))).toBe("fetching");
    expect(canOpenDocument(issued("fetching"))).toBe(false);
    expect(needsRefresh(issued("fetching"))).toBe(true);
    expect(canOpenDocument(issued("stored"))).toBe(true);
    expect(needsRefresh(issued("stored"))).toBe(false);
    expect(invoiceDocState(issued("specimen"))).toBe("specimen");
    expect(canOpenDocument(issued("specimen"))).toBe(true);
    expect(canOpenDocument(issued("failed"))).toBe(false);
    expect(needsRefresh(issued("failed"))).toBe(false);
    expect(invoiceDocState({ status: "submitted", docStatus: "none" })).toBe("none");
    expect(needsRefresh({ status: "submitted", docStatus: "none" })).toBe(true);
  });
});
