import {
  AlertOutlined,
  ApartmentOutlined,
  AuditOutlined,
  BankOutlined,
  BarChartOutlined,
  BellOutlined,
  CalendarOutlined,
  CarryOutOutlined,
  DashboardOutlined,
  ExceptionOutlined,
  FieldTimeOutlined,
  FileProtectOutlined,
  FundOutlined,
  HeartOutlined,
  HomeOutlined,
  FileSearchOutlined,
  FileTextOutlined,
  ImportOutlined,
  NotificationOutlined,
  OrderedListOutlined,
  PayCircleOutlined,
  PhoneOutlined,
  PieChartOutlined,
  PoweroffOutlined,
  ReconciliationOutlined,
  SafetyCertificateOutlined,
  ScheduleOutlined,
  SearchOutlined,
  SmileOutlined,
  TeamOutlined,
  ToolOutlined,
} from "@ant-design/icons";
import {
  ACCOUNT_DESK_ROLES,
  AUDIT_READ_ROLES,
  CALENDAR_READ_ROLES,
  LEGAL_DESK_ROLES,
  NOTICE_ROLES,
  REGISTER_IMPORT_ROLES,
  REMINDER_DESK_ROLES,
  REMINDER_REVIEW_ROLES,
  STAFF_ADMIN_ROLES,
  type StaffRole,
  SPECIAL_GROUP_ROLES,
  SUSPENSION_DESK_ROLES,
  VISIT_SUPERVISE_ROLES,
  VISIT_TASK_ROLES,
  VISIT_TODAY_ROLES,
} from "@warmline/shared";
import type { ReactNode } from "react";
import { Navigate } from "react-router";
import { useAuth } from "../auth/AuthContext";
import {
  ALERT_ROLES,
  BILLING_ADMIN_ROLES,
  FOLLOW_UP_ROLES,
  HOTLINE_ROLES,
  INVOICE_DESK_ROLES,
  MY_TICKETS_ROLES,
  OFFLINE_PAYMENT_ROLES,
  PAYMENT_DESK_ROLES,
  SERVICE_REPORT_ROLES,
  TICKET_BOARD_ROLES,
} from "../auth/roles";

export interface Desk {
  path: string;
  label: string;
  icon: ReactNode;
  roles: readonly StaffRole[];
}

/** The desks that exist. Add one here when its page exists; the menu and route guards read this list. */
export const DESKS = {
  myTickets: { path: "/my-tickets", label: "我的工单", icon: <ToolOutlined />, roles: MY_TICKETS_ROLES },
  accounts: { path: "/accounts", label: "账户查询", icon: <SearchOutlined />, roles: ACCOUNT_DESK_ROLES },
  hotline: { path: "/hotline", label: "热线受理", icon: <PhoneOutlined />, roles: HOTLINE_ROLES },
  slaBoard: { path: "/sla-board", label: "SLA 看板", icon: <DashboardOutlined />, roles: TICKET_BOARD_ROLES },
  followUps: { path: "/follow-ups", label: "回访队列", icon: <SmileOutlined />, roles: FOLLOW_UP_ROLES },
  cashier: { path: "/cashier", label: "收费台", icon: <PayCircleOutlined />, roles: OFFLINE_PAYMENT_ROLES },
  payments: { path: "/payments", label: "缴费查询", icon: <FileSearchOutlined />, roles: PAYMENT_DESK_ROLES },
  flagged: { path: "/payments/flagged", label: "异常款项", icon: <ExceptionOutlined />, roles: PAYMENT_DESK_ROLES },
  reconciliation: {
    path: "/reconciliation",
    label: "对账",
    icon: <ReconciliationOutlined />,
    roles: PAYMENT_DESK_ROLES,
  },
  invoices: { path: "/invoices", label: "发票管理", icon: <FileTextOutlined />, roles: INVOICE_DESK_ROLES },
  seasons: { path: "/seasons", label: "供热季", icon: <CalendarOutlined />, roles: BILLING_ADMIN_ROLES },
  serviceReport: {
    path: "/reports/service",
    label: "三率报表",
    icon: <BarChartOutlined />,
    roles: SERVICE_REPORT_ROLES,
  },
  hardshipCommunity: {
    path: "/hardship/community",
    label: "困难初审",
    icon: <SafetyCertificateOutlined />,
    roles: ["community_reviewer", "supervisor", "admin"],
  },
  hardshipCenter: {
    path: "/hardship/center",
    label: "困难复核",
    icon: <SafetyCertificateOutlined />,
    roles: ["center_reviewer", "supervisor", "admin"],
  },
  hardshipSummary: {
    path: "/hardship/summary",
    label: "困难汇总",
    icon: <PieChartOutlined />,
    roles: ["center_reviewer", "supervisor", "admin"],
  },
  alerts: { path: "/alerts", label: "升级提醒", icon: <AlertOutlined />, roles: ALERT_ROLES },
  notices: { path: "/notices", label: "供热公告", icon: <NotificationOutlined />, roles: NOTICE_ROLES },
  audit: { path: "/audit", label: "审计日志", icon: <AuditOutlined />, roles: AUDIT_READ_ROLES },
  staff: { path: "/staff", label: "员工管理", icon: <TeamOutlined />, roles: STAFF_ADMIN_ROLES },
  register: { path: "/register", label: "台账导入", icon: <ImportOutlined />, roles: REGISTER_IMPORT_ROLES },
  calendar: { path: "/calendar", label: "节假日日历", icon: <ScheduleOutlined />, roles: CALENDAR_READ_ROLES },
  suspensions: { path: "/suspensions", label: "报停/复供", icon: <PoweroffOutlined />, roles: SUSPENSION_DESK_ROLES },
  visits: { path: "/visits", label: "入户走访", icon: <HomeOutlined />, roles: VISIT_TODAY_ROLES },
  visitProgress: {
    path: "/visit-progress",
    label: "走访进度",
    icon: <FundOutlined />,
    roles: VISIT_SUPERVISE_ROLES,
  },
  specialGroups: { path: "/special-groups", label: "特殊群体", icon: <HeartOutlined />, roles: SPECIAL_GROUP_ROLES },
  visitAssignments: {
    path: "/visit-assignments",
    label: "走访分工",
    icon: <ApartmentOutlined />,
    roles: VISIT_SUPERVISE_ROLES,
  },
  reminderCampaigns: {
    path: "/reminders/campaigns",
    label: "催缴活动",
    icon: <BellOutlined />,
    roles: REMINDER_DESK_ROLES,
  },
  /** every supervisor may read the ladder; only an admin edits it (REMINDER_LADDER_EDIT_ROLES) */
  reminderLadder: {
    path: "/reminders/ladder",
    label: "催缴阶梯",
    icon: <OrderedListOutlined />,
    roles: ["supervisor", "admin"],
  },
  reminderReviews: {
    path: "/reminders/reviews",
    label: "催缴复核",
    icon: <AuditOutlined />,
    roles: REMINDER_REVIEW_ROLES,
  },
  visitTasks: { path: "/visit-tasks", label: "走访任务", icon: <CarryOutOutlined />, roles: VISIT_TASK_ROLES },
  legalCandidates: {
    path: "/legal/candidates",
    label: "恶意欠费候选",
    icon: <FileProtectOutlined />,
    roles: LEGAL_DESK_ROLES,
  },
  legalCases: { path: "/legal/cases", label: "法务案件", icon: <BankOutlined />, roles: LEGAL_DESK_ROLES },
  legalDeadlines: { path: "/legal/deadlines", label: "法务期限", icon: <FieldTimeOutlined />, roles: LEGAL_DESK_ROLES },
  legalTypicalCases: {
    path: "/legal/typical-cases",
    label: "典型案例审核",
    icon: <NotificationOutlined />,
    roles: LEGAL_DESK_ROLES,
  },
  legalReports: { path: "/legal/reports", label: "法务报表", icon: <FundOutlined />, roles: LEGAL_DESK_ROLES },
} satisfies Record<string, Desk>;

export const DESK_LIST: Desk[] = Object.values(DESKS);

/**
 * Pages that are not desks of their own but belong to one in the menu: a ticket opens from the SLA board, or
 * from 我的工单 for those who have no board (the first one the viewer has wins).
 */
const BELONGS_TO: readonly { prefix: string; desk: Desk }[] = [
  { prefix: "/tickets/", desk: DESKS.slaBoard },
  { prefix: "/tickets/", desk: DESKS.myTickets },
  { prefix: "/hardship/applications/", desk: DESKS.hardshipCommunity },
  { prefix: "/hardship/applications/", desk: DESKS.hardshipCenter },
];

/** The desk a path belongs to: the longest desk path it is in (/payments/flagged is not 缴费查询). */
export function deskOf(pathname: string, desks: readonly Desk[] = DESK_LIST): Desk | undefined {
  const owner = BELONGS_TO.find((b) => pathname.startsWith(b.prefix) && desks.includes(b.desk));
  if (owner) return owner.desk;
  return desks
    .filter((d) => pathname === d.path || pathname.startsWith(`${d.path}/`))
    .reduce<Desk | undefined>((best, d) => (!best || d.path.length > best.path.length ? d : best), undefined);
}

/**
 * Where a staff member lands after signing in: a technician's day is the tickets dispatched to them (我的工单);
 * everyone else starts at the account search.
 */
export function homePath(roles: readonly StaffRole[] | undefined): string {
  return roles?.includes("technician") ? DESKS.myTickets.path : DESKS.accounts.path;
}

/** The console's root: on to the signed-in staff member's home desk. */
export function HomeRedirect() {
  const { staff } = useAuth();
  return <Navigate to={homePath(staff?.roles)} replace />;
}
