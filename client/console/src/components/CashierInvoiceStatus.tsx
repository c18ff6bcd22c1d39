import { SyncOutlined } from "@ant-design/icons";
import { Button, Space, Tag, Typography } from "antd";
import { type ReactNode, useState } from "react";
import { messageOf } from "../api/api";
import type { PaymentView } from "../api/payments";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole, INVOICE_DESK_ROLES, PAYMENT_DESK_ROLES } from "../auth/roles";
import { isInvoicePending } from "../queries/invoices";
import { invoiceStillComing, usePayment, usePaymentUpdateCount } from "../queries/payments";
import { InvoiceDrawer } from "./InvoiceDrawer";
import { InvoiceStatusTag } from "./InvoiceTags";

/**
 * 电子发票 of a payment just taken: the invoice is requested a moment after the payment and issued by the
 * platform later, so the payment is asked for again until its invoice is issued or failed. 查看发票 opens
 * the invoice (print it, or see why it failed) for INVOICE_DESK_ROLES.
 */
export function CashierInvoiceStatus({ payment }: { payment: PaymentView }) {
  const { staff } = useAuth();
  // GET /staff/payments/:id is for PAYMENT_DESK_ROLES: a grid worker alone is told the invoice will follow
  const mayWatch = hasAnyRole(staff?.roles, PAYMENT_DESK_ROLES);
  const mayOpen = hasAnyRole(staff?.roles, INVOICE_DESK_ROLES);
  const fresh = usePayment(payment.id, { enabled: mayWatch });
  const updates = usePaymentUpdateCount(payment.id);
  const [openId, setOpenId] = useState<number | null>(null);
  const p = fresh.data ?? payment;
  const waiting = fresh.isPending || invoiceStillComing(p, updates);

  let status: ReactNode;
  if (!mayWatch)
    status = <Typography.Text type="secondary">系统将自动开具，开具后可在该户“发票”中查看</Typography.Text>;
  else if (fresh.isError && !fresh.data)
    status = (
      <Space size={4}>
        <Typography.Text type="warning">状态未能获取：{messageOf(fresh.error)}</Typography.Text>
        <Button type="link" size="small" onClick={() => void fresh.refetch()}>
          重试
        </Button>
      </Space>
    );
  else if (p.invoiceStatus === null)
    status = waiting ? (
      <Tag icon={<SyncOutlined spin />}>等待开具</Tag>
    ) : (
      <Typography.Text type="secondary">发票尚未申请，请稍后在发票管理中查看</Typography.Text>
    );
  else
    status = (
      <Space size={4}>
        <InvoiceStatusTag status={p.invoiceStatus} />
        {isInvoicePending(p.invoiceStatus) && <Typography.Text type="secondary">结果将自动刷新</Typography.Text>}
      </Space>
    );

  return (
    <div className="cashier-invoice">
      <Space>
        <Typography.Text strong>电子发票：</Typography.Text>
        {status}
        {mayOpen && p.invoiceId !== null && (p.invoiceStatus === "issued" || p.invoiceStatus === "failed") && (
          <Button type="link" size="small" onClick={() => setOpenId(p.invoiceId)}>
            查看发票
          </Button>
        )}
      </Space>
      {mayOpen && <InvoiceDrawer invoiceId={openId} onOpen={setOpenId} onClose={() => setOpenId(null)} />}
    </div>
  );
}
