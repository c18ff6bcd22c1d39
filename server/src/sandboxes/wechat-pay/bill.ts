import { fenToYuan } from "@warmline/shared";
import { TRADE_BILL_SUMMARY_COLUMNS } from "../../integrations/wechat-pay/bill";

/** The sandbox's side of WeChat Pay's trade bill: writes it the way WeChat Pay does (format: integrations/wechat-pay/bill.ts). */

export const TRADE_BILL_COLUMNS = [
  "交易时间",
  "公众账号ID",
  "商户号",
  "特约商户号",
  "设备号",
  "微信订单号",
  "商户订单号",
  "用户标识",
  "交易类型",
  "交易状态",
  "付款银行",
  "货币种类",
  "应结订单金额",
  "代金券金额",
  "微信退款单号",
  "商户退款单号",
  "退款金额",
  "充值券退款金额",
  "退款类型",
  "退款状态",
  "商品名称",
  "商户数据包",
  "手续费",
  "费率",
  "订单金额",
  "申请退款金额",
  "费率备注",
] as const;

/** One line of a bill the sandbox writes. */
export interface TradeBillLine {
  at: Date;
  appId: string;
  mchId: string;
  transactionId: string;
  outTradeNo: string;
  openid: string;
  state: "SUCCESS" | "REFUND";
  /** the order amount (SUCCESS lines) */
  totalFen: number;
  /** REFUND lines */
  refundId?: string;
  outRefundNo?: string;
  refundFen?: number;
  description: string;
}

const FEE_RATE = "0.60%";

/** Fee at 0.6% in units of 0.00001 yuan: 1 fen × 0.6% = 0.00006 yuan, exactly 6 units. */
const feeUnits = (fen: number) => fen * 6;
const fee = (units: number) => {
  const sign = units < 0 ? "-" : "";
  const abs = Math.abs(units);
  return `${sign}${Math.floor(abs / 100000)}.${String(abs % 100000).padStart(5, "0")}`;
};

/** Writes a bill the way WeChat Pay formats it. */
export function renderTradeBill(lines: readonly TradeBillLine[]): string {
  const out: string[] = [TRADE_BILL_COLUMNS.join(",")];
  let settled = 0;
  let refunded = 0;
  let fees = 0;
  let ordered = 0;
  for (const l of lines) {
    const refund = l.state === "REFUND" ? (l.refundFen ?? 0) : 0;
    const amount = l.state === "SUCCESS" ? l.totalFen : 0;
    const lineFee = l.state === "SUCCESS" ? feeUnits(amount) : -feeUnits(refund);
    settled += amount;
    refunded += refund;
    fees += lineFee;
    ordered += amount;
    const fields = [
      beijingTime(l.at),
      l.appId,
      l.mchId,
      "0",
      "",
      l.transactionId,
      l.outTradeNo,
      l.openid,
      "JSAPI",
      l.state,
      "OTHERS",
      "CNY",
      fenToYuan(amount),
      "0.00",
      l.state === "REFUND" ? (l.refundId ?? "") : "0",
      l.state === "REFUND" ? (l.outRefundNo ?? "") : "0",
      fenToYuan(refund),
      "0.00",
      l.state === "REFUND" ? "ORIGINAL" : "",
      l.state === "REFUND" ? "SUCCESS" : "",
      l.description.replace(/[,`\r\n]/g, " "),
      "",
      fee(lineFee),
      FEE_RATE,
      fenToYuan(amount),
      fenToYuan(refund),
      "",
    ];
    out.push(fields.map((f) => `\`${f}`).join(","));
  }
  out.push(TRADE_BILL_SUMMARY_COLUMNS.join(","));
  out.push(
    [lines.length, fenToYuan(settled), fenToYuan(refunded), "0.00", fee(fees), fenToYuan(ordered), fenToYuan(refunded)]
      .map((f) => `\`${f}`)
      .join(","),
  );
  return `${out.join("\r\n")}\r\n`;
}

export function beijingTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}
