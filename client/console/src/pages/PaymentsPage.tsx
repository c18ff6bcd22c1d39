import { PAYMENT_CHANNELS } from "@warmline/shared";
import { Card, Space, type TableColumnsType, Typography } from "antd";
import type { PaymentChannel, PaymentStatus, PaymentView } from "../api/payments";
import { PaymentDrawer } from "../components/PaymentDrawer";
import { PaymentPageTable } from "../components/PaymentPageTable";
import { PAYMENT_STATUSES, type PaymentFilterValues, PaymentSearchForm } from "../components/PaymentSearchForm";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { openColumn, paymentColumns as c } from "../components/StaffPaymentColumns";
import { useOpenPayment } from "../components/useOpenPayment";
import { usePaymentSearch } from "../queries/payments";
import { useSearchState } from "./useSearchState";

const oneOf = <T extends string>(list: readonly T[], v: string): T | undefined =>
  (list as readonly string[]).includes(v) ? (v as T) : undefined;

/** 缴费查询: every payment by order, transaction, receipt or account number; a row opens its details. */
export function PaymentsPage() {
  const s = useSearchState();
  const filters: PaymentFilterValues = {
    q: s.text("q") || undefined,
    channel: oneOf<PaymentChannel>(PAYMENT_CHANNELS, s.text("channel")),
    status: oneOf<PaymentStatus>(PAYMENT_STATUSES, s.text("status")),
    flagged: s.text("flagged") === "true" || undefined,
  };
  const search = usePaymentSearch({ ...filters, page: s.page, pageSize: s.pageSize });
  const drawer = useOpenPayment(search.data?.items, search.dataUpdatedAt);

  const columns: TableColumnsType<PaymentView> = [
    c.time,
    c.accountNo,
    c.channel,
    c.amount,
    c.refunded,
    c.status,
    c.outTradeNo,
    c.flag,
    openColumn(drawer.open),
  ];

  return (
    <Card className="payments-page" title={<Typography.Text strong>缴费查询</Typography.Text>}>
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        <PaymentSearchForm
          initial={filters}
          onSearch={(v) => {
            const same =
              v.q === filters.q &&
              v.channel === filters.channel &&
              v.status === filters.status &&
              v.flagged === filters.flagged &&
              s.page === 1;
            if (same) void search.refetch();
            else s.update({ ...v, flagged: v.flagged ? "true" : undefined, page: undefined });
          }}
        />
        {search.isError && <QueryErrorAlert error={search.error} onRetry={() => void search.refetch()} />}
        <PaymentPageTable
          className="payment-search-table"
          columns={columns}
          data={search.data}
          loading={search.isFetching}
          emptyText="没有符合条件的缴费记录"
          page={s.page}
          pageSize={s.pageSize}
          onPage={(page, pageSize) => s.update({ page, pageSize })}
          onOpen={drawer.open}
        />
      </Space>
      <PaymentDrawer payment={drawer.shown} onClose={drawer.close} onChanged={drawer.open} />
    </Card>
  );
}
