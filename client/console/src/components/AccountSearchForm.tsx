import { SearchOutlined } from "@ant-design/icons";
import { Button, Form, Input, Space } from "antd";
import { useEffect } from "react";
import { CommunitySelect } from "./CommunitySelect";

export interface AccountSearchValues {
  q?: string;
  communityId?: number;
}

interface Props {
  initial: AccountSearchValues;
  onSearch: (v: AccountSearchValues) => void;
}

/** One search box (户号 / 手机号 / 地址, recognised by the server) plus a 小区 filter. */
export function AccountSearchForm({ initial, onSearch }: Props) {
  const [form] = Form.useForm<AccountSearchValues>();

  // Follow the URL (back/forward navigation).
  useEffect(() => {
    form.setFieldsValue({ q: initial.q ?? "", communityId: initial.communityId });
  }, [form, initial.q, initial.communityId]);

  return (
    <Form
      form={form}
      layout="inline"
      initialValues={initial}
      onFinish={(v) => onSearch({ q: v.q?.trim() || undefined, communityId: v.communityId })}
    >
      <Form.Item name="q">
        <Input
          id="account-search"
          placeholder="户号 / 手机号 / 地址"
          allowClear
          maxLength={100}
          style={{ width: 320 }}
          prefix={<SearchOutlined />}
        />
      </Form.Item>
      <Form.Item name="communityId">
        <CommunitySelect />
      </Form.Item>
      <Form.Item>
        <Space>
          <Button type="primary" htmlType="submit">
            查询
          </Button>
          <Button
            onClick={() => {
              form.resetFields();
              form.setFieldsValue({ q: "", communityId: undefined });
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
