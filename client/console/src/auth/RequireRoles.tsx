import type { StaffRole } from "@warmline/shared";
import { Result } from "antd";
import type { ReactNode } from "react";
import { useAuth } from "./AuthContext";
import { hasAnyRole } from "./roles";

/** Shows the page only to the given roles (the server checks again; this only avoids a dead end). */
export function RequireRoles({ roles, children }: { roles: readonly StaffRole[]; children: ReactNode }) {
  const { staff } = useAuth();
  if (!hasAnyRole(staff?.roles, roles)) {
    return <Result status="403" title="没有权限" subTitle="您的角色无权访问此页面。" />;
  }
  return children;
}
