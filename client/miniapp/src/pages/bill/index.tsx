import { Button, Text, View } from "@tarojs/components";
import Taro, { useDidShow, useRouter } from "@tarojs/taro";
import { ACCOUNT_CATEGORY_LABELS, BILL_STATUS_LABELS, type BillView, billRelief, formatYuan } from "@warmline/shared";
import { useState } from "react";
import { BillStatusTag } from "../../components/BillStatusTag";
import { Kv } from "../../components/Kv";
import { PAGES } from "../../constants";
import { listBills } from "../../services/billing";
import { describeError } from "../../services/errors";
import { positiveId } from "../../utils/params";
import { billFormula, seasonTitle } from "./formula";
import "./index.scss";

function BillDetail({ bill }: { bill: BillView }) {
  const formula = billFormula(bill);
  const overdue = bill.owedFen > 0 && bill.overdueDays > 0;
  const principalOwed = Math.max(0, bill.amountFen - bill.paidFen - bill.waivedFen);
  const relief = billRelief(bill);
  return (
    <>
      <View className="card">
        <View className="card-title">
          <Text className="bill-season">{seasonTitle(bill.seasonCode)}</Text>
          <View className="bill-tags">
            <BillStatusTag status={bill.status} />
            {relief && bill.status !== "waived" ? <Text className="status status-relief">{relief.label}</Text> : null}
          </View>
        </View>
        {relief ? (
          <View className="relief-note">
            <Text className="relief-label">{relief.label}</Text>
            <Text className="relief-reason">{relief.reason}</Text>
          </View>
        ) : null}
        <Text className="formula">{formula.text}</Text>
        <Text className="formula-caption">供热面积 × 单价 = 热费</Text>
        {bill.suspended ? (
          <Text className="notice-bar suspended-note">
            本季已办理报停，按基本热费收取 {formatYuan(bill.amountFen)}（全额热费 {formatYuan(formula.fullFen)}）
          </Text>
        ) : null}
        <Kv label="用户类别">{ACCOUNT_CATEGORY_LABELS[bill.category] ?? bill.category}</Kv>
        <Kv label="应缴金额" strong>
          {formatYuan(bill.amountFen)}
        </Kv>
        <Kv label="缴费截止日">{bill.dueDate}</Kv>
        <Kv label="已缴本金">{formatYuan(bill.paidFen)}</Kv>
        {bill.waivedFen > 0 ? <Kv label="减免本金">{formatYuan(bill.waivedFen)}</Kv> : null}
        <Kv label="未缴本金" valueClass={principalOwed > 0 ? "amount-danger" : undefined}>
          {formatYuan(principalOwed)}
        </Kv>
      </View>

      <View className="card">
        <View className="card-title">
          <Text>滞纳金</Text>
          {overdue ? <Text className="overdue-note">已逾期 {bill.overdueDays} 天</Text> : null}
        </View>
        {bill.lateFeeExempt ? <Text className="notice-bar">本账单已获批免缴滞纳金</Text> : null}
        <Kv label="逾期天数" valueClass={overdue ? "amount-danger" : undefined}>
          {bill.overdueDays > 0 ? `${bill.overdueDays} 天` : "未逾期"}
        </Kv>
        <Kv label="应缴滞纳金" valueClass={bill.lateFeeFen > 0 ? "amount-danger" : undefined}>
          {formatYuan(bill.lateFeeFen)}
        </Kv>
        {bill.lateFeePaidFen > 0 ? <Kv label="已缴滞纳金">{formatYuan(bill.lateFeePaidFen)}</Kv> : null}
        {bill.lateFeeWaivedFen > 0 ? <Kv label="减免滞纳金">{formatYuan(bill.lateFeeWaivedFen)}</Kv> : null}
        <Text className="muted">逾期未缴的热费按日加收滞纳金，金额计算至 {bill.asOf}。</Text>
      </View>

      <View className="card">
        <Kv label="欠费合计" valueClass={bill.owedFen > 0 ? "amount-danger" : "amount-success"} strong>
          {formatYuan(bill.owedFen)}
        </Kv>
        <Kv label="账单状态">{BILL_STATUS_LABELS[bill.status] ?? bill.status}</Kv>
        {bill.owedFen > 0 ? (
          <Button
            className="btn btn-primary"
            onClick={() =>
              Taro.navigateTo({ url: `${PAGES.pay}?accountId=${bill.accountId}&billId=${encodeURIComponent(bill.id)}` })
            }
          >
            去缴费
          </Button>
        ) : null}
      </View>
    </>
  );
}

export default function BillPage() {
  const { params } = useRouter();
  const accountId = positiveId(params.accountId);
  const billId = positiveId(params.billId);
  const [bill, setBill] = useState<BillView | null>(null);
  const [error, setError] = useState("");

  async function load() {
    if (accountId === null || billId === null) {
      setError("账单不存在");
      return;
    }
    try {
      const { items } = await listBills(accountId);
      const found = items.find((b) => b.id === billId) ?? null;
      setBill(found);
      setError(found ? "" : "账单不存在");
    } catch (err) {
      setError(describeError(err));
    }
  }

  useDidShow(() => {
    void load();
  });

  return (
    <View className="page page-bill">
      {error ? <Text className="error-text">{error}</Text> : null}
      {bill ? <BillDetail bill={bill} /> : null}
    </View>
  );
}
