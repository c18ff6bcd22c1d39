import { Text, View } from "@tarojs/components";
import Taro from "@tarojs/taro";
import type { InvoiceView } from "@warmline/shared";
import { Kv } from "../../components/Kv";
import { PAGES } from "../../constants";
import { listInvoices } from "../../services/invoices";
import { formatDate, formatDateTime } from "../../utils/format";
import { useAccountData } from "../../utils/useAccountData";
import { invoiceKindLabel, invoiceStatusClass, invoiceStatusLabel, signedYuan } from "../invoice/present";
import "./index.scss";

function InvoiceCard({ invoice, onOpen }: { invoice: InvoiceView; onOpen: () => void }) {
  const red = invoice.kind === "red";
  return (
    <View
      className={`card invoice-card invoice-${invoice.kind}`}
      data-invoice-id={invoice.id}
      data-status={invoice.status}
      onClick={onOpen}
    >
      <View className="card-title">
        <Text className={`invoice-kind${red ? " invoice-kind-red" : ""}`}>{invoiceKindLabel(invoice.kind)}</Text>
        <Text className={`status ${invoiceStatusClass(invoice.status)}`}>{invoiceStatusLabel(invoice.status)}</Text>
      </View>
      <Kv label="价税合计" valueClass={red ? "amount-red invoice-amount" : "invoice-amount"} strong>
        {signedYuan(invoice.totalFen)}
      </Kv>
      {invoice.issuedAt ? (
        <Kv label="开票日期">{formatDate(invoice.issuedAt)}</Kv>
      ) : (
        <Kv label="申请时间">{formatDateTime(invoice.createdAt)}</Kv>
      )}
      <Kv label="发票号码">{invoice.invoiceNo ?? "开具后生成"}</Kv>
      <Kv label="购买方">{invoice.buyerName}</Kv>
      <Text className="link invoice-more">查看详情 ›</Text>
    </View>
  );
}

export default function InvoicesPage() {
  const { data: invoices, error } = useAccountData(listInvoices);

  return (
    <View className="page page-invoices">
      {error ? <Text className="error-text">{error}</Text> : null}
      {invoices && invoices.length === 0 ? (
        <View className="card empty">暂无电子发票，缴费成功后将自动开具</View>
      ) : null}
      {invoices?.map((invoice) => (
        <InvoiceCard
          key={invoice.id}
          invoice={invoice}
          onOpen={() => Taro.navigateTo({ url: `${PAGES.invoice}?id=${invoice.id}` })}
        />
      ))}
    </View>
  );
}
