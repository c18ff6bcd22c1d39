import { ExclamationCircleOutlined, SearchOutlined } from "@ant-design/icons";
import { INVOICE_KIND_LABELS, INVOICE_KINDS, INVOICE_STATUS_LABELS, INVOICE_STATUSES } from "@warmline/shared";
import { Button, Form, Input, Select, Space } from "antd";
import { useEffect } from "react";
import type { InvoiceKind, InvoiceStatus } from "../api/invoices";

export interface InvoiceFilterValues {
  q?: string;
  status?: InvoiceStatus;
  kind?: InvoiceKind;
}

const statusOptions = INVOICE_STATUSES.map((s) => ({ value: s, label: INVOICE_STATUS_LABELS[s] }));
const kindOptions = INVOICE_KINDS.map((k) => ({ value: k, label: INVOICE_KIND_LABELS[k] }));

interface Props {
  initial: InvoiceFilterValues;
  onSearch: (v: InvoiceFilterValues) => void;
}

/** 发票管理 filters: one box for 发票号码/商户订单号/户号, status, kind, and a quick 开具失败 filter. */
export function InvoiceSearchForm({ initial, onSearch }: Props) {
  const [form] = Form.useForm<InvoiceFilterValues>();

  useEffect(() => {
    form.setFieldsValue({ q: initial.q ?? "", status: initial.status, kind: initial.kind });
  }, [form, initial.q, initial.status, initial.kind]);

  const onlyFailed = initial.status === "failed";
  const read = (v: InvoiceFilterValues): InvoiceFilterValues => ({
    q: v.q?.trim() || undefined,
    status: v.status ?? undefined,
    kind: v.kind ?? undefined,
  });

  return (
    <Form
      form={form}
      name="invoice-search-form"
      layout="inline"
      initialValues={initial}
      onFinish={(v) => onSearch(read(v))}
      style={{ rowGap: 12 }}
    >
      <Form.Item name="q">
        <Input
          id="invoice-search"
          placeholder="发票号码 / 商户订单号 / 户号"
          allowClear
          maxLength={64}
          style={{ width: 300 }}
          prefix={<SearchOutlined />}
        />
      </Form.Item>
      <Form.Item name="status" label="状态">
        <Select placeholder="全部" allowClear options={statusOptions} style={{ width: 120 }} />
      </Form.Item>
      <Form.Item name="kind" label="种类">
        <Select placeholder="全部" allowClear options={kindOptions} style={{ width: 120 }} />
      </Form.Item>
      <Form.Item>
        <Space>
          <Button type="primary" htmlType="submit">
            查询
          </Button>
          <Button
            onClick={() => {
              form.setFieldsValue({ q: "", status: undefined, kind: undefined });
              onSearch({});
            }}
          >
            重置
          </Button>
          <Button
            className="invoice-failed-filter"
            danger
            type={onlyFailed ? "primary" : "default"}
            aria-pressed={onlyFailed}
            icon={<ExclamationCircleOutlined />}
            onClick={() => {
              const status = onlyFailed ? undefined : "failed";
              form.setFieldValue("status", status);
              onSearch({ ...read(form.getFieldsValue()), status });
            }}
          >
            开具失败
          </Button>
        </Space>
      </Form.Item>
    </Form>
  );
}
