import { LogoutOutlined, UserOutlined } from "@ant-design/icons";
import { STAFF_ROLE_LABELS } from "@warmline/shared";
import { Button, Layout, Space, Tag, Typography } from "antd";
import { useNavigate } from "react-router";
import { useAuth } from "../auth/AuthContext";

export function HeaderBar() {
  const { staff, signOut } = useAuth();
  const navigate = useNavigate();

  const logout = async () => {
    await signOut();
    navigate("/login", { replace: true });
  };

  return (
    <Layout.Header className="app-header">
      <Space size="middle">
        <Space size={4}>
          <UserOutlined />
          <Typography.Text strong className="app-staff-name">
            {staff?.displayName}
          </Typography.Text>
        </Space>
        <span>
          {staff?.roles.map((r) => (
            <Tag key={r} color="blue">
              {STAFF_ROLE_LABELS[r] ?? r}
            </Tag>
          ))}
        </span>
        <Button icon={<LogoutOutlined />} onClick={logout}>
          退出登录
        </Button>
      </Space>
    </Layout.Header>
  );
}
