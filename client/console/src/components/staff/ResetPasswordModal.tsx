import { Alert, App, Form, Modal, Radio } from "antd";
import { messageOf } from "../../api/api";
import type { StaffPasswordIssued, StaffUser } from "../../api/staffAdmin";
import { useResetStaffPassword } from "../../queries/staffAdmin";
import { PasswordFields } from "./PasswordFields";
import { applyFieldErrors } from "./serverErrors";

interface Values {
  mode: "generate" | "manual";
  password?: string;
}

interface Props {
  user: StaffUser | null;
  onClose: () => void;
  onReset: (issued: StaffPasswordIssued) => void;
}

/** 重置密码: a generated or typed temporary password; the user's sessions end and they must change it. */
export function ResetPasswordModal({ user, onClose, onReset }: Props) {
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const reset = useResetStaffPassword();
  const mode = Form.useWatch("mode", form);

  const submit = async (v: Values) => {
    if (!user) return;
    try {
      const issued = await reset.mutateAsync({
        id: user.id,
        input: v.mode === "manual" ? { password: v.password } : {},
      });
      message.success(`已重置 ${user.displayName} 的密码`);
      onReset(issued);
    } catch (e) {
      if (!applyFieldErrors(form, e, ["password"])) message.error(messageOf(e));
    }
  };

  return (
    <Modal
      open={user !== null}
      title={user ? `重置密码：${user.displayName}（${user.username}）` : "重置密码"}
      okText="重置"
      cancelText="取消"
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={reset.isPending}
      destroyOnHidden
      mask={{ closable: false }}
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title="重置后，该账号已登录的设备会退出；本人用临时密码登录后须先修改密码。账号如被锁定将一并解除。"
      />
      <Form<Values>
        form={form}
        layout="vertical"
        disabled={reset.isPending}
        preserve={false}
        initialValues={{ mode: "generate" }}
        onFinish={submit}
      >
        <Form.Item name="mode" label="临时密码">
          <Radio.Group
            options={[
              { value: "generate", label: "系统生成（重置后显示一次）" },
              { value: "manual", label: "手动设置" },
            ]}
          />
        </Form.Item>
        {mode === "manual" && <PasswordFields name="password" label="临时密码" username={() => user?.username} />}
      </Form>
    </Modal>
  );
}
