import { type BillView, formatYuan, roundHalfUp } from "@warmline/shared";
import { formatArea } from "../../utils/format";

export interface BillFormula {
  /** "86.50 m² × ¥21.60/m² = ¥1,868.40" */
  text: string;
  /** area × unit price, rounded half up to the fen (the full season fee) */
  fullFen: number;
}

/**
 * 应缴金额 = 供热面积 × 单价. The area counts in hundredths of m² and the product is rounded half up to the
 * fen once, as the server bills it. A suspended (报停) bill is a base-fee share of this full fee; the
 * share itself is the server's business, the bill's amountFen is what is owed.
 */
export function billFormula(bill: Pick<BillView, "heatedArea" | "unitPriceFen">): BillFormula {
  const areaHundredths = Math.round(bill.heatedArea * 100);
  const fullFen = roundHalfUp(areaHundredths * bill.unitPriceFen, 100);
  return {
    text: `${formatArea(bill.heatedArea)} × ${formatYuan(bill.unitPriceFen)}/m² = ${formatYuan(fullFen)}`,
    fullFen,
  };
}

/** "2026-2027" → "2026-2027 供热季" */
export function seasonTitle(seasonCode: string): string {
  return `${seasonCode} 供热季`;
}
