import type { InvoiceTitleView } from "@warmline/shared";
import { Alert, Checkbox, Form, Modal } from "antd";
import { messageOf } from "../api/api";
import { type InvoiceTitleValues, toInvoiceTitleInput } from "../forms/invoiceTitle";
import { useCreateInvoiceTitle } from "../queries/invoices";
import { InvoiceTitleFields } from "./InvoiceTitleFields";

interface Props {
  accountId: number;
  open: boolean;
  onClose: () => void;
  onCreated: (title: InvoiceTitleView) => void;
}

/** 新增抬头 for an account (a caller on the hotline, a customer at the window). A fresh form every time. */
export function InvoiceTitleModal({ open, ...rest }: Props) {
  return open ? <InvoiceTitleDialog {...rest} /> : null;
}

function InvoiceTitleDialog({ accountId, onClose, onCreated }: Omit<Props, "open">) {
  const [form] = Form.useForm<{ title: InvoiceTitleValues }>();
  const create = useCreateInvoiceTitle(accountId);

  const submit = async () => {
    const v = await form.validateFields();
    const title = await create.mutateAsync(toInvoiceTitleInput(v.title));
    create.reset();
    onCreated(title);
  };

  const close = () => {
    create.reset();
    onClose();
  };

  return (
    <Modal
      open
      title="新增发票抬头"
      okText="保存"
      cancelText="取消"
      confirmLoading={create.isPending}
      onOk={() => submit().catch(() => undefined)}
      onCancel={close}
    >
      {create.isError && (
        <Alert type="error" showIcon role="alert" title={messageOf(create.error)} style={{ marginBottom: 16 }} />
      )}
      <Form
        form={form}
        name="invoice-title"
        layout="vertical"
        preserve={false}
        initialValues={{ title: { kind: "company", name: "", taxId: "", email: "", isDefault: false } }}
        // a refusal is about what was sent: it goes once the form is edited
        onValuesChange={() => create.isError && create.reset()}
      >
        <InvoiceTitleFields path={["title"]} idPrefix="new-title" />
        <Form.Item name={["title", "isDefault"]} valuePropName="checked">
          <Checkbox>设为该户默认抬头（收费时默认使用）</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}
