import { billRelief, formatYuan } from "@warmline/shared";
import { Button, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import type { BillView } from "../api/billing";
import { formatArea } from "../format";
import { formatUnitPrice } from "../money";
import { BillStatusTag } from "./BillTags";

const money = (fen: number) => formatYuan(fen);
const muted = (text: string) => (
  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
    {text}
  </Typography.Text>
);

interface Props {
  bills: BillView[];
  loading?: boolean;
  /** the full picture (area, price, waivers, due date) or only what a cashier needs */
  variant?: "full" | "cashier";
  /** bills that the payment being prepared covers; the others are dimmed */
  chosen?: ReadonlySet<number>;
  /** shown as a 减免 action on bills that still owe money */
  onWaive?: (bill: BillView) => void;
  /** 更正面积 of an issued bill (supervisors and admins) */
  onCorrect?: (bill: BillView) => void;
}

/** Bills oldest season first, with what is owed now: 应缴 / 已缴 / 滞纳金 / 欠费. */
export function BillTable({ bills, loading, variant = "full", chosen, onWaive, onCorrect }: Props) {
  const full = variant === "full";
  const columns: TableColumnsType<BillView> = [
    {
      title: "供热季",
      dataIndex: "seasonCode",
      width: 120,
      render: (code: string, b) => (
        <Space size={4}>
          {code}
          {b.suspended && <Tag color="orange">报停</Tag>}
        </Space>
      ),
    },
    ...(full
      ? ([
          { title: "面积(m²)", dataIndex: "heatedArea", width: 90, align: "right", render: formatArea },
          { title: "单价", dataIndex: "unitPriceFen", width: 110, align: "right", render: formatUnitPrice },
        ] satisfies TableColumnsType<BillView>)
      : []),
    { title: "应缴", dataIndex: "amountFen", width: 110, align: "right", render: money },
    {
      title: "已缴",
      dataIndex: "paidFen",
      width: 110,
      align: "right",
      render: (fen: number, b) => (
        <Space orientation="vertical" size={0}>
          {money(fen)}
          {b.waivedFen > 0 && muted(`减免 ${money(b.waivedFen)}`)}
        </Space>
      ),
    },
    {
      title: "滞纳金",
      dataIndex: "lateFeeFen",
      width: 130,
      align: "right",
      render: (fen: number, b) => (
        <Space orientation="vertical" size={0}>
          {b.lateFeeExempt ? <Tag color="green">免缴</Tag> : money(fen)}
          {b.lateFeePaidFen > 0 && muted(`已缴 ${money(b.lateFeePaidFen)}`)}
          {b.lateFeeWaivedFen > 0 && muted(`减免 ${money(b.lateFeeWaivedFen)}`)}
        </Space>
      ),
    },
    {
      title: "欠费",
      dataIndex: "owedFen",
      width: 120,
      align: "right",
      render: (fen: number) => (fen > 0 ? <Typography.Text type="danger">{money(fen)}</Typography.Text> : money(0)),
    },
    ...(full ? ([{ title: "缴费截止", dataIndex: "dueDate", width: 110 }] satisfies TableColumnsType<BillView>) : []),
    {
      title: "逾期",
      dataIndex: "overdueDays",
      width: 80,
      align: "right",
      render: (d: number) => (d > 0 ? `${d} 天` : "—"),
    },
    {
      title: "状态",
      dataIndex: "status",
      width: full ? 200 : 160,
      render: (s: BillView["status"], b) => {
        const relief = billRelief(b);
        return (
          <Space orientation="vertical" size={2} className="bill-status-cell">
            <Space size={4} wrap>
              <BillStatusTag status={s} />
              {relief && s !== "waived" && <Tag color="green">{relief.label}</Tag>}
            </Space>
            {relief && (
              <Typography.Text type="secondary" className="bill-relief-reason" style={{ fontSize: 12 }}>
                {relief.reason}
              </Typography.Text>
            )}
          </Space>
        );
      },
    },
    ...(onWaive || onCorrect
      ? ([
          {
            title: "操作",
            key: "actions",
            width: 150,
            render: (_: unknown, b: BillView) => (
              <Space size={0}>
                {onWaive && b.owedFen > 0 && (
                  <Button type="link" size="small" onClick={() => onWaive(b)}>
                    减免
                  </Button>
                )}
                {onCorrect && (
                  <Button type="link" size="small" onClick={() => onCorrect(b)}>
                    更正面积
                  </Button>
                )}
              </Space>
            ),
          },
        ] satisfies TableColumnsType<BillView>)
      : []),
  ];

  return (
    <Table<BillView>
      className="bill-table"
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={bills}
      loading={loading}
      pagination={false}
      rowClassName={(b) => (chosen && !chosen.has(b.id) ? "bill-row-excluded" : "")}
      locale={{ emptyText: "暂无账单" }}
    />
  );
}
