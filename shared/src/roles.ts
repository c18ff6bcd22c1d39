import { z } from "zod";

/** Staff roles (DOMAIN.md "Who uses the system"). Residents are a separate kind of user. */
export const STAFF_ROLES = [
  "hotline_agent",
  "dispatcher",
  "technician",
  "grid_worker",
  "community_reviewer",
  "center_reviewer",
  "cashier",
  "legal_officer",
  "supervisor",
  "admin",
] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const StaffRoleSchema = z.enum(STAFF_ROLES);

export const STAFF_ROLE_LABELS: Record<StaffRole, string> = {
  hotline_agent: "热线坐席",
  dispatcher: "调度员",
  technician: "维修员",
  grid_worker: "社区网格员",
  community_reviewer: "社区初审员",
  center_reviewer: "供热中心复核员",
  cashier: "收费员",
  legal_officer: "法务",
  supervisor: "专班主管",
  admin: "系统管理员",
};

/** Personal-data fields that are masked in every response unless revealed. */
export const PII_FIELDS = ["phone", "idNumber"] as const;
export type PiiField = (typeof PII_FIELDS)[number];

/**
 * Which roles may reveal (unmask) which personal field. Revealing always writes an audit row.
 * Phones: everybody who must call or visit a household. ID numbers: reviewers and legal work only.
 */
export const PII_REVEAL_ROLES: Record<PiiField, readonly StaffRole[]> = {
  phone: STAFF_ROLES,
  idNumber: ["community_reviewer", "center_reviewer", "legal_officer", "admin"],
};

export function mayReveal(roles: readonly StaffRole[], field: PiiField): boolean {
  return roles.some((r) => PII_REVEAL_ROLES[field].includes(r));
}

/** Roles that may use the account search and detail desk. */
export const ACCOUNT_DESK_ROLES: readonly StaffRole[] = STAFF_ROLES;

/** Roles that may read the audit log. */
export const AUDIT_READ_ROLES: readonly StaffRole[] = ["supervisor", "admin"];
/** 工作人员管理: unlocking staff accounts (later: creating them, granting roles) */
export const STAFF_ADMIN_ROLES: readonly StaffRole[] = ["admin"];

/** 收费台: who may take money over the counter (cashier, supervisor, admin) or on a home visit (grid worker: 代缴 only). */
export const OFFLINE_PAYMENT_ROLES: readonly StaffRole[] = ["cashier", "grid_worker", "supervisor", "admin"];
/** Who may take cash, card or transfer payments; a grid worker alone may only record 代缴. */
export const COUNTER_PAYMENT_ROLES: readonly StaffRole[] = ["cashier", "supervisor", "admin"];
/** Who may open seasons, set tariffs and generate bills. */
export const BILLING_ADMIN_ROLES: readonly StaffRole[] = ["supervisor", "admin"];
/** Who may waive principal or late fees. */
export const WAIVER_ROLES: readonly StaffRole[] = ["supervisor", "admin"];
/** Who may refund payments and resolve flagged money. */
export const REFUND_ROLES: readonly StaffRole[] = ["supervisor", "admin"];
/** Who may search payments and read reconciliation reports. */
export const PAYMENT_DESK_ROLES: readonly StaffRole[] = ["cashier", "center_reviewer", "supervisor", "admin"];

/** set invoice titles (抬头) for a caller or a customer at the window */
export const INVOICE_TITLE_ROLES: readonly StaffRole[] = [
  "hotline_agent",
  "cashier",
  "grid_worker",
  "supervisor",
  "admin",
];
/** search invoices, print them, see failures */
export const INVOICE_DESK_ROLES: readonly StaffRole[] = [
  "hotline_agent",
  "cashier",
  "center_reviewer",
  "supervisor",
  "admin",
];
/** reissue a failed invoice */
export const INVOICE_REISSUE_ROLES: readonly StaffRole[] = ["cashier", "supervisor", "admin"];

/** the service desk: see tickets and the SLA board */
export const TICKET_DESK_ROLES: readonly StaffRole[] = [
  "hotline_agent",
  "dispatcher",
  "technician",
  "grid_worker",
  "supervisor",
  "admin",
];
/** the SLA board and the ticket search over every ticket; a technician has 我的工单 instead */
export const TICKET_BOARD_ROLES: readonly StaffRole[] = [
  "hotline_agent",
  "dispatcher",
  "grid_worker",
  "supervisor",
  "admin",
];
/** open tickets for callers / visits / 12345 transfers, log calls, first contact, follow-up calls */
export const HOTLINE_ROLES: readonly StaffRole[] = [
  "hotline_agent",
  "dispatcher",
  "grid_worker",
  "supervisor",
  "admin",
];
/** dispatch, grade, link tickets into one incident */
export const DISPATCH_ROLES: readonly StaffRole[] = ["dispatcher", "supervisor", "admin"];
/** on-site work: arrive, measure, resolve */
export const FIELD_ROLES: readonly StaffRole[] = ["technician", "dispatcher", "supervisor", "admin"];
/** 我的工单: the tickets dispatched to oneself (whoever may do the on-site work) */
export const MY_TICKETS_ROLES: readonly StaffRole[] = FIELD_ROLES;
/** follow-up (回访) calls */
export const FOLLOW_UP_ROLES: readonly StaffRole[] = ["hotline_agent", "supervisor", "admin"];
/** the three rates (三率) report and its export */
export const SERVICE_REPORT_ROLES: readonly StaffRole[] = ["hotline_agent", "dispatcher", "supervisor", "admin"];
/** 节假日日历: loading a year's holiday arrangement (from the package or an upload) */
export const CALENDAR_ADMIN_ROLES: readonly StaffRole[] = ["admin"];
/** 节假日日历: reading the coverage and days (the supervisors see the missing-data alert; legal deadlines use it) */
export const CALENDAR_READ_ROLES: readonly StaffRole[] = ["supervisor", "legal_officer", "admin"];
/** the escalation inbox (升级提醒): SLA breaches escalated to the supervisor */
export const ALERT_ROLES: readonly StaffRole[] = ["legal_officer", "supervisor", "admin"];
/** 收费率看板 (issue 16): the supervisors' view of the season */
export const DASHBOARD_ROLES: readonly StaffRole[] = ["supervisor", "admin"];
/** set the per-season targets drawn on the dashboards */
export const DASHBOARD_TARGET_ROLES: readonly StaffRole[] = ["admin"];
/** record outdoor temperature readings (the heat source plant's log, a technician on site) */
export const OUTDOOR_RECORD_ROLES: readonly StaffRole[] = ["dispatcher", "technician", "supervisor", "admin"];
