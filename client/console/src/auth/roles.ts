import type { StaffRole } from "@warmline/shared";

export function hasAnyRole(mine: readonly StaffRole[] | undefined, allowed: readonly StaffRole[]): boolean {
  return !!mine && mine.some((r) => allowed.includes(r));
}
