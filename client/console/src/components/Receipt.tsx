import {
  ALLOCATION_RULE,
  PAYMENT_CHANNEL_LABELS,
  type StaffAccount,
  fenToCapitals,
  formatYuan,
} from "@warmline/shared";
import type { PaymentView } from "../api/billing";
import { formatDateTime, orEmpty } from "../format";
import "./receipt.css";

interface Props {
  payment: PaymentView;
  account: StaffAccount;
  /** who took the money (the signed-in staff member) */
  cashierName: string;
}

/**
 * 收款收据 of a counter or 代缴 payment. Plain markup so that it prints the same everywhere; the print
 * stylesheet (receipt.css) prints this element alone.
 */
export function Receipt({ payment: p, account: a, cashierName }: Props) {
  const fields: [string, string][] = [
    ["户号", a.accountNo],
    ["户主", orEmpty(a.ownerNameMasked)],
    ["地址", a.address],
    ["收费方式", PAYMENT_CHANNEL_LABELS[p.channel] ?? p.channel],
    ["收据号", orEmpty(p.receiptNo)],
    ["订单号", p.outTradeNo],
    ["收款时间", formatDateTime(p.paidAt ?? p.createdAt)],
    ["收款人", cashierName],
  ];
  const totalPrincipal = p.allocations.reduce((s, x) => s + x.principalFen, 0);
  const totalLateFee = p.allocations.reduce((s, x) => s + x.lateFeeFen, 0);

  return (
    <section className="receipt" aria-label="收款收据">
      <header className="receipt-head">
        <div className="receipt-issuer">{p.payee}</div>
        <div className="receipt-title">供热费收款收据</div>
      </header>
      <div className="receipt-amount">
        <span className="receipt-label">金额（小写）</span>
        <strong data-testid="receipt-amount">{formatYuan(p.amountFen)}</strong>
      </div>
      <div className="receipt-amount receipt-capitals">
        <span className="receipt-label">金额（大写）</span>
        <strong data-testid="receipt-capitals">{fenToCapitals(p.amountFen)}</strong>
      </div>
      <dl className="receipt-fields">
        {fields.map(([label, value]) => (
          <div key={label} className="receipt-field">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <table className="receipt-allocations">
        <caption>缴费明细</caption>
        <thead>
          <tr>
            <th>供热季</th>
            <th>本金</th>
            <th>滞纳金</th>
            <th>小计</th>
          </tr>
        </thead>
        <tbody>
          {p.allocations.map((x) => (
            <tr key={x.billId}>
              <td>{x.seasonCode}</td>
              <td>{formatYuan(x.principalFen)}</td>
              <td>{formatYuan(x.lateFeeFen)}</td>
              <td>{formatYuan(x.principalFen + x.lateFeeFen)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th>合计</th>
            <td>{formatYuan(totalPrincipal)}</td>
            <td>{formatYuan(totalLateFee)}</td>
            <td>{formatYuan(totalPrincipal + totalLateFee)}</td>
          </tr>
        </tfoot>
      </table>
      {p.unappliedFen > 0 && <p className="receipt-note">另有 {formatYuan(p.unappliedFen)} 未分配到账单，待核对。</p>}
      <p className="receipt-note">{ALLOCATION_RULE}。</p>
      <footer className="receipt-foot">
        <span>收款单位（盖章）：{p.payee}</span>
        <span>收款人（签字）：{cashierName}</span>
      </footer>
    </section>
  );
}
