import { Layout, Menu } from "antd";
import { Outlet, useLocation, useNavigate } from "react-router";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole } from "../auth/roles";
import { DESK_LIST, deskOf } from "./desks";
import { HeaderBar } from "./HeaderBar";
import "./layout.css";

/** Frame of every signed-in page: desk menu on the left, who is signed in on top. */
export function AppLayout() {
  const { staff } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const desks = DESK_LIST.filter((d) => hasAnyRole(staff?.roles, d.roles));
  const selected = deskOf(location.pathname, desks)?.path;

  return (
    <Layout className="app-layout">
      <Layout.Sider width={220} theme="dark" className="app-sider">
        <div className="app-brand">暖线 · 供热服务管理台</div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={selected ? [selected] : []}
          items={desks.map((d) => ({ key: d.path, icon: d.icon, label: d.label }))}
          onClick={({ key }) => navigate(key)}
        />
      </Layout.Sider>
      <Layout>
        <HeaderBar />
        <Layout.Content className="app-content">
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
