import { PAYMENT_CHANNEL_LABELS, formatYuan } from "@warmline/shared";
import { Button, type TableColumnType, Tag, Tooltip, Typography } from "antd";
import type { PaymentView } from "../api/payments";
import { EMPTY, formatDateTime } from "../format";
import { PaymentStatusTag } from "./PaymentDrawer";

type Column = TableColumnType<PaymentView>;

const mono = { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", fontSize: 12 };

/** Columns of the payment lists (缴费查询, 异常款项), picked by each page. */
export const paymentColumns = {
  time: { title: "时间", key: "time", width: 170, render: (_, p) => formatDateTime(p.paidAt ?? p.createdAt) },
  accountNo: { title: "户号", dataIndex: "accountNo", width: 120 },
  channel: {
    title: "渠道",
    dataIndex: "channel",
    width: 110,
    render: (c: PaymentView["channel"]) => PAYMENT_CHANNEL_LABELS[c] ?? c,
  },
  amount: { title: "金额", dataIndex: "amountFen", width: 120, align: "right", render: (f: number) => formatYuan(f) },
  refunded: {
    title: "已退",
    dataIndex: "refundedFen",
    width: 110,
    align: "right",
    render: (f: number) => (f > 0 ? <Typography.Text type="danger">{formatYuan(f)}</Typography.Text> : EMPTY),
  },
  unapplied: {
    title: "未分配",
    dataIndex: "unappliedFen",
    width: 120,
    align: "right",
    render: (f: number) => <Typography.Text type="warning">{formatYuan(f)}</Typography.Text>,
  },
  status: { title: "状态", dataIndex: "status", width: 90, render: (s: string) => <PaymentStatusTag status={s} /> },
  outTradeNo: {
    title: "订单号",
    dataIndex: "outTradeNo",
    width: 220,
    render: (v: string) => <span style={mono}>{v}</span>,
  },
  flag: {
    title: "异常",
    key: "flag",
    width: 80,
    render: (_, p) =>
      p.flagged ? (
        <Tooltip title={p.flagReason ?? "需人工核对"}>
          <Tag color="red">异常</Tag>
        </Tooltip>
      ) : (
        EMPTY
      ),
  },
  flagReason: {
    title: "异常原因",
    dataIndex: "flagReason",
    ellipsis: { showTitle: true },
    render: (v: string | null) => v ?? "需人工核对",
  },
} satisfies Record<string, Column>;

/** The last column: opens the drawer (the whole row does too, this is the keyboard way). */
export function openColumn(open: (p: PaymentView) => void, label = "详情"): Column {
  return {
    title: "",
    key: "open",
    width: 80,
    fixed: "right",
    render: (_, p) => (
      <Button
        type="link"
        size="small"
        onClick={(e) => {
          e.stopPropagation();
          open(p);
        }}
      >
        {label}
      </Button>
    ),
  };
}
