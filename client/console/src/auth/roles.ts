import type { StaffRole } from "@warmline/shared";

export function hasAnyRole(mine: readonly StaffRole[] | undefined, allowed: readonly StaffRole[]): boolean {
  return !!mine && mine.some((r) => allowed.includes(r));
}

// Role lists of the billing, payment and invoice endpoints live in @warmline/shared, used by the server and here.
export {
  BILLING_ADMIN_ROLES,
  COUNTER_PAYMENT_ROLES,
  INVOICE_DESK_ROLES,
  INVOICE_REISSUE_ROLES,
  INVOICE_TITLE_ROLES,
  OFFLINE_PAYMENT_ROLES,
  PAYMENT_DESK_ROLES,
  REFUND_ROLES,
  WAIVER_ROLES,
} from "@warmline/shared";
