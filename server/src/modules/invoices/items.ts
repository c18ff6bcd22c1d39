import { fenToYuan, type InvoiceItem, roundHalfUp } from "@warmline/shared";
import type { TaxRule } from "../../config";

/** What one bill contributes to an invoice: principal and late fee paid (blue) or given back (red). */
export interface InvoiceBillLine {
  seasonCode: string;
  /** hundredths of m² */
  heatedArea: number;
  unitPriceFen: number;
  billAmountFen: number;
  suspended: boolean;
  principalFen: number;
  lateFeeFen: number;
}

export const ITEM_HEATING = "*供热*供暖费";
export const ITEM_LATE_FEE = "*供热*供暖费滞纳金";

const EXEMPT: TaxRule = { treatment: "exempt" };

/** 税额 included in a tax-inclusive amount: amount × r / (1 + r), rounded half up (sign kept). */
export function includedTax(amountFen: number, rule: TaxRule): number {
  if (rule.treatment !== "taxable") return 0;
  const abs = roundHalfUp(Math.abs(amountFen) * rule.rateBp, 10_000 + rule.rateBp);
  return amountFen < 0 ? -abs : abs;
}

/**
 * 单价 as printed on the document: without tax, like 金额 (6 decimals at most, trailing zeros dropped);
 * the price itself when no tax applies.
 */
export function unitPriceExTax(unitPriceFen: number, rule: TaxRule): string {
  if (rule.treatment !== "taxable") return fenToYuan(unitPriceFen);
  // yuan × 10^6, rounded half up
  const micro = roundHalfUp(unitPriceFen * 10_000 * 10_000, 10_000 + rule.rateBp);
  const whole = Math.floor(micro / 1_000_000);
  const frac = String(micro % 1_000_000)
    .padStart(6, "0")
    .replace(/0+$/, "");
  return frac.length >= 2 ? `${whole}.${frac}` : `${whole}.${frac.padEnd(2, "0")}`;
}

function item(name: string, spec: string, amountFen: number, rule: TaxRule, taxCode: string): InvoiceItem {
  return {
    name,
    spec,
    unit: null,
    quantity: null,
    unitPrice: null,
    amountFen,
    taxTreatment: rule.treatment,
    taxRateBp: rule.treatment === "taxable" ? rule.rateBp : 0,
    taxFen: includedTax(amountFen, rule),
    taxCode,
  };
}

/**
 * The invoice lines for money applied to (sign 1) or taken back from (sign -1) bills: per bill one 供暖费
 * line and, when there is one, a 滞纳金 line. Area and unit price are printed only when the line is the whole
 * bill of an unsuspended account (area × price = amount); a part payment shows the amount alone, as the
 * tax rules allow, rather than a quantity that does not multiply out.
 */
export function invoiceItems(
  lines: InvoiceBillLine[],
  opts: { rule?: TaxRule; taxCode: string; sign: 1 | -1 },
): InvoiceItem[] {
  const rule = opts.rule ?? EXEMPT;
  const out: InvoiceItem[] = [];
  for (const l of lines) {
    const spec = `${l.seasonCode}供热季`;
    if (l.principalFen > 0) {
      const it = item(ITEM_HEATING, spec, opts.sign * l.principalFen, rule, opts.taxCode);
      if (l.principalFen === l.billAmountFen && !l.suspended) {
        it.unit = "平方米";
        it.quantity = (opts.sign < 0 ? "-" : "") + fenToYuan(l.heatedArea);
        // tax inclusive, as sent to the platform (含税标志 1); the document prints it without tax
        it.unitPrice = fenToYuan(l.unitPriceFen);
      }
      out.push(it);
    }
    if (l.lateFeeFen > 0) out.push(item(ITEM_LATE_FEE, spec, opts.sign * l.lateFeeFen, rule, opts.taxCode));
  }
  return out;
}

export function totals(items: InvoiceItem[]): { totalFen: number; taxFen: number } {
  return {
    totalFen: items.reduce((s, i) => s + i.amountFen, 0),
    taxFen: items.reduce((s, i) => s + i.taxFen, 0),
  };
}

/** 备注 of an invoice (on the platform's copy and our PDF alike): the account number and address. */
export function invoiceRemark(account: { accountNo: string; address: string }): string {
  return `户号：${account.accountNo}  地址：${account.address}`;
}
