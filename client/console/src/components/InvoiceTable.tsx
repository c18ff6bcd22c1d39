import { INVOICE_TITLE_KIND_LABELS, formatYuan } from "@warmline/shared";
import { Button, Space, Table, type TableColumnsType, type TablePaginationConfig, Tooltip, Typography } from "antd";
import type { InvoiceView } from "../api/invoices";
import { EMPTY, formatDateTime } from "../format";
import { InvoiceKindTag, InvoiceStatusTag } from "./InvoiceTags";
import { minTableWidth } from "./tableWidth";

const mono = { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", fontSize: 12 };

interface Props {
  className: string;
  invoices: InvoiceView[];
  loading?: boolean;
  emptyText?: string;
  /** the 户号 column (left out where all rows are one account's) */
  showAccount?: boolean;
  /** a row opens the invoice's details; without it the rows are read-only */
  onOpen?: (invoice: InvoiceView) => void;
  /** server paging (发票管理); default: 20 a page in the browser once there are more */
  pagination?: TablePaginationConfig;
}

/**
 * Invoices, blue and red: number, kind, status, buyer, amount, when issued and how many attempts it took.
 * Failed ones are highlighted (they need a 重新开具). Used by 发票管理 and the account's 发票 tab.
 */
export function InvoiceTable({
  className,
  invoices,
  loading,
  emptyText = "暂无发票",
  showAccount = true,
  onOpen,
  pagination,
}: Props) {
  const columns: TableColumnsType<InvoiceView> = [
    {
      title: "发票号码",
      dataIndex: "invoiceNo",
      width: 176,
      render: (v: string | null) => (v ? <span style={mono}>{v}</span> : EMPTY),
    },
    {
      title: "种类",
      dataIndex: "kind",
      width: 92,
      render: (k: InvoiceView["kind"]) => <InvoiceKindTag kind={k} />,
    },
    {
      title: "状态",
      dataIndex: "status",
      width: 92,
      render: (s: InvoiceView["status"], inv) =>
        inv.failReason ? (
          <Tooltip title={inv.failReason}>
            <span>
              <InvoiceStatusTag status={s} />
            </span>
          </Tooltip>
        ) : (
          <InvoiceStatusTag status={s} />
        ),
    },
    ...(showAccount
      ? ([{ title: "户号", dataIndex: "accountNo", width: 110 }] satisfies TableColumnsType<InvoiceView>)
      : []),
    {
      title: "购买方",
      key: "buyer",
      ellipsis: { showTitle: true },
      render: (_, inv) => (
        <Space orientation="vertical" size={0}>
          <span>
            {inv.buyerName}
            <Typography.Text type="secondary">（{INVOICE_TITLE_KIND_LABELS[inv.buyerKind]}）</Typography.Text>
          </span>
          {inv.buyerTaxId && (
            <Typography.Text type="secondary" style={mono}>
              {inv.buyerTaxId}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: "价税合计",
      dataIndex: "totalFen",
      width: 116,
      align: "right",
      render: (f: number) => (f < 0 ? <Typography.Text type="danger">{formatYuan(f)}</Typography.Text> : formatYuan(f)),
    },
    { title: "开票时间", dataIndex: "issuedAt", width: 170, render: formatDateTime },
    {
      title: "开具次数",
      dataIndex: "attempts",
      width: 88,
      align: "right",
      render: (n: number, inv) => (inv.status === "failed" ? <Typography.Text type="danger">{n}</Typography.Text> : n),
    },
    ...(onOpen
      ? ([
          {
            title: "",
            key: "open",
            width: 64,
            fixed: "right",
            render: (_: unknown, inv: InvoiceView) => (
              <Button
                type="link"
                size="small"
                onClick={(e) => {
                  e.stopPropagation();
                  onOpen(inv);
                }}
              >
                详情
              </Button>
            ),
          },
        ] satisfies TableColumnsType<InvoiceView>)
      : []),
  ];

  return (
    <Table<InvoiceView>
      className={className}
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={invoices}
      loading={loading}
      scroll={{ x: minTableWidth(columns) }}
      rowClassName={(inv) => (inv.status === "failed" ? "invoice-row-failed" : "")}
      onRow={onOpen ? (inv) => ({ onClick: () => onOpen(inv), style: { cursor: "pointer" } }) : undefined}
      locale={{ emptyText }}
      pagination={pagination ?? (invoices.length > 20 ? { pageSize: 20, showTotal: (t) => `共 ${t} 张` } : false)}
    />
  );
}
