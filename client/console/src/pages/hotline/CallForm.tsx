import { PhoneOutlined } from "@ant-design/icons";
import { CreateCallSchema, type TicketCategory } from "@warmline/shared";
import { Form, type FormInstance, Input, Select } from "antd";
import { zodRule } from "../../forms/zodRule";
import { fromShanghaiLocal, shanghaiDateTimeLocal } from "../../format";
import { categoryOptions } from "./fields";

export interface CallValues {
  callerPhone?: string;
  calledAt?: string;
  reason?: TicketCategory;
  notes?: string;
}

interface Props {
  form: FormInstance<CallValues>;
  /** a field changed (the call logged for the ticket being opened no longer matches it) */
  onValuesChange(changed: CallValues): void;
}

/**
 * 来电登记: the phone, the time it came in (Beijing, now by default, not in the future), the reason and a
 * summary. The same call is logged alone (仅登记来电), attached to an open ticket, or logged before a new one.
 */
export function CallForm({ form, onValuesChange }: Props) {
  return (
    <Form<CallValues>
      form={form}
      name="hotline-call"
      layout="inline"
      style={{ rowGap: 12 }}
      initialValues={{ calledAt: shanghaiDateTimeLocal(new Date()) }}
      onValuesChange={onValuesChange}
    >
      <Form.Item
        label="来电号码"
        name="callerPhone"
        htmlFor="call-phone"
        validateFirst
        rules={[
          { required: true, whitespace: true, message: "请填写来电号码" },
          zodRule(CreateCallSchema.shape.callerPhone),
        ]}
      >
        <Input id="call-phone" prefix={<PhoneOutlined />} maxLength={20} style={{ width: 180 }} />
      </Form.Item>
      <Form.Item
        label="来电时间"
        name="calledAt"
        htmlFor="call-time"
        validateFirst
        rules={[
          { required: true, message: "请填写来电时间" },
          {
            validator: async (_r, v: string | undefined) => {
              const at = fromShanghaiLocal(v);
              if (!at) throw new Error("来电时间格式不正确");
              if (Date.parse(at) > Date.now() + 5 * 60_000) throw new Error("来电时间不能晚于现在");
            },
          },
        ]}
      >
        <Input id="call-time" type="datetime-local" style={{ width: 200 }} />
      </Form.Item>
      <Form.Item
        label="来电事由"
        name="reason"
        htmlFor="call-reason"
        rules={[{ required: true, message: "请选择来电事由" }]}
      >
        <Select id="call-reason" options={categoryOptions} placeholder="请选择" style={{ width: 140 }} />
      </Form.Item>
      <Form.Item
        label="备注"
        name="notes"
        htmlFor="call-notes"
        rules={[zodRule(CreateCallSchema.shape.notes)]}
        style={{ flex: "1 1 360px" }}
      >
        <Input id="call-notes" maxLength={1000} placeholder="来电内容摘要" />
      </Form.Item>
    </Form>
  );
}
