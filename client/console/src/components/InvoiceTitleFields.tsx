import { INVOICE_TITLE_KIND_LABELS, INVOICE_TITLE_KINDS } from "@warmline/shared";
import { Form, Input, Radio } from "antd";
import { type InvoiceTitleValues, invoiceTitleRule } from "../forms/invoiceTitle";

const kindOptions = INVOICE_TITLE_KINDS.map((k) => ({ value: k, label: INVOICE_TITLE_KIND_LABELS[k] }));

interface Props {
  /** where the title sits in the form's values, e.g. ["title"] */
  path: readonly string[];
  /** prefix of the inputs' ids, unique on the page (labels point at them) */
  idPrefix: string;
}

/**
 * 发票抬头 inputs: 个人 or 单位, name, 纳税人识别号 (单位 only) and an optional e-mail for the invoice,
 * checked with the shared InvoiceTitleInputSchema. Used by 新增抬头, 重新开具 and the cashier's 新抬头.
 */
export function InvoiceTitleFields({ path, idPrefix }: Props) {
  const form = Form.useFormInstance();
  const title = Form.useWatch([...path], form) as InvoiceTitleValues | undefined;
  const company = title?.kind === "company";
  const at = (field: keyof InvoiceTitleValues) => [...path, field];

  return (
    <>
      <Form.Item label="抬头类型" name={at("kind")} rules={[invoiceTitleRule(path, "kind")]}>
        <Radio.Group optionType="button" options={kindOptions} />
      </Form.Item>
      <Form.Item
        label="抬头名称"
        name={at("name")}
        htmlFor={`${idPrefix}-name`}
        rules={[invoiceTitleRule(path, "name")]}
        dependencies={[at("kind")]}
      >
        <Input
          id={`${idPrefix}-name`}
          autoComplete="off"
          maxLength={100}
          placeholder={company ? "单位全称，与税务登记一致" : "个人姓名"}
        />
      </Form.Item>
      {company && (
        <Form.Item
          label="纳税人识别号"
          name={at("taxId")}
          htmlFor={`${idPrefix}-tax-id`}
          rules={[invoiceTitleRule(path, "taxId")]}
          dependencies={[at("kind")]}
        >
          <Input id={`${idPrefix}-tax-id`} autoComplete="off" maxLength={20} placeholder="统一社会信用代码（18位）" />
        </Form.Item>
      )}
      <Form.Item
        label="接收邮箱（选填）"
        name={at("email")}
        htmlFor={`${idPrefix}-email`}
        rules={[invoiceTitleRule(path, "email")]}
      >
        <Input id={`${idPrefix}-email`} autoComplete="off" maxLength={100} placeholder="开具后发票发送到此邮箱" />
      </Form.Item>
    </>
  );
}
