import { Button, Text, View } from "@tarojs/components";
import Taro from "@tarojs/taro";
import { type BillView, billRelief, formatYuan } from "@warmline/shared";
import { BillStatusTag } from "../../components/BillStatusTag";
import { Kv } from "../../components/Kv";
import { PAGES } from "../../constants";
import { listBills } from "../../services/billing";
import { useAccountData } from "../../utils/useAccountData";
import { seasonTitle } from "../bill/formula";
import "./index.scss";

function BillCard({ bill, onOpen }: { bill: BillView; onOpen: () => void }) {
  const overdue = bill.owedFen > 0 && bill.overdueDays > 0;
  const relief = billRelief(bill);
  return (
    <View className={`card bill-card${overdue ? " is-overdue" : ""}`} data-bill-id={bill.id} onClick={onOpen}>
      <View className="card-title">
        <Text className="bill-season">{seasonTitle(bill.seasonCode)}</Text>
        <View className="bill-tags">
          <BillStatusTag status={bill.status} />
          {relief && bill.status !== "waived" ? <Text className="status status-relief">{relief.label}</Text> : null}
        </View>
      </View>
      {relief ? <Text className="relief-reason">{relief.reason}</Text> : null}
      <Kv label="应缴金额">{formatYuan(bill.amountFen)}</Kv>
      <Kv label="已缴">{formatYuan(bill.paidFen)}</Kv>
      {bill.lateFeePaidFen > 0 ? <Kv label="已缴滞纳金">{formatYuan(bill.lateFeePaidFen)}</Kv> : null}
      {bill.waivedFen + bill.lateFeeWaivedFen > 0 ? (
        <Kv label="减免">{formatYuan(bill.waivedFen + bill.lateFeeWaivedFen)}</Kv>
      ) : null}
      {bill.lateFeeFen > 0 || overdue ? (
        <Kv label="滞纳金" valueClass={bill.lateFeeFen > 0 ? "amount-danger" : undefined}>
          <Text>{formatYuan(bill.lateFeeFen)}</Text>
          {overdue ? <Text className="overdue-note">逾期 {bill.overdueDays} 天</Text> : null}
        </Kv>
      ) : null}
      <Kv label="欠费合计" valueClass={bill.owedFen > 0 ? "amount-danger" : "amount-success"} strong>
        {formatYuan(bill.owedFen)}
      </Kv>
      <Text className="link bill-more">查看明细 ›</Text>
    </View>
  );
}

export default function BillsPage() {
  const { accountId, data, error } = useAccountData(listBills);

  const owed = data?.totalOwedFen ?? 0;
  const overdue = data?.items.some((b) => b.owedFen > 0 && b.overdueDays > 0) ?? false;

  return (
    <View className="page page-bills">
      {error ? <Text className="error-text">{error}</Text> : null}
      {data ? (
        <View className="card summary">
          <View className="card-title">
            <Text>欠费合计</Text>
            <Text className="link" onClick={() => Taro.navigateTo({ url: `${PAGES.payments}?accountId=${accountId}` })}>
              缴费记录
            </Text>
          </View>
          <Text className="summary-amount total-owed">{formatYuan(owed)}</Text>
          <Text className="summary-note">
            {owed > 0
              ? overdue
                ? "含已逾期欠费及滞纳金，请尽快缴纳"
                : "请在缴费截止日前缴纳"
              : "您已全部缴清，感谢支持"}
          </Text>
          {owed > 0 ? (
            <Button
              className="btn btn-primary"
              onClick={() => Taro.navigateTo({ url: `${PAGES.pay}?accountId=${accountId}` })}
            >
              去缴费
            </Button>
          ) : null}
        </View>
      ) : null}
      {data && data.items.length === 0 ? <View className="card empty">暂无账单，供热季开始后将在这里显示</View> : null}
      {data?.items.map((bill) => (
        <BillCard
          key={bill.id}
          bill={bill}
          onOpen={() => Taro.navigateTo({ url: `${PAGES.bill}?accountId=${bill.accountId}&billId=${bill.id}` })}
        />
      ))}
    </View>
  );
}
