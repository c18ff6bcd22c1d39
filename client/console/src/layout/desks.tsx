import { AuditOutlined, CalendarOutlined, PayCircleOutlined, SearchOutlined } from "@ant-design/icons";
import { ACCOUNT_DESK_ROLES, AUDIT_READ_ROLES, type StaffRole } from "@warmline/shared";
import type { ReactNode } from "react";
import { BILLING_ADMIN_ROLES, OFFLINE_PAYMENT_ROLES } from "../auth/roles";

export interface Desk {
  path: string;
  label: string;
  icon: ReactNode;
  roles: readonly StaffRole[];
}

/** The desks that exist. Add one here when its page exists; the menu and route guards read this list. */
export const DESKS = {
  accounts: { path: "/accounts", label: "账户查询", icon: <SearchOutlined />, roles: ACCOUNT_DESK_ROLES },
  cashier: { path: "/cashier", label: "收费台", icon: <PayCircleOutlined />, roles: OFFLINE_PAYMENT_ROLES },
  seasons: { path: "/seasons", label: "供热季", icon: <CalendarOutlined />, roles: BILLING_ADMIN_ROLES },
  audit: { path: "/audit", label: "审计日志", icon: <AuditOutlined />, roles: AUDIT_READ_ROLES },
} satisfies Record<string, Desk>;

export const DESK_LIST: Desk[] = Object.values(DESKS);
