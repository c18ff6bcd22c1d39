import { type PiiField, RevealSchema, type RevealInput, type RevealResult } from "@warmline/shared";
import { Alert, Checkbox, Form, Input, Modal } from "antd";
import { messageOf } from "../api/api";
import { zodRule } from "../forms/zodRule";
import { useRevealAccount } from "../queries/accounts";

export const PII_FIELD_LABELS: Record<PiiField, string> = { phone: "电话", idNumber: "身份证号" };

interface Props {
  accountId: number;
  open: boolean;
  /** The fields this staff member may reveal (mayReveal). */
  fields: PiiField[];
  onClose: () => void;
  onRevealed: (result: RevealResult) => void;
}

/** Asks why the full personal data is needed, then unmasks it; the server writes an audit row. */
export function RevealModal({ accountId, open, fields, onClose, onRevealed }: Props) {
  const [form] = Form.useForm<RevealInput>();
  const reveal = useRevealAccount(accountId);

  const submit = async () => {
    const v = await form.validateFields();
    const result = await reveal.mutateAsync({ fields: v.fields, reason: v.reason.trim() });
    onRevealed(result);
    form.resetFields();
    reveal.reset();
  };

  return (
    <Modal
      open={open}
      title="查看完整信息"
      okText="确认查看"
      cancelText="取消"
      confirmLoading={reveal.isPending}
      onOk={() => submit().catch(() => undefined)}
      onCancel={() => {
        reveal.reset();
        onClose();
      }}
      destroyOnHidden
    >
      <Alert type="warning" showIcon title="此操作将记入审计日志" style={{ marginBottom: 16 }} />
      {reveal.isError && (
        <Alert type="error" showIcon role="alert" title={messageOf(reveal.error)} style={{ marginBottom: 16 }} />
      )}
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ fields, reason: "" }}
        // a refusal is about what was sent: it goes once the form is edited
        onValuesChange={() => reveal.isError && reveal.reset()}
      >
        <Form.Item label="查看内容" name="fields" rules={[zodRule(RevealSchema.shape.fields)]}>
          <Checkbox.Group options={fields.map((f) => ({ value: f, label: PII_FIELD_LABELS[f] }))} />
        </Form.Item>
        <Form.Item
          label="查看原因"
          name="reason"
          extra="至少2个字，例如：回访核实联系方式"
          rules={[zodRule(RevealSchema.shape.reason)]}
        >
          <Input.TextArea rows={3} maxLength={200} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
