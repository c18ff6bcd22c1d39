import { PlusOutlined } from "@ant-design/icons";
import {
  CreateTicketSchema,
  type StaffAccount,
  type StaffCreateTicketInput,
  TICKET_CHANNEL_LABELS,
  type TicketCategory,
} from "@warmline/shared";
import { Button, Form, type FormInstance, Input, Radio, Select, Space, Typography } from "antd";
import { tempRule } from "../../forms/tempRule";
import { zodRule } from "../../forms/zodRule";
import { categoryOptions } from "./fields";

export type StaffChannel = StaffCreateTicketInput["channel"];

export interface TicketValues {
  channel: StaffChannel;
  transferNo?: string;
  category?: TicketCategory;
  temp?: string;
  description?: string;
  contactName?: string;
  preferredContactTime?: string;
  address?: string;
}

const STAFF_CHANNELS: readonly StaffChannel[] = ["hotline", "visit", "12345"];
const channelOptions = STAFF_CHANNELS.map((c) => ({ value: c, label: TICKET_CHANNEL_LABELS[c] }));

interface Props {
  form: FormInstance<TicketValues>;
  /** the caller's household, when found (then no address is asked for) */
  account: StaffAccount | null;
  submitting: boolean;
  onSubmit(): void;
}

/** 新建工单 for a call, a home visit or a 12345 transfer (the transfer's number is then required). */
export function NewTicketForm({ form, account, submitting, onSubmit }: Props) {
  return (
    <Form<TicketValues>
      form={form}
      name="hotline-ticket"
      layout="vertical"
      initialValues={{ channel: "hotline" }}
      onFinish={onSubmit}
    >
      <Space wrap size="large" align="start">
        <Form.Item label="受理渠道" name="channel">
          <Radio.Group id="ticket-channel" optionType="button" options={channelOptions} />
        </Form.Item>
        <Form.Item noStyle shouldUpdate={(a, b) => a.channel !== b.channel}>
          {({ getFieldValue }) =>
            getFieldValue("channel") === "12345" ? (
              <Form.Item
                label="12345工单编号"
                name="transferNo"
                htmlFor="ticket-transfer-no"
                rules={[
                  { required: true, whitespace: true, message: "12345转办须填写工单编号" },
                  { max: 40, message: "工单编号不超过40个字符" },
                ]}
              >
                <Input id="ticket-transfer-no" maxLength={40} style={{ width: 200 }} />
              </Form.Item>
            ) : null
          }
        </Form.Item>
        <Form.Item
          label="问题类型"
          name="category"
          htmlFor="ticket-category"
          rules={[{ required: true, message: "请选择问题类型" }]}
        >
          <Select id="ticket-category" options={categoryOptions} placeholder="请选择" style={{ width: 160 }} />
        </Form.Item>
        <Form.Item
          label="居民自测室温（℃）"
          name="temp"
          htmlFor="ticket-temp"
          rules={[tempRule()]}
          extra="选填，一位小数，如 16.5"
        >
          <Input id="ticket-temp" inputMode="decimal" autoComplete="off" suffix="℃" style={{ width: 140 }} />
        </Form.Item>
        <Form.Item
          label="联系人"
          name="contactName"
          htmlFor="ticket-contact-name"
          rules={[{ max: 32, message: "联系人不超过32个字" }]}
        >
          <Input id="ticket-contact-name" maxLength={32} style={{ width: 140 }} />
        </Form.Item>
        <Form.Item
          label="方便联系时间"
          name="preferredContactTime"
          htmlFor="ticket-contact-time"
          rules={[zodRule(CreateTicketSchema.shape.preferredContactTime)]}
        >
          <Input id="ticket-contact-time" maxLength={50} placeholder="如：工作日晚上7点后" style={{ width: 200 }} />
        </Form.Item>
      </Space>
      {!account && (
        <Form.Item
          label="地址（未关联户号时必填）"
          name="address"
          htmlFor="ticket-address"
          rules={[
            { required: true, whitespace: true, message: "未关联户号时请填写地址" },
            { max: 200, message: "地址不超过200个字" },
          ]}
        >
          <Input id="ticket-address" maxLength={200} placeholder="小区、楼栋、单元、门牌号" />
        </Form.Item>
      )}
      <Form.Item
        label="问题描述"
        name="description"
        htmlFor="ticket-description"
        rules={[zodRule(CreateTicketSchema.shape.description)]}
      >
        <Input.TextArea id="ticket-description" rows={3} maxLength={500} showCount />
      </Form.Item>
      <Space>
        <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={submitting}>
          新建工单
        </Button>
        <Typography.Text type="secondary">
          {account ? `将关联户号 ${account.accountNo}` : "未关联户号"}；热线来电会先登记来电，再建工单
        </Typography.Text>
      </Space>
    </Form>
  );
}
