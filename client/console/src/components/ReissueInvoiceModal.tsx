import { INVOICE_TITLE_KIND_LABELS, ReissueInvoiceSchema, formatYuan } from "@warmline/shared";
import { Alert, Checkbox, Descriptions, Form, Input, Modal } from "antd";
import { messageOf } from "../api/api";
import type { InvoiceView } from "../api/invoices";
import { type InvoiceTitleValues, toInvoiceTitleInput } from "../forms/invoiceTitle";
import { zodRule } from "../forms/zodRule";
import { orEmpty } from "../format";
import { useReissueInvoice } from "../queries/invoices";
import { InvoiceTitleFields } from "./InvoiceTitleFields";

interface Values {
  reason: string;
  /** 更正抬头: send a corrected buyer with the reissue */
  correct: boolean;
  title: InvoiceTitleValues;
}

interface Props {
  /** the failed invoice; null = closed */
  invoice: InvoiceView | null;
  onClose: () => void;
  onReissued: (invoice: InvoiceView) => void;
}

/**
 * 重新开具 a failed invoice: a reason (audited), and optionally a corrected buyer (a wrong 纳税人识别号 is
 * the usual cause). A fresh form at every opening.
 */
export function ReissueInvoiceModal({ invoice, ...rest }: Props) {
  return invoice ? <ReissueDialog key={invoice.id} invoice={invoice} {...rest} /> : null;
}

function ReissueDialog({ invoice, onClose, onReissued }: Props & { invoice: InvoiceView }) {
  const [form] = Form.useForm<Values>();
  const reissue = useReissueInvoice();
  const correct = Form.useWatch("correct", form) ?? false;

  const submit = async () => {
    const v = await form.validateFields();
    const input = ReissueInvoiceSchema.parse({
      reason: v.reason,
      title: v.correct ? toInvoiceTitleInput(v.title) : undefined,
    });
    const result = await reissue.mutateAsync({ invoice, input });
    reissue.reset();
    onReissued(result);
  };

  const close = () => {
    reissue.reset();
    onClose();
  };

  return (
    <Modal
      open
      title={`重新开具 · 户号 ${invoice.accountNo}`}
      okText="确认重开"
      cancelText="取消"
      confirmLoading={reissue.isPending}
      onOk={() => submit().catch(() => undefined)}
      onCancel={close}
      width={600}
    >
      <Descriptions
        size="small"
        column={2}
        bordered
        style={{ marginBottom: 16 }}
        items={[
          { key: "otn", label: "商户订单号", span: 2, children: invoice.outTradeNo },
          { key: "amt", label: "价税合计", children: formatYuan(invoice.totalFen) },
          { key: "att", label: "已尝试", children: `${invoice.attempts} 次` },
          {
            key: "buyer",
            label: "购买方",
            span: 2,
            children: `${invoice.buyerName}（${INVOICE_TITLE_KIND_LABELS[invoice.buyerKind]}）`,
          },
          { key: "tax", label: "纳税人识别号", span: 2, children: orEmpty(invoice.buyerTaxId) },
          { key: "why", label: "失败原因", span: 2, children: invoice.failReason ?? "原因未知" },
        ]}
      />
      {reissue.isError && (
        <Alert type="error" showIcon role="alert" title={messageOf(reissue.error)} style={{ marginBottom: 16 }} />
      )}
      <Form<Values>
        form={form}
        name="reissue-invoice"
        layout="vertical"
        preserve={false}
        // a refusal is about what was sent: it goes once the form is edited
        onValuesChange={() => reissue.isError && reissue.reset()}
        initialValues={{
          reason: "",
          correct: false,
          title: {
            kind: invoice.buyerKind,
            name: invoice.buyerName,
            taxId: invoice.buyerTaxId ?? "",
            email: invoice.pushEmail ?? "",
          },
        }}
      >
        <Form.Item label="重开原因" name="reason" rules={[zodRule(ReissueInvoiceSchema.shape.reason)]}>
          <Input.TextArea rows={3} maxLength={200} showCount placeholder="如：纳税人识别号有误，已与单位核实" />
        </Form.Item>
        <Form.Item name="correct" valuePropName="checked">
          <Checkbox>更正购买方抬头</Checkbox>
        </Form.Item>
        {correct && <InvoiceTitleFields path={["title"]} idPrefix="reissue-title" />}
      </Form>
    </Modal>
  );
}
