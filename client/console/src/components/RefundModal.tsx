import { CreateRefundSchema, fenToYuan, formatYuan, PAYMENT_CHANNEL_LABELS } from "@warmline/shared";
import { Alert, Descriptions, Form, Input, Modal } from "antd";
import { isApiError, messageOf } from "../api/api";
import type { PaymentView, RefundView } from "../api/payments";
import { yuanRule } from "../forms/yuanRule";
import { zodRule } from "../forms/zodRule";
import { fenOf } from "../money";
import { useCreateRefund } from "../queries/payments";

interface Values {
  amount: string;
  reason: string;
}

interface Props {
  /** the payment to refund; null = closed */
  payment: PaymentView | null;
  onClose: () => void;
  onRefunded: (refund: RefundView) => void;
}

/** What may still be refunded of a payment. */
export function refundableFen(p: Pick<PaymentView, "amountFen" | "refundedFen">): number {
  return Math.max(0, p.amountFen - p.refundedFen);
}

/** REFUND_TOO_LARGE carries what the server will still refund. */
function tooLargeText(e: unknown): string | null {
  if (!isApiError(e) || e.code !== "REFUND_TOO_LARGE") return null;
  const left = (e.details as { refundableFen?: unknown } | undefined)?.refundableFen;
  const suffix = typeof left === "number" && Number.isSafeInteger(left) ? `（当前可退 ${formatYuan(left)}）` : "";
  return `${e.message}${suffix}`;
}

/**
 * 退款: an amount in 元 (defaults to all that is refundable) and a reason; the server checks again.
 * Every opening gets a fresh form, so the default follows what was refunded meanwhile.
 */
export function RefundModal({ payment, ...rest }: Props) {
  return payment ? <RefundDialog key={payment.id} payment={payment} {...rest} /> : null;
}

function RefundDialog({ payment, onClose, onRefunded }: Props & { payment: PaymentView }) {
  const [form] = Form.useForm<Values>();
  const refund = useCreateRefund();
  const left = refundableFen(payment);
  // REFUND_TOO_LARGE is shown on the amount itself; other refusals above the form
  const generalError = refund.isError && tooLargeText(refund.error) === null ? refund.error : null;

  const submit = async () => {
    const v = await form.validateFields();
    try {
      const result = await refund.mutateAsync({
        payment,
        input: { amountFen: fenOf(v.amount), reason: v.reason.trim() },
      });
      refund.reset();
      onRefunded(result);
    } catch (e) {
      const text = tooLargeText(e);
      if (text) form.setFields([{ name: "amount", errors: [text] }]);
    }
  };

  const close = () => {
    refund.reset();
    onClose();
  };

  return (
    <Modal
      open
      title={`退款 · 订单号 ${payment.outTradeNo}`}
      okText="确认退款"
      cancelText="取消"
      okButtonProps={{ danger: true }}
      confirmLoading={refund.isPending}
      onOk={() => submit().catch(() => undefined)}
      onCancel={close}
    >
      <Alert
        type="warning"
        showIcon
        title="退款将原路退回并记入审计日志，提交后不可撤销"
        style={{ marginBottom: 16 }}
      />
      <Descriptions
        size="small"
        column={2}
        style={{ marginBottom: 16 }}
        items={[
          { key: "acc", label: "户号", children: payment.accountNo },
          { key: "ch", label: "渠道", children: PAYMENT_CHANNEL_LABELS[payment.channel] ?? payment.channel },
          { key: "amt", label: "缴费金额", children: formatYuan(payment.amountFen) },
          { key: "ref", label: "已退", children: formatYuan(payment.refundedFen) },
          { key: "left", label: "可退金额", children: formatYuan(left) },
        ]}
      />
      {generalError && (
        <Alert type="error" showIcon role="alert" title={messageOf(generalError)} style={{ marginBottom: 16 }} />
      )}
      <Form
        form={form}
        name="refund"
        layout="vertical"
        preserve={false}
        initialValues={{ amount: fenToYuan(left), reason: "" }}
        // a refusal is about what was sent: it goes once the form is edited
        onValuesChange={() => refund.isError && refund.reset()}
      >
        <Form.Item
          label="退款金额（元）"
          name="amount"
          htmlFor="refund-amount"
          rules={[yuanRule({ required: true, maxFen: left, maxMessage: `不能超过可退金额 ${formatYuan(left)}` })]}
        >
          <Input id="refund-amount" inputMode="decimal" autoComplete="off" prefix="¥" />
        </Form.Item>
        <Form.Item label="退款原因" name="reason" rules={[zodRule(CreateRefundSchema.shape.reason)]}>
          <Input.TextArea rows={3} maxLength={200} showCount placeholder="如：重复缴费、多缴退回" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
