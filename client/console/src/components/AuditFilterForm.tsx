import { AUDIT_ACTION_LABELS } from "@warmline/shared";
import { Button, Form, InputNumber, Select, Space } from "antd";
import { useEffect } from "react";

const ACTION_OPTIONS = Object.entries(AUDIT_ACTION_LABELS).map(([value, label]) => ({ value, label }));

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
    form.setFieldsValue({ action: initial.action, actorId: initial.actorId });
  }, [form, initial.action, initial.actorId]);

  return (
    <Form
      form={form}
      layout="inline"
      initialValues={initial}
      onFinish={(v) => onSearch({ action: v.action || undefined, actorId: v.actorId ?? undefined })}
    >
      <Form.Item name="action" label="操作">
        <Select
          placeholder="全部操作"
          allowClear
          showSearch={{ optionFilterProp: "label" }}
          options={ACTION_OPTIONS}
          style={{ width: 240 }}
        />
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
              form.setFieldsValue({ action: undefined, actorId: undefined });
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
