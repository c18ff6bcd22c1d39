import { Text, View } from "@tarojs/components";
import Taro from "@tarojs/taro";
import { type PaymentView, formatYuan, surplusNotice } from "@warmline/shared";
import { Kv } from "../../components/Kv";
import { PAGES } from "../../constants";
import { listPayments } from "../../services/billing";
import { formatDateTime } from "../../utils/format";
import { useAccountData } from "../../utils/useAccountData";
import { seasonTitle } from "../bill/formula";
import { invoiceStatusLabel } from "../invoice/present";
import { allocationText, channelLabel, isOffline } from "./present";
import "./index.scss";

function PaymentCard({ payment }: { payment: PaymentView }) {
  return (
    <View className="card payment-card" data-payment-id={payment.id}>
      <View className="card-title">
        <Text className="channel">{channelLabel(payment)}</Text>
        <Text className="payment-amount">{formatYuan(payment.amountFen)}</Text>
      </View>
      <Kv label="缴费时间">{formatDateTime(payment.paidAt ?? payment.createdAt)}</Kv>
      {isOffline(payment) ? (
        <Kv label="收据号">{payment.receiptNo || "—"}</Kv>
      ) : (
        <Kv label="订单号">{payment.outTradeNo}</Kv>
      )}
      {payment.refundedFen > 0 ? (
        <Kv label="已退款" valueClass="refund-note">
          {formatYuan(payment.refundedFen)}
        </Kv>
      ) : null}
      {payment.surplus ? (
        <View className="surplus-note" data-surplus-state={payment.surplus.state}>
          <Text>{surplusNotice(payment.surplus)}</Text>
        </View>
      ) : null}
      {payment.invoiceId !== null ? (
        <Kv label="电子发票">
          <Text
            className="link payment-invoice"
            onClick={() => Taro.navigateTo({ url: `${PAGES.invoice}?id=${payment.invoiceId}` })}
          >
            {payment.invoiceStatus ? `${invoiceStatusLabel(payment.invoiceStatus)} · 查看 ›` : "查看 ›"}
          </Text>
        </Kv>
      ) : null}
      {payment.allocations.length > 0 ? (
        <View className="allocations">
          {payment.allocations.map((line) => (
            <View key={`${line.billId}`} className="allocation">
              <Text>{seasonTitle(line.seasonCode)}</Text>
              <Text className="allocation-parts">{allocationText(line)}</Text>
            </View>
          ))}
        </View>
      ) : null}
    </View>
  );
}

export default function PaymentsPage() {
  const { data: payments, error } = useAccountData(listPayments);

  return (
    <View className="page page-payments">
      {error ? <Text className="error-text">{error}</Text> : null}
      {payments && payments.length === 0 ? <View className="card empty">暂无缴费记录</View> : null}
      {payments?.map((p) => (
        <PaymentCard key={p.id} payment={p} />
      ))}
    </View>
  );
}
