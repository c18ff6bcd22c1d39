import { Drawer, Layout, Menu } from "antd";
import { useEffect, useState } from "react";
import { Outlet, useLocation, useNavigate } from "react-router";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole } from "../auth/roles";
import { DESK_LIST, deskOf } from "./desks";
import { HeaderBar } from "./HeaderBar";
import { usePhone } from "./usePhone";
import "./layout.css";

const BRAND = "暖线 · 供热服务管理台";

/**
 * Frame of every signed-in page: desk menu on the left, who is signed in on top. On a phone (field staff) the
 * menu is a drawer opened from the header, and the page takes the whole width.
 */
export function AppLayout() {
  const { staff } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const phone = usePhone();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const desks = DESK_LIST.filter((d) => hasAnyRole(staff?.roles, d.roles));
  const selected = deskOf(location.pathname, desks)?.path;

  // a page opened from the drawer closes it; so does growing past phone width
  // biome-ignore lint/correctness/useExhaustiveDependencies: closes on every navigation
  useEffect(() => setDrawerOpen(false), [location.pathname, phone]);

  const menu = (
    <Menu
      theme="dark"
      mode="inline"
      selectedKeys={selected ? [selected] : []}
      items={desks.map((d) => ({ key: d.path, icon: d.icon, label: d.label }))}
      onClick={({ key }) => navigate(key)}
    />
  );

  return (
    <Layout className={phone ? "app-layout app-layout-phone" : "app-layout"}>
      {phone ? (
        <Drawer
          placement="left"
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          size={260}
          closable={false}
          className="app-drawer"
          styles={{ body: { padding: 0, background: "#001529" } }}
        >
          <div className="app-brand">{BRAND}</div>
          {menu}
        </Drawer>
      ) : (
        <Layout.Sider width={220} theme="dark" className="app-sider">
          <div className="app-brand">{BRAND}</div>
          {menu}
        </Layout.Sider>
      )}
      <Layout>
        <HeaderBar phone={phone} onMenu={() => setDrawerOpen(true)} />
        <Layout.Content className="app-content">
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
