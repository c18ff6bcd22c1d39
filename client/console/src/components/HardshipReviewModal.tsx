import type { HardshipApplicationDetail, HardshipTerms } from "@warmline/shared";
import { Alert, Form, Input, InputNumber, Modal, Radio, Select, Space } from "antd";
import { messageOf } from "../api/api";
import { useHardshipStep } from "../queries/hardship";
import { termsText } from "./HardshipParts";

interface Values {
  decision: "approve" | "reject";
  reason: string;
  kind?: HardshipTerms["kind"];
  value?: number;
}

interface Props {
  app: HardshipApplicationDetail;
  /** which step; null = closed */
  step: "community" | "center" | null;
  onClose: () => void;
}

/**
 * 初审 / 复核: approve or reject with a reason; the centre may change the terms within the rules
 * (2–3 instalments, 1–3 months' deferral). The server has the last word (a 409 when someone else decided first).
 */
export function HardshipReviewModal({ app, step, onClose }: Props) {
  const [form] = Form.useForm<Values>();
  const mutation = useHardshipStep(app.id, app.accountId);
  const kind = Form.useWatch("kind", form) ?? app.requestedTerms.kind;
  const decision = Form.useWatch("decision", form);

  const submit = async () => {
    const v = await form.validateFields();
    const reason = v.reason.trim();
    if (step === "community") {
      await mutation.mutateAsync({ step: "community", input: { decision: v.decision, reason } });
    } else {
      const terms: HardshipTerms | undefined =
        v.decision === "approve" && v.kind && v.value
          ? v.kind === "deferral"
            ? { kind: "deferral", months: v.value }
            : { kind: "instalments", count: v.value }
          : undefined;
      await mutation.mutateAsync({ step: "center", input: { decision: v.decision, reason, terms } });
    }
    form.resetFields();
    onClose();
  };

  const requested = app.requestedTerms;
  return (
    <Modal
      open={step !== null}
      title={step === "community" ? "社区初审" : "供热中心复核"}
      okText="提交审核结果"
      cancelText="取消"
      confirmLoading={mutation.isPending}
      onOk={() => void submit().catch(() => {})}
      onCancel={() => {
        mutation.reset();
        onClose();
      }}
      destroyOnHidden
    >
      {mutation.isError && (
        <Alert type="error" showIcon role="alert" title={messageOf(mutation.error)} style={{ marginBottom: 12 }} />
      )}
      <Form<Values>
        form={form}
        name="hardship-review"
        layout="vertical"
        initialValues={{
          decision: "approve",
          kind: requested.kind,
          value: requested.kind === "deferral" ? requested.months : requested.count,
        }}
        onValuesChange={() => mutation.isError && mutation.reset()}
      >
        <Form.Item name="decision" label="审核结果" rules={[{ required: true, message: "请选择审核结果" }]}>
          <Radio.Group
            options={[
              { value: "approve", label: "通过" },
              { value: "reject", label: "不通过" },
            ]}
          />
        </Form.Item>
        {step === "center" && decision !== "reject" && (
          <Form.Item label={`方案（申请：${termsText(requested)}，可在规则内调整）`}>
            <Space>
              <Form.Item name="kind" noStyle>
                <Select
                  style={{ width: 120 }}
                  options={[
                    { value: "instalments", label: "分期缴纳" },
                    { value: "deferral", label: "缓缴" },
                  ]}
                  onChange={(k) => form.setFieldValue("value", k === "deferral" ? 1 : 2)}
                />
              </Form.Item>
              <Form.Item
                name="value"
                noStyle
                rules={[{ required: true, message: kind === "deferral" ? "请填写缓缴月数" : "请填写分期期数" }]}
              >
                <InputNumber min={kind === "deferral" ? 1 : 2} max={3} precision={0} style={{ width: 100 }} />
              </Form.Item>
              <span>{kind === "deferral" ? "个月（最长3个月）" : "期（2至3期）"}</span>
            </Space>
          </Form.Item>
        )}
        <Form.Item
          name="reason"
          label="理由"
          rules={[
            { required: true, whitespace: true, message: "请填写理由" },
            { min: 2, max: 200, message: "理由为2至200字" },
          ]}
        >
          <Input.TextArea rows={3} placeholder="如：经入户核实，低保证件真实有效" maxLength={200} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
