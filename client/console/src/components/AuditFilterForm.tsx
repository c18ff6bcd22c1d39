import { Button, Form, Input, InputNumber, Space } from "antd";
import { useEffect } from "react";

export interface AuditFilterValues {
  action?: string;
  actorId?: number;
}

interface Props {
  initial: AuditFilterValues;
  onSearch: (v: AuditFilterValues) => void;
}

export function AuditFilterForm({ initial, onSearch }: Props) {
  const [form] = Form.useForm<AuditFilterValues>();

  useEffect(() => {
    form.setFieldsValue({ action: initial.action ?? "", actorId: initial.actorId });
  }, [form, initial.action, initial.actorId]);

  return (
    <Form
      form={form}
      layout="inline"
      initialValues={initial}
      onFinish={(v) => onSearch({ action: v.action?.trim() || undefined, actorId: v.actorId ?? undefined })}
    >
      <Form.Item name="action" label="操作">
        <Input placeholder="操作代码" allowClear maxLength={64} style={{ width: 240 }} />
      </Form.Item>
      <Form.Item name="actorId" label="操作人编号">
        <InputNumber min={1} precision={0} placeholder="工作人员编号" style={{ width: 160 }} />
      </Form.Item>
      <Form.Item>
        <Space>
          <Button type="primary" htmlType="submit">
            查询
          </Button>
          <Button
            onClick={() => {
              form.setFieldsValue({ action: "", actorId: undefined });
              onSearch({});
            }}
          >
            重置
          </Button>
        </Space>
      </Form.Item>
    </Form>
  );
}
