import { Alert, Card, Space, type TableColumnsType, Typography } from "antd";
import type { PaymentView } from "../api/payments";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole, REFUND_ROLES } from "../auth/roles";
import { PaymentDrawer } from "../components/PaymentDrawer";
import { PaymentPageTable } from "../components/PaymentPageTable";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { openColumn, paymentColumns as c } from "../components/StaffPaymentColumns";
import { useOpenPayment } from "../components/useOpenPayment";
import { usePaymentSearch } from "../queries/payments";
import { useSearchState } from "./useSearchState";

/**
 * 异常款项: paid money the system could not apply by itself (a late callback on a closed order, a bill
 * already paid, a reconciliation difference), waiting for staff to allocate or refund it.
 */
export function FlaggedPaymentsPage() {
  const { staff } = useAuth();
  const s = useSearchState();
  const queue = usePaymentSearch({ flagged: true, status: "paid", page: s.page, pageSize: s.pageSize });
  const drawer = useOpenPayment(queue.data?.items, queue.dataUpdatedAt);
  const mayResolve = hasAnyRole(staff?.roles, REFUND_ROLES);

  const columns: TableColumnsType<PaymentView> = [
    c.time,
    c.accountNo,
    c.channel,
    c.amount,
    c.unapplied,
    c.flagReason,
    c.outTradeNo,
    openColumn(drawer.open, mayResolve ? "处理" : "详情"),
  ];

  return (
    <Card
      className="flagged-page"
      title={<Typography.Text strong>异常款项</Typography.Text>}
      extra={queue.data && <Typography.Text type="secondary">待处理 {queue.data.total} 笔</Typography.Text>}
    >
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        <Alert
          type="info"
          showIcon
          title="已到账但未能自动分配到账单的款项"
          description={
            mayResolve
              ? "请核实后分配到该户欠费账单，或原路退回；处理记入审计日志。"
              : "处理需专班主管或系统管理员，可在此查看并提醒其处理。"
          }
        />
        {queue.isError && <QueryErrorAlert error={queue.error} onRetry={() => void queue.refetch()} />}
        <PaymentPageTable
          className="flagged-table"
          columns={columns}
          data={queue.data}
          loading={queue.isFetching}
          emptyText="没有待处理的异常款项"
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
