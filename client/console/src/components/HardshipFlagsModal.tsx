import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  HARDSHIP_CATEGORIES,
  HARDSHIP_LABELS,
  type HardshipCategory,
  SPECIAL_GROUP_LABELS,
  SPECIAL_GROUPS,
  type SpecialGroup,
  type StaffAccount,
} from "@warmline/shared";
import { Alert, Checkbox, Form, Input, Modal, Select } from "antd";
import { setHardshipFlags } from "../api/accountHardship";
import { messageOf } from "../api/api";
import { queryKeys } from "../queries/keys";
import { flagHistoryKey } from "./AccountHardshipTab";

interface Values {
  hardshipCategory: HardshipCategory;
  specialGroups: SpecialGroup[];
  reason: string;
}

/**
 * 困难类别与特殊群体 (supervisors and admins): the register's hardship category and special-group flags,
 * with a required reason; the server audits the change and the account page lists it.
 */
export function HardshipFlagsModal({
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
  const [form] = Form.useForm<Values>();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (v: Values) =>
      setHardshipFlags(account.id, {
        hardshipCategory: v.hardshipCategory,
        specialGroups: SPECIAL_GROUPS.filter((g) => (v.specialGroups ?? []).includes(g)),
        reason: v.reason.trim(),
      }),
    onSuccess: (a) => {
      qc.setQueryData(queryKeys.account(account.id), a);
      return qc.invalidateQueries({ queryKey: flagHistoryKey(account.id) });
    },
  });
  return (
    <Modal
      open={open}
      title={`困难类别与特殊群体 · ${account.accountNo}`}
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
      <Alert type="info" showIcon title="修改将记入审计日志，并显示在账户页的修改记录中" style={{ marginBottom: 16 }} />
      {save.isError && (
        <Alert type="error" showIcon role="alert" title={messageOf(save.error)} style={{ marginBottom: 16 }} />
      )}
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ hardshipCategory: account.hardshipCategory, specialGroups: account.specialGroups, reason: "" }}
        onValuesChange={() => save.isError && save.reset()}
      >
        <Form.Item label="困难类别" name="hardshipCategory">
          <Select
            id="hardship-category"
            style={{ width: 220 }}
            options={HARDSHIP_CATEGORIES.map((c) => ({ value: c, label: HARDSHIP_LABELS[c] }))}
          />
        </Form.Item>
        <Form.Item label="特殊群体" name="specialGroups">
          <Checkbox.Group options={SPECIAL_GROUPS.map((g) => ({ value: g, label: SPECIAL_GROUP_LABELS[g] }))} />
        </Form.Item>
        <Form.Item
          label="修改原因"
          name="reason"
          rules={[{ required: true, whitespace: true, min: 2, message: "请填写修改原因（至少2个字）" }]}
        >
          <Input.TextArea rows={2} maxLength={200} showCount placeholder="例如：社区入户核实，独居且行动不便" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
