import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { useMutation } from "@tanstack/react-query";
import { StaffLoginSchema, type StaffLoginInput } from "@warmline/shared";
import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { Navigate, useLocation, useNavigate } from "react-router";
import { useAuth } from "../auth/AuthContext";
import { zodRule } from "../forms/zodRule";
import { loginErrorText } from "./loginError";
import "./login.css";

function returnPath(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === "string" && from.startsWith("/") && !from.startsWith("/login") ? from : "/";
}

export function LoginPage() {
  const { signedIn, staff, signIn } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const target = returnPath(location.state);
  const login = useMutation({
    mutationFn: (v: StaffLoginInput) => signIn(v),
    onSuccess: () => navigate(target, { replace: true }),
  });

  if (signedIn && staff && !login.isPending) return <Navigate to={target} replace />;

  return (
    <div className="login-page">
      <Card className="login-card">
        <Typography.Title level={3} className="login-title" style={{ marginBottom: 4 }}>
          暖线 · 供热服务管理台
        </Typography.Title>
        <Typography.Paragraph type="secondary" className="login-subtitle">
          工作人员登录
        </Typography.Paragraph>
        {login.isError && (
          <Alert className="login-error" type="error" showIcon role="alert" title={loginErrorText(login.error)} />
        )}
        <Form<StaffLoginInput>
          layout="vertical"
          requiredMark={false}
          disabled={login.isPending}
          onFinish={(v) => login.mutate({ username: v.username.trim(), password: v.password })}
        >
          <Form.Item label="用户名" name="username" rules={[zodRule(StaffLoginSchema.shape.username)]}>
            <Input id="username" prefix={<UserOutlined />} autoComplete="username" autoFocus size="large" />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[zodRule(StaffLoginSchema.shape.password)]}>
            <Input.Password id="password" prefix={<LockOutlined />} autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={login.isPending}>
            登录
          </Button>
        </Form>
      </Card>
    </div>
  );
}
