import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ACCOUNT_CATEGORIES, ACCOUNT_CATEGORY_LABELS, type AccountCategory, type StaffAccount } from "@warmline/shared";
import { Alert, Form, Input, InputNumber, Modal, Select } from "antd";
import { messageOf } from "../api/api";
import { transferAccount, updateAccount } from "../api/register";
import { queryKeys } from "../queries/keys";

interface EditValues {
  address: string;
  heatedArea: number;
  category: AccountCategory;
  phone?: string;
  idNumber?: string;
  reason: string;
}

/**
 * 修改账户信息: address, area (from the next bill), category, phone and ID number (empty = unchanged),
 * with a reason; the server checks the values with the register's rules and audits the change.
 */
export function AccountEditModal({
  account,
  open,
  onClose,
  onSaved,
}: {
  account: StaffAccount;
  open: boolean;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [form] = Form.useForm<EditValues>();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (v: EditValues) => {
      const input: Record<string, unknown> = { reason: v.reason.trim() };
      if (v.address.trim() !== account.address) input.address = v.address.trim();
      if (v.heatedArea !== account.heatedArea) input.heatedArea = v.heatedArea;
      if (v.category !== account.category) input.category = v.category;
      if (v.phone?.trim()) input.phone = v.phone.trim();
      if (v.idNumber?.trim()) input.idNumber = v.idNumber.trim();
      return updateAccount(account.id, input as never);
    },
    onSuccess: (a) => qc.setQueryData(queryKeys.account(account.id), a),
  });
  return (
    <Modal
      open={open}
      title={`修改账户信息 · ${account.accountNo}`}
      okText="保存"
      cancelText="取消"
      confirmLoading={save.isPending}
      onOk={() =>
        form
          .validateFields()
          .then((v) => save.mutateAsync(v))
          .then(() => {
            save.reset();
            onSaved();
          })
          .catch(() => undefined)
      }
      onCancel={() => {
        save.reset();
        onClose();
      }}
      destroyOnHidden
    >
      <Alert
        type="info"
        showIcon
        title="修改将记入审计日志；面积和类别从下一期账单起生效，已开账单不变"
        style={{ marginBottom: 16 }}
      />
      {save.isError && (
        <Alert type="error" showIcon role="alert" title={messageOf(save.error)} style={{ marginBottom: 16 }} />
      )}
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{
          address: account.address,
          heatedArea: account.heatedArea,
          category: account.category,
          reason: "",
        }}
        onValuesChange={() => save.isError && save.reset()}
      >
        <Form.Item label="地址" name="address" rules={[{ required: true, min: 2, max: 200, message: "请填写地址" }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label="供热面积（㎡）" name="heatedArea" rules={[{ required: true, message: "请填写面积" }]}>
          <InputNumber min={0.01} max={100000} precision={2} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item label="用户类别" name="category">
          <Select
            style={{ width: 200 }}
            options={ACCOUNT_CATEGORIES.map((c) => ({ value: c, label: ACCOUNT_CATEGORY_LABELS[c] }))}
          />
        </Form.Item>
        <Form.Item label="联系电话" name="phone" extra={`现为 ${account.phoneMasked ?? "无"}；留空表示不修改`}>
          <Input maxLength={20} />
        </Form.Item>
        <Form.Item label="身份证号" name="idNumber" extra={`现为 ${account.idNumberMasked ?? "无"}；留空表示不修改`}>
          <Input maxLength={18} />
        </Form.Item>
        <Form.Item
          label="修改原因"
          name="reason"
          rules={[{ required: true, min: 2, message: "请填写修改原因（至少2个字）" }]}
        >
          <Input.TextArea rows={2} maxLength={200} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface TransferValues {
  ownerName: string;
  phone?: string;
  idNumber?: string;
  reason: string;
}

/** 过户: a new owner; the old owner's bindings end; bills, payments and arrears stay with the account. */
export function AccountTransferModal({
  account,
  open,
  onClose,
  onDone,
}: {
  account: StaffAccount;
  open: boolean;
  onClose: () => void;
  onDone: (endedBindings: number) => void;
}) {
  const [form] = Form.useForm<TransferValues>();
  const qc = useQueryClient();
  const transfer = useMutation({
    mutationFn: (v: TransferValues) =>
      transferAccount(account.id, {
        ownerName: v.ownerName.trim(),
        phone: v.phone?.trim() || undefined,
        idNumber: v.idNumber?.trim() || undefined,
        reason: v.reason.trim(),
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.account(account.id) }),
  });
  return (
    <Modal
      open={open}
      title={`过户 · ${account.accountNo}`}
      okText="确认过户"
      cancelText="取消"
      okButtonProps={{ danger: true }}
      confirmLoading={transfer.isPending}
      onOk={() =>
        form
          .validateFields()
          .then((v) => transfer.mutateAsync(v))
          .then((r) => {
            transfer.reset();
            onDone(r.endedBindings);
          })
          .catch(() => undefined)
      }
      onCancel={() => {
        transfer.reset();
        onClose();
      }}
      destroyOnHidden
    >
      <Alert
        type="warning"
        showIcon
        title={`原户主 ${account.ownerNameMasked ?? ""} 的 ${account.bindingCount} 个小程序绑定将解除；缴费记录和未缴账单仍留在本户`}
        style={{ marginBottom: 16 }}
      />
      {transfer.isError && (
        <Alert type="error" showIcon role="alert" title={messageOf(transfer.error)} style={{ marginBottom: 16 }} />
      )}
      <Form form={form} layout="vertical" preserve={false} onValuesChange={() => transfer.isError && transfer.reset()}>
        <Form.Item label="新户主姓名" name="ownerName" rules={[{ required: true, message: "请填写新户主姓名" }]}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item label="新户主电话" name="phone" extra="留空则不保留原户主电话">
          <Input maxLength={20} />
        </Form.Item>
        <Form.Item label="新户主身份证号" name="idNumber" extra="留空则不保留原户主身份证号">
          <Input maxLength={18} />
        </Form.Item>
        <Form.Item label="过户原因与凭证" name="reason" rules={[{ required: true, min: 2, message: "请填写过户原因" }]}>
          <Input.TextArea rows={2} maxLength={200} showCount placeholder="例如：房屋买卖，凭不动产权证过户" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
