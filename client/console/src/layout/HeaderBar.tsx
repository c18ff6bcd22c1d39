import { BellOutlined, KeyOutlined, LogoutOutlined, MenuOutlined, UserOutlined } from "@ant-design/icons";
import { STAFF_ROLE_LABELS } from "@warmline/shared";
import { Badge, Button, Layout, Space, Tag, Tooltip, Typography } from "antd";
import { useNavigate } from "react-router";
import { useAuth } from "../auth/AuthContext";
import { CHANGE_PASSWORD_PATH } from "../auth/RequireAuth";
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

/**
 * Who is signed in, the bell and 退出登录. On a phone: the menu button that opens the desk drawer on the left,
 * the roles left out and 退出登录 as an icon, so the bar fits 390 px.
 */
export function HeaderBar({ phone = false, onMenu }: { phone?: boolean; onMenu?: () => void }) {
  const { staff, signOut } = useAuth();
  const navigate = useNavigate();

  const logout = async () => {
    await signOut();
    navigate("/login", { replace: true });
  };

  return (
    <Layout.Header className={phone ? "app-header app-header-phone" : "app-header"}>
      {phone && (
        <Button
          type="text"
          className="app-menu-button"
          icon={<MenuOutlined />}
          aria-label="打开菜单"
          onClick={onMenu}
        />
      )}
      {phone && <span className="app-header-brand">暖线</span>}
      <Space size={phone ? "small" : "middle"} className="app-header-right">
        {hasAnyRole(staff?.roles, ALERT_ROLES) && <AlertBell />}
        <Space size={4}>
          <UserOutlined />
          <Typography.Text strong className="app-staff-name">
            {staff?.displayName}
          </Typography.Text>
        </Space>
        {!phone && (
          <span>
            {staff?.roles.map((r) => (
              <Tag key={r} color="blue">
                {STAFF_ROLE_LABELS[r] ?? r}
              </Tag>
            ))}
          </span>
        )}
        {phone ? (
          <Button
            icon={<KeyOutlined />}
            aria-label="修改密码"
            title="修改密码"
            onClick={() => navigate(CHANGE_PASSWORD_PATH)}
          />
        ) : (
          <Button icon={<KeyOutlined />} onClick={() => navigate(CHANGE_PASSWORD_PATH)}>
            修改密码
          </Button>
        )}
        {phone ? (
          <Button icon={<LogoutOutlined />} aria-label="退出登录" title="退出登录" onClick={logout} />
        ) : (
          <Button icon={<LogoutOutlined />} onClick={logout}>
            退出登录
          </Button>
        )}
      </Space>
    </Layout.Header>
  );
}
