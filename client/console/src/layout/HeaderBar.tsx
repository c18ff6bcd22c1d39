import { BellOutlined, LogoutOutlined, UserOutlined } from "@ant-design/icons";
import { STAFF_ROLE_LABELS } from "@warmline/shared";
import { Badge, Button, Layout, Space, Tag, Tooltip, Typography } from "antd";
import { useNavigate } from "react-router";
import { useAuth } from "../auth/AuthContext";
import { ALERT_ROLES, hasAnyRole } from "../auth/roles";
import { useAlertSummary } from "../queries/alerts";
import { DESKS } from "./desks";

/** 升级提醒 in the header: how many escalations wait, for the staff who have the inbox. */
function AlertBell() {
  const navigate = useNavigate();
  const summary = useAlertSummary(true);
  const open = summary.data?.open ?? 0;
  return (
    <Tooltip title={open > 0 ? `${open} 条升级提醒待处理` : "升级提醒"}>
      <Badge count={open} size="small" overflowCount={99} className="app-alert-bell">
        <Button
          type="text"
          shape="circle"
          icon={<BellOutlined />}
          aria-label="升级提醒"
          onClick={() => navigate(DESKS.alerts.path)}
        />
      </Badge>
    </Tooltip>
  );
}

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
        {hasAnyRole(staff?.roles, ALERT_ROLES) && <AlertBell />}
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
