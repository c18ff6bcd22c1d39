import { LockOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Form, Input, Typography } from "antd";
import { useNavigate } from "react-router";
import { messageOf } from "../api/api";
import { changeOwnPassword } from "../api/staffAdmin";
import { useAuth } from "../auth/AuthContext";
import { PasswordFields } from "../components/staff/PasswordFields";
import { applyFieldErrors } from "../components/staff/serverErrors";
import { queryKeys } from "../queries/keys";
import "./login.css";

interface Values {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

/**
 * 修改密码: every staff member's own, from the header; and the page a user is held on after an admin set
 * their password (mustChangePassword) until they choose their own.
 */
export function ChangePasswordPage() {
  const { message } = App.useApp();
  const { staff, signOut } = useAuth();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const forced = staff?.mustChangePassword === true;
  const change = useMutation({
    mutationFn: (v: Values) => changeOwnPassword({ currentPassword: v.currentPassword, newPassword: v.newPassword }),
    onSuccess: async () => {
      if (staff) qc.setQueryData(queryKeys.me, { ...staff, mustChangePassword: false });
      await qc.invalidateQueries({ queryKey: queryKeys.me });
      message.success("密码已修改");
      navigate("/", { replace: true });
    },
    onError: (e) => {
      applyFieldErrors(form, e, ["currentPassword", "newPassword"]);
    },
  });

  return (
    <div className="login-page">
      <Card className="login-card change-password-card">
        <Typography.Title level={3} className="login-title" style={{ marginBottom: 4 }}>
          修改密码
        </Typography.Title>
        <Typography.Paragraph type="secondary" className="login-subtitle">
          {staff?.displayName}（{staff?.username}）
        </Typography.Paragraph>
        {forced && (
          <Alert
            className="login-error"
            type="warning"
            showIcon
            title="您的密码由管理员设置，请先设置自己的新密码，再继续使用管理台。"
          />
        )}
        {change.isError && (
          <Alert className="login-error" type="error" showIcon role="alert" title={messageOf(change.error)} />
        )}
        <Form<Values>
          form={form}
          layout="vertical"
          requiredMark={false}
          disabled={change.isPending}
          onFinish={(v) => change.mutate(v)}
        >
          <Form.Item
            label={forced ? "当前密码（管理员给您的临时密码）" : "原密码"}
            name="currentPassword"
            rules={[{ required: true, message: "请输入原密码" }]}
          >
            <Input.Password id="currentPassword" prefix={<LockOutlined />} autoComplete="current-password" autoFocus />
          </Form.Item>
          <PasswordFields
            name="newPassword"
            label="新密码"
            username={() => staff?.username}
            confirmName="confirmPassword"
          />
          <Button type="primary" htmlType="submit" block size="large" loading={change.isPending}>
            确认修改
          </Button>
        </Form>
        <div style={{ marginTop: 12, textAlign: "center" }}>
          {forced ? (
            <Button
              type="link"
              onClick={async () => {
                await signOut();
                navigate("/login", { replace: true });
              }}
            >
              退出登录
            </Button>
          ) : (
            <Button type="link" onClick={() => navigate(-1)}>
              返回
            </Button>
          )}
        </div>
      </Card>
    </div>
  );
}
