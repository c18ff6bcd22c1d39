import { formatYuan, ResolveFlagSchema, type ResolveFlagInput, surplusNotice } from "@warmline/shared";
import { Alert, Descriptions, Form, Input, Modal, Radio, Space } from "antd";
import { messageOf } from "../api/api";
import type { PaymentView } from "../api/payments";
import { zodRule } from "../forms/zodRule";
import { useResolveFlag } from "../queries/payments";

interface Values {
  action: ResolveFlagInput["action"];
  reason: string;
}

interface Props {
  /** the flagged payment; null = closed */
  payment: PaymentView | null;
  onClose: () => void;
  onResolved: (payment: PaymentView, action: ResolveFlagInput["action"]) => void;
}

/** 处理异常款: apply money that could not be applied to the household's open bills, or refund it. */
export function ResolveFlagModal({ payment, ...rest }: Props) {
  // a fresh form at every opening
  return payment ? <ResolveFlagDialog key={payment.id} payment={payment} {...rest} /> : null;
}

function ResolveFlagDialog({ payment, onClose, onResolved }: Props & { payment: PaymentView }) {
  const [form] = Form.useForm<Values>();
  const resolve = useResolveFlag();

  const submit = async () => {
    const v = await form.validateFields();
    const result = await resolve.mutateAsync({ payment, input: { action: v.action, reason: v.reason.trim() } });
    resolve.reset();
    onResolved(result, v.action);
  };

  const close = () => {
    resolve.reset();
    onClose();
  };

  return (
    <Modal
      open
      title={`处理异常款 · 订单号 ${payment.outTradeNo}`}
      okText="确认处理"
      cancelText="取消"
      confirmLoading={resolve.isPending}
      onOk={() => submit().catch(() => undefined)}
      onCancel={close}
    >
      <Descriptions
        size="small"
        column={1}
        bordered
        style={{ marginBottom: 16 }}
        items={[
          { key: "acc", label: "户号", children: payment.accountNo },
          { key: "amt", label: "缴费金额", children: formatYuan(payment.amountFen) },
          { key: "un", label: "未分配金额", children: formatYuan(payment.unappliedFen) },
          { key: "why", label: "异常原因", children: payment.flagReason ?? "需人工核对" },
          ...(payment.surplus
            ? [{ key: "surplus", label: "余款处理（居民已获告知）", children: surplusNotice(payment.surplus) }]
            : []),
        ]}
      />
      {resolve.isError && (
        <Alert type="error" showIcon role="alert" title={messageOf(resolve.error)} style={{ marginBottom: 16 }} />
      )}
      <Form
        form={form}
        name="resolve-flag"
        layout="vertical"
        preserve={false}
        initialValues={{ reason: "" }}
        // a refusal is about what was sent: it goes once the form is edited
        onValuesChange={() => resolve.isError && resolve.reset()}
      >
        <Form.Item label="处理方式" name="action" rules={[{ required: true, message: "请选择处理方式" }]}>
          <Radio.Group>
            <Space orientation="vertical">
              <Radio value="allocate">分配到该户欠费账单（从最早的欠费起）</Radio>
              <Radio value="refund">原路退回 {formatYuan(payment.unappliedFen)}</Radio>
            </Space>
          </Radio.Group>
        </Form.Item>
        <Form.Item label="处理说明" name="reason" rules={[zodRule(ResolveFlagSchema.shape.reason)]}>
          <Input.TextArea rows={3} maxLength={200} showCount placeholder="如：已电话核实，用于缴纳本季欠费" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
