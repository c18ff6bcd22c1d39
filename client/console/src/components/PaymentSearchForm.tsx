import { SearchOutlined } from "@ant-design/icons";
import { PAYMENT_CHANNEL_LABELS, PAYMENT_CHANNELS, PAYMENT_STATUS_LABELS } from "@warmline/shared";
import { Button, Checkbox, Form, Input, Select, Space } from "antd";
import { useEffect } from "react";
import type { PaymentChannel, PaymentStatus } from "../api/payments";

export interface PaymentFilterValues {
  q?: string;
  channel?: PaymentChannel;
  status?: PaymentStatus;
  flagged?: boolean;
}

export const PAYMENT_STATUSES: readonly PaymentStatus[] = ["paid", "created", "closed", "expired"];

const channelOptions = PAYMENT_CHANNELS.map((c) => ({ value: c, label: PAYMENT_CHANNEL_LABELS[c] }));
const statusOptions = PAYMENT_STATUSES.map((s) => ({ value: s, label: PAYMENT_STATUS_LABELS[s] ?? s }));

interface Props {
  initial: PaymentFilterValues;
  onSearch: (v: PaymentFilterValues) => void;
}

/** 缴费查询 filters: one box for 订单号/流水号/收据号/户号, channel, status, 仅看异常. */
export function PaymentSearchForm({ initial, onSearch }: Props) {
  const [form] = Form.useForm<PaymentFilterValues>();

  useEffect(() => {
    form.setFieldsValue({
      q: initial.q ?? "",
      channel: initial.channel,
      status: initial.status,
      flagged: initial.flagged ?? false,
    });
  }, [form, initial.q, initial.channel, initial.status, initial.flagged]);

  return (
    <Form
      form={form}
      name="payment-search-form"
      layout="inline"
      initialValues={{ ...initial, flagged: initial.flagged ?? false }}
      onFinish={(v) =>
        onSearch({
          q: v.q?.trim() || undefined,
          channel: v.channel ?? undefined,
          status: v.status ?? undefined,
          flagged: v.flagged || undefined,
        })
      }
      style={{ rowGap: 12 }}
    >
      <Form.Item name="q">
        <Input
          id="payment-search"
          placeholder="订单号 / 流水号 / 收据号 / 户号"
          allowClear
          maxLength={64}
          style={{ width: 320 }}
          prefix={<SearchOutlined />}
        />
      </Form.Item>
      <Form.Item name="channel" label="渠道">
        <Select placeholder="全部" allowClear options={channelOptions} style={{ width: 130 }} />
      </Form.Item>
      <Form.Item name="status" label="状态">
        <Select placeholder="全部" allowClear options={statusOptions} style={{ width: 110 }} />
      </Form.Item>
      <Form.Item name="flagged" valuePropName="checked">
        <Checkbox>仅看异常</Checkbox>
      </Form.Item>
      <Form.Item>
        <Space>
          <Button type="primary" htmlType="submit">
            查询
          </Button>
          <Button
            onClick={() => {
              form.setFieldsValue({ q: "", channel: undefined, status: undefined, flagged: false });
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
