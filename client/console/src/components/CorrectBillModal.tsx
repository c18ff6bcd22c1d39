import { formatYuan } from "@warmline/shared";
import { Alert, Descriptions, Form, Input, Modal, Table, Typography } from "antd";
import { messageOf } from "../api/api";
import { reasonRule } from "../forms/reasonRule";
import type { BillCorrectionView, BillView } from "../api/billing";
import { useCorrectBill } from "../queries/billing";

interface Values {
  area: string;
  reason: string;
}

interface Props {
  accountId: number;
  /** the bill to correct; null = closed */
  bill: BillView | null;
  onClose: () => void;
  onCorrected: (bill: BillView) => void;
}

const AREA_RE = /^\d{1,6}(\.\d{1,2})?$/;

/** The amount a corrected area gives at the bill's unit price (the server recomputes it, 报停 share included). */
function previewFen(bill: BillView, area: string): number | null {
  if (!AREA_RE.test(area.trim()) || bill.suspended) return null;
  const hundredths = Math.round(Number(area) * 100);
  return Math.floor((hundredths * bill.unitPriceFen + 50) / 100);
}

/**
 * 账单更正: a bill already issued changes only through a correction with a reason. The new area gives the new
 * amount at the bill's own unit price; the unpaid late fee shrinks in proportion when the amount falls.
 */
export function CorrectBillModal({ accountId, bill, onClose, onCorrected }: Props) {
  const [form] = Form.useForm<Values>();
  const correct = useCorrectBill(accountId);
  const area = Form.useWatch("area", form) ?? "";
  const preview = bill ? previewFen(bill, area) : null;

  const submit = async () => {
    if (!bill) return;
    const v = await form.validateFields();
    const result = await correct.mutateAsync({
      billId: bill.id,
      input: { heatedArea: Number(v.area.trim()), reason: v.reason.trim() },
    });
    correct.reset();
    onCorrected(result);
  };

  const close = () => {
    correct.reset();
    onClose();
  };

  return (
    <Modal
      open={bill !== null}
      title={bill ? `更正面积 · ${bill.seasonCode} 供热季账单` : "更正面积"}
      okText="确认更正"
      cancelText="取消"
      confirmLoading={correct.isPending}
      onOk={() => submit().catch(() => undefined)}
      onCancel={close}
      destroyOnHidden
    >
      <Alert
        type="info"
        showIcon
        title="已出账单的面积只能通过更正修改：金额按账单单价重算，欠缴滞纳金按欠缴本金同比例调整，记入审计日志。账户登记面积的修改从下一期账单起生效。"
        style={{ marginBottom: 16 }}
      />
      {bill && (
        <Descriptions
          size="small"
          column={2}
          style={{ marginBottom: 16 }}
          items={[
            { key: "a", label: "账单面积", children: `${bill.heatedArea.toFixed(2)} ㎡` },
            { key: "u", label: "单价", children: `${formatYuan(bill.unitPriceFen)}/㎡` },
            { key: "m", label: "应缴金额", children: formatYuan(bill.amountFen) },
            { key: "o", label: "当前欠费", children: formatYuan(bill.owedFen) },
            ...(preview !== null
              ? [{ key: "n", label: "更正后应缴", children: <strong>{formatYuan(preview)}</strong> }]
              : []),
          ]}
        />
      )}
      {correct.isError && (
        <Alert type="error" showIcon role="alert" title={messageOf(correct.error)} style={{ marginBottom: 16 }} />
      )}
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ area: "", reason: "" }}
        onValuesChange={() => correct.isError && correct.reset()}
      >
        <Form.Item
          label="更正后供热面积（㎡）"
          name="area"
          rules={[
            {
              validator: async (_r, value: string | undefined) => {
                const t = (value ?? "").trim();
                if (!AREA_RE.test(t) || Number(t) <= 0) throw new Error("请填写大于0的面积，最多两位小数");
                if (bill && Math.round(Number(t) * 100) === Math.round(bill.heatedArea * 100)) {
                  throw new Error("与账单面积相同");
                }
              },
            },
          ]}
        >
          <Input inputMode="decimal" placeholder="例如 86.50" autoComplete="off" />
        </Form.Item>
        <Form.Item label="更正原因" name="reason" rules={[reasonRule("更正原因")]}>
          <Input.TextArea rows={3} maxLength={200} showCount placeholder="例如：入户实测面积与登记不符" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 账单更正记录 under the bills: who changed which bill's area, from what to what, and why. */
export function BillCorrectionsTable({ items }: { items: BillCorrectionView[] }) {
  if (items.length === 0) return null;
  return (
    <div className="bill-corrections">
      <Typography.Title level={5} style={{ marginTop: 8 }}>
        账单更正记录
      </Typography.Title>
      <Table<BillCorrectionView>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={items}
        columns={[
          {
            title: "时间",
            dataIndex: "createdAt",
            width: 150,
            render: (v: string) => new Date(v).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false }),
          },
          { title: "供热季", dataIndex: "seasonCode", width: 100 },
          {
            title: "面积（㎡）",
            key: "area",
            render: (_: unknown, c) => `${c.oldArea.toFixed(2)} → ${c.newArea.toFixed(2)}`,
          },
          {
            title: "应缴金额",
            key: "amount",
            render: (_: unknown, c) => `${formatYuan(c.oldAmountFen)} → ${formatYuan(c.newAmountFen)}`,
          },
          {
            title: "欠缴滞纳金",
            key: "late",
            render: (_: unknown, c) => `${formatYuan(c.oldLateFeeFen)} → ${formatYuan(c.newLateFeeFen)}`,
          },
          { title: "原因", dataIndex: "reason" },
          { title: "操作人", dataIndex: "staffName", width: 100, render: (v: string | null) => v ?? "—" },
        ]}
      />
    </div>
  );
}
