import { Button, Result, Spin } from "antd";
import { Navigate, Outlet, useLocation } from "react-router";
import { messageOf } from "../api/api";
import { useAuth } from "./AuthContext";

export const CHANGE_PASSWORD_PATH = "/change-password";

/** Routes below need a signed-in staff member; otherwise go to the sign-in page and come back after. */
export function RequireAuth() {
  const { signedIn, staff, error, retry } = useAuth();
  const location = useLocation();

  if (!signedIn) {
    return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}` }} />;
  }
  if (staff) {
    // an admin set the password: nothing else answers until the user has chosen their own
    if (staff.mustChangePassword && location.pathname !== CHANGE_PASSWORD_PATH)
      return <Navigate to={CHANGE_PASSWORD_PATH} replace />;
    return <Outlet />;
  }
  if (error) {
    return (
      <Result
        status="error"
        title="无法获取登录信息"
        subTitle={messageOf(error)}
        extra={
          <Button type="primary" onClick={retry}>
            重试
          </Button>
        }
      />
    );
  }
  return <Spin fullscreen tip="正在加载…" />;
}
