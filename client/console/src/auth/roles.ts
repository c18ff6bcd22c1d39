import type { StaffRole } from "@warmline/shared";

export function hasAnyRole(mine: readonly StaffRole[] | undefined, allowed: readonly StaffRole[]): boolean {
  return !!mine && mine.some((r) => allowed.includes(r));
}

// Role lists of the billing, payment, invoice and service-desk endpoints live in @warmline/shared,
// used by the server and here.
export {
  ALERT_ROLES,
  BILLING_ADMIN_ROLES,
  COUNTER_PAYMENT_ROLES,
  DISPATCH_ROLES,
  FIELD_ROLES,
  FOLLOW_UP_ROLES,
  HARDSHIP_DESK_ROLES,
  HOTLINE_ROLES,
  INVOICE_DESK_ROLES,
  INVOICE_REISSUE_ROLES,
  INVOICE_TITLE_ROLES,
  MY_TICKETS_ROLES,
  OFFLINE_PAYMENT_ROLES,
  PAYMENT_DESK_ROLES,
  REFUND_ROLES,
  SERVICE_REPORT_ROLES,
  TICKET_BOARD_ROLES,
  TICKET_DESK_ROLES,
  WAIVER_ROLES,
} from "@warmline/shared";
