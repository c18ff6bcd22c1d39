import type { AccountStatus, HardshipCategory } from "@warmline/shared";

/** Tag colours for account status and hardship; the Chinese labels come from @warmline/shared. */
export const STATUS_COLORS: Record<AccountStatus, string> = {
  active: "green",
  suspended: "orange",
  closed: "default",
};

export function hardshipColor(c: HardshipCategory): string | undefined {
  return c === "none" ? undefined : "volcano";
}

/** Who acted, as audit rows name it. Unknown types are shown as sent. */
export const ACTOR_TYPE_LABELS: Record<string, string> = {
  staff: "工作人员",
  resident: "居民",
  system: "系统",
};
