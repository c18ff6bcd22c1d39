import { formatYuan } from "@warmline/shared";
import { Alert, Descriptions, Form, Input, Modal } from "antd";
import { messageOf } from "../api/api";
import { reasonRule } from "../forms/reasonRule";
import type { BillView } from "../api/billing";
import { yuanRule } from "../forms/yuanRule";
import { parseYuan } from "../money";
import { useWaiveBill } from "../queries/billing";

interface Values {
  principal?: string;
  lateFee?: string;
  reason: string;
}

interface Props {
  accountId: number;
  /** the bill to waive on; null = closed */
  bill: BillView | null;
  onClose: () => void;
  onWaived: (bill: BillView) => void;
}

const fenOrZero = (text: string | undefined) => {
  const r = parseYuan(text);
  return r.ok ? r.fen : 0;
};

/** 减免: principal and/or late fee in 元, with a reason; the server judges against what is owed today. */
export function WaiveModal({ accountId, bill, onClose, onWaived }: Props) {
  const [form] = Form.useForm<Values>();
  const waive = useWaiveBill(accountId);
  const principalOwed = bill ? bill.owedFen - bill.lateFeeFen : 0;
  const lateFeeOwed = bill?.lateFeeFen ?? 0;

  const submit = async () => {
    if (!bill) return;
    const v = await form.validateFields();
    const result = await waive.mutateAsync({
      billId: bill.id,
      input: { principalFen: fenOrZero(v.principal), lateFeeFen: fenOrZero(v.lateFee), reason: v.reason.trim() },
    });
    waive.reset();
    onWaived(result);
  };

  const close = () => {
    waive.reset();
    onClose();
  };

  return (
    <Modal
      open={bill !== null}
      title={bill ? `减免 · ${bill.seasonCode} 供热季账单` : "减免"}
      okText="确认减免"
      cancelText="取消"
      confirmLoading={waive.isPending}
      onOk={() => submit().catch(() => undefined)}
      onCancel={close}
      destroyOnHidden
    >
      <Alert type="warning" showIcon title="减免将记入审计日志，请如实填写原因" style={{ marginBottom: 16 }} />
      {bill && (
        <Descriptions
          size="small"
          column={2}
          style={{ marginBottom: 16 }}
          items={[
            { key: "p", label: "欠缴本金", children: formatYuan(principalOwed) },
            { key: "l", label: "欠缴滞纳金", children: formatYuan(lateFeeOwed) },
          ]}
        />
      )}
      {waive.isError && (
        <Alert type="error" showIcon role="alert" title={messageOf(waive.error)} style={{ marginBottom: 16 }} />
      )}
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ principal: "", lateFee: "", reason: "" }}
        // a refusal is about the amounts it was asked for: it goes once they change
        onValuesChange={() => waive.isError && waive.reset()}
      >
        <Form.Item
          label="减免本金（元）"
          name="principal"
          rules={[yuanRule({ allowZero: true, maxFen: principalOwed, maxMessage: "不能超过欠缴本金" })]}
        >
          <Input inputMode="decimal" placeholder="0.00" autoComplete="off" />
        </Form.Item>
        <Form.Item
          label="减免滞纳金（元）"
          name="lateFee"
          dependencies={["principal"]}
          validateFirst
          rules={[
            yuanRule({ allowZero: true, maxFen: lateFeeOwed, maxMessage: "不能超过欠缴滞纳金" }),
            ({ getFieldValue }) => ({
              validator: async (_r, value: string | undefined) => {
                if (fenOrZero(getFieldValue("principal")) + fenOrZero(value) === 0) {
                  throw new Error("减免金额应大于 0");
                }
              },
            }),
          ]}
        >
          <Input inputMode="decimal" placeholder="0.00" autoComplete="off" />
        </Form.Item>
        <Form.Item label="减免原因" name="reason" rules={[reasonRule("减免原因")]}>
          <Input.TextArea rows={3} maxLength={200} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
