import { PAYMENT_CHANNEL_LABELS, formatYuan } from "@warmline/shared";
import { Space, Table, type TableColumnsType, Tag, Tooltip, Typography } from "antd";
import type { PaymentView } from "../api/billing";
import { EMPTY, formatDateTime } from "../format";

type Allocation = PaymentView["allocations"][number];

/** "2024-2025 本金 ¥1,000.00 + 滞纳金 ¥12.30" */
export function allocationText(a: Allocation): string {
  const parts = [`本金 ${formatYuan(a.principalFen)}`];
  if (a.lateFeeFen > 0) parts.push(`滞纳金 ${formatYuan(a.lateFeeFen)}`);
  return `${a.seasonCode} ${parts.join(" + ")}`;
}

const mono = { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", fontSize: 12 };

const columns: TableColumnsType<PaymentView> = [
  {
    title: "缴费时间",
    key: "time",
    width: 170,
    render: (_, p) => formatDateTime(p.paidAt ?? p.createdAt),
  },
  {
    title: "渠道",
    dataIndex: "channel",
    width: 110,
    render: (c: PaymentView["channel"]) => PAYMENT_CHANNEL_LABELS[c] ?? c,
  },
  {
    title: "金额",
    dataIndex: "amountFen",
    width: 120,
    align: "right",
    render: (fen: number, p) => (
      <Space orientation="vertical" size={0}>
        {formatYuan(fen)}
        {p.refundedFen > 0 && <Typography.Text type="secondary">已退 {formatYuan(p.refundedFen)}</Typography.Text>}
      </Space>
    ),
  },
  {
    title: "分配到账单",
    key: "allocations",
    render: (_, p) => (
      <Space orientation="vertical" size={0}>
        {p.allocations.length === 0 && EMPTY}
        {p.allocations.map((a) => (
          <span key={a.billId}>{allocationText(a)}</span>
        ))}
        {p.unappliedFen > 0 && <Typography.Text type="warning">未分配 {formatYuan(p.unappliedFen)}</Typography.Text>}
      </Space>
    ),
  },
  {
    title: "收据号/流水号",
    key: "receipt",
    width: 160,
    render: (_, p) => p.receiptNo ?? p.transactionId ?? EMPTY,
  },
  {
    title: "订单号",
    dataIndex: "outTradeNo",
    width: 200,
    render: (v: string) => <span style={mono}>{v}</span>,
  },
  {
    title: "标记",
    key: "flag",
    width: 140,
    render: (_, p) =>
      p.flagged ? (
        <Tooltip title={p.flagReason ?? "需人工核对"}>
          <Space orientation="vertical" size={0}>
            <Tag color="red">异常</Tag>
            {p.flagReason && <Typography.Text type="secondary">{p.flagReason}</Typography.Text>}
          </Space>
        </Tooltip>
      ) : (
        EMPTY
      ),
  },
];

/** A household's payments, newest first, with how each was split over the bills. */
export function PaymentTable({ payments, loading }: { payments: PaymentView[]; loading?: boolean }) {
  return (
    <Table<PaymentView>
      className="payment-table"
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={payments}
      loading={loading}
      pagination={payments.length > 20 ? { pageSize: 20, showTotal: (t) => `共 ${t} 笔` } : false}
      locale={{ emptyText: "暂无缴费记录" }}
    />
  );
}
