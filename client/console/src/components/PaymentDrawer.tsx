import { ExclamationCircleOutlined, RollbackOutlined } from "@ant-design/icons";
import {
  PAYMENT_CHANNEL_LABELS,
  PAYMENT_STATUS_LABELS,
  REFUND_STATUS_LABELS,
  formatYuan,
  surplusNotice,
} from "@warmline/shared";
import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import { useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import type { PaymentView, RefundView } from "../api/payments";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole, INVOICE_DESK_ROLES, REFUND_ROLES } from "../auth/roles";
import { EMPTY, formatDateTime, orEmpty } from "../format";
import { PAYMENT_STATUS_COLORS, REFUND_STATUS_COLORS } from "../labels";
import { hasPendingRefund, useRefreshPayment, useRefunds } from "../queries/payments";
import { InvoiceStatusTag } from "./InvoiceTags";
import { QueryErrorAlert } from "./QueryErrorAlert";
import { RefundModal, refundableFen } from "./RefundModal";
import { ResolveFlagModal } from "./ResolveFlagModal";

type Allocation = PaymentView["allocations"][number];

const mono = { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", fontSize: 12 };

const allocationColumns: TableColumnsType<Allocation> = [
  { title: "供热季", dataIndex: "seasonCode", width: 110 },
  { title: "本金", dataIndex: "principalFen", align: "right", render: (f: number) => formatYuan(f) },
  { title: "滞纳金", dataIndex: "lateFeeFen", align: "right", render: (f: number) => formatYuan(f) },
  {
    title: "合计",
    key: "sum",
    align: "right",
    render: (_, a) => formatYuan(a.principalFen + a.lateFeeFen),
  },
];

const refundColumns: TableColumnsType<RefundView> = [
  { title: "申请时间", dataIndex: "createdAt", width: 150, render: formatDateTime },
  { title: "金额", dataIndex: "amountFen", width: 100, align: "right", render: (f: number) => formatYuan(f) },
  {
    title: "状态",
    dataIndex: "status",
    width: 84,
    render: (s: RefundView["status"], r) => (
      <Tooltip title={r.finishedAt ? `完成时间 ${formatDateTime(r.finishedAt)}` : undefined}>
        <Tag color={REFUND_STATUS_COLORS[s]}>{REFUND_STATUS_LABELS[s] ?? s}</Tag>
      </Tooltip>
    ),
  },
  {
    title: "原因",
    dataIndex: "reason",
    render: (v: string) => <Typography.Text ellipsis={{ tooltip: v }}>{v}</Typography.Text>,
  },
  {
    title: "退款单号",
    dataIndex: "outRefundNo",
    width: 150,
    render: (v: string) => (
      <Typography.Text style={mono} ellipsis={{ tooltip: v }} copyable={{ text: v }}>
        {v}
      </Typography.Text>
    ),
  },
];

/** 电子发票 of a payment: its status and a link to it on 发票管理 (for INVOICE_DESK_ROLES). */
function PaymentInvoice({ payment: p, mayOpen }: { payment: PaymentView; mayOpen: boolean }) {
  if (p.invoiceStatus === null || p.invoiceId === null) return <span>{p.status === "paid" ? "未申请" : EMPTY}</span>;
  return (
    <Space size={4}>
      <InvoiceStatusTag status={p.invoiceStatus} />
      {mayOpen && <Link to={`/invoices?invoice=${p.invoiceId}`}>查看发票</Link>}
    </Space>
  );
}

export function PaymentStatusTag({ status }: { status: string }) {
  return <Tag color={PAYMENT_STATUS_COLORS[status] ?? "default"}>{PAYMENT_STATUS_LABELS[status] ?? status}</Tag>;
}

interface Props {
  /** the payment shown; null = closed */
  payment: PaymentView | null;
  onClose: () => void;
  /** the server answered with a newer state of the payment (after 处理异常款) */
  onChanged: (payment: PaymentView) => void;
}

/** One payment: where its money went, its invoice, its refunds and, for REFUND_ROLES, 退款 and 处理异常款. */
export function PaymentDrawer({ payment, onClose, onChanged }: Props) {
  const { staff } = useAuth();
  const { message } = App.useApp();
  const refunds = useRefunds(payment?.id);
  const [refunding, setRefunding] = useState<PaymentView | null>(null);
  const [resolving, setResolving] = useState<PaymentView | null>(null);
  const mayRefund = hasAnyRole(staff?.roles, REFUND_ROLES);
  const refresh = useRefreshPayment();
  const pendingRefund = hasPendingRefund(refunds.data);

  // A refund the vendor confirmed while the drawer was open changed the payment (已退, and a flag a
  // refund resolves is cleared only then): show the payment as it is now.
  const watching = useRef(false);
  useEffect(() => {
    if (pendingRefund) {
      watching.current = true;
      return;
    }
    if (!watching.current || !payment) return;
    watching.current = false;
    refresh(payment)
      .then((fresh) => fresh && onChanged(fresh))
      .catch(() => undefined);
  }, [pendingRefund, payment, refresh, onChanged]);

  const p = payment;
  const left = p ? refundableFen(p) : 0;
  const refundBlocked = !p ? "" : p.status !== "paid" ? "仅已支付的款项可以退款" : left <= 0 ? "已全额退款" : "";

  return (
    <Drawer
      className="payment-drawer"
      open={p !== null}
      onClose={onClose}
      size={720}
      title={p ? `缴费详情 · ${p.outTradeNo}` : "缴费详情"}
      extra={
        p &&
        mayRefund && (
          <Space>
            {p.flagged && (
              <Tooltip title={pendingRefund ? "退款处理中，渠道确认后自动解除异常" : ""}>
                <Button icon={<ExclamationCircleOutlined />} disabled={pendingRefund} onClick={() => setResolving(p)}>
                  处理异常款
                </Button>
              </Tooltip>
            )}
            <Tooltip title={refundBlocked}>
              <Button
                danger
                icon={<RollbackOutlined />}
                disabled={refundBlocked !== ""}
                onClick={() => setRefunding(p)}
              >
                退款
              </Button>
            </Tooltip>
          </Space>
        )
      }
    >
      {p && (
        <Space orientation="vertical" size="large" style={{ width: "100%" }}>
          {p.flagged && (
            <Alert
              type="warning"
              showIcon
              title={`异常款项：${p.flagReason ?? "需人工核对"}`}
              description={`未分配金额 ${formatYuan(p.unappliedFen)}${
                pendingRefund
                  ? "，退款处理中，渠道确认后自动解除异常"
                  : mayRefund
                    ? "，请分配到欠费账单或原路退回"
                    : "，请联系专班主管处理"
              }${p.surplus ? `。居民已获告知：${surplusNotice(p.surplus)}` : ""}`}
            />
          )}
          <Descriptions
            bordered
            size="small"
            column={2}
            items={[
              { key: "otn", label: "商户订单号", span: 2, children: <span style={mono}>{p.outTradeNo}</span> },
              {
                key: "acc",
                label: "户号",
                children: <Link to={`/accounts/${p.accountId}`}>{p.accountNo}</Link>,
              },
              { key: "ch", label: "渠道", children: PAYMENT_CHANNEL_LABELS[p.channel] ?? p.channel },
              { key: "amt", label: "缴费金额", children: formatYuan(p.amountFen) },
              { key: "st", label: "状态", children: <PaymentStatusTag status={p.status} /> },
              { key: "ref", label: "已退金额", children: formatYuan(p.refundedFen) },
              { key: "left", label: "可退金额", children: formatYuan(left) },
              { key: "un", label: "未分配金额", children: formatYuan(p.unappliedFen) },
              { key: "paid", label: "支付时间", children: formatDateTime(p.paidAt) },
              { key: "rcpt", label: "收据号", children: orEmpty(p.receiptNo) },
              { key: "txn", label: "渠道流水号", children: orEmpty(p.transactionId) },
              { key: "created", label: "下单时间", children: formatDateTime(p.createdAt) },
              {
                key: "invoice",
                label: "电子发票",
                children: <PaymentInvoice payment={p} mayOpen={hasAnyRole(staff?.roles, INVOICE_DESK_ROLES)} />,
              },
            ]}
          />
          <div>
            <Typography.Title level={5}>分配到账单</Typography.Title>
            <Table<Allocation>
              className="allocation-table"
              rowKey="billId"
              size="small"
              columns={allocationColumns}
              dataSource={p.allocations}
              pagination={false}
              locale={{ emptyText: "未分配到账单" }}
            />
          </div>
          <div>
            <Typography.Title level={5}>退款记录</Typography.Title>
            {refunds.isError && <QueryErrorAlert error={refunds.error} onRetry={() => void refunds.refetch()} />}
            <Table<RefundView>
              className="refund-table"
              rowKey="id"
              size="small"
              tableLayout="fixed"
              columns={refundColumns}
              dataSource={refunds.data ?? []}
              loading={refunds.isFetching}
              pagination={false}
              locale={{ emptyText: refunds.isError ? EMPTY : "暂无退款" }}
            />
          </div>
        </Space>
      )}
      <RefundModal
        payment={refunding}
        onClose={() => setRefunding(null)}
        onRefunded={(r) => {
          setRefunding(null);
          if (r.status === "failed") message.error("退款未成功，渠道拒绝了退款，请查看退款记录");
          else if (r.status === "processing") message.success(`退款 ${formatYuan(r.amountFen)} 已提交，渠道处理中`);
          else message.success(`已退款 ${formatYuan(r.amountFen)}`);
        }}
      />
      <ResolveFlagModal
        payment={resolving}
        onClose={() => setResolving(null)}
        onResolved={(next, action) => {
          setResolving(null);
          onChanged(next);
          message.success(action === "allocate" ? "已分配到欠费账单" : "已提交原路退回");
        }}
      />
    </Drawer>
  );
}
