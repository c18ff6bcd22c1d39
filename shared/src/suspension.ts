import { z } from "zod";
import type { BizDate } from "./billing/dates";
import { seasonAmountFen, type TariffRule } from "./billing/bill";
import { formatYuan } from "./billing/money";

/**
 * 报停/复供 (heating suspension and restart). A resident applies for a SEASON that has not started: the
 * application must arrive on or before that season's deadline (by default 30 Sep of the season's first year,
 * i.e. "before 1 Oct", Asia/Shanghai; configurable, with per-season overrides). An approved 报停 makes that
 * season's bill (and every later one, until a 复供 is approved) the base-fee share of the full fee
 * (Tariff.suspensionShareBp per season and category, default 30 %; `seasonAmountFen` rounds half up to the fen
 * once on the full fee, then once on the share).
 */

export const SUSPENSION_KINDS = ["suspend", "restart"] as const;
export type SuspensionKind = (typeof SUSPENSION_KINDS)[number];
export const SUSPENSION_KIND_LABELS: Record<SuspensionKind, string> = { suspend: "报停", restart: "复供" };

export const SUSPENSION_STATUSES = [
  "pending",
  "approved",
  "rejected",
  "valve_visit_scheduled",
  "done",
  "withdrawn",
] as const;
export type SuspensionStatus = (typeof SUSPENSION_STATUSES)[number];
export const SUSPENSION_STATUS_LABELS: Record<SuspensionStatus, string> = {
  pending: "待审核",
  approved: "已批准",
  rejected: "未批准",
  valve_visit_scheduled: "已安排上门关阀",
  done: "已办结",
  withdrawn: "已撤回",
};
/** the visit's wording depends on the kind: a 报停 seals the valve, a 复供 opens it */
export const VALVE_VISIT_LABELS: Record<SuspensionKind, string> = { suspend: "上门关阀加封", restart: "上门拆封开阀" };
/** statuses in which an application counts as granted (the season's heating status follows it) */
export const GRANTED_SUSPENSION_STATUSES: readonly SuspensionStatus[] = ["approved", "valve_visit_scheduled", "done"];

export const HEATING_STATUSES = ["active", "suspended"] as const;
export type HeatingStatus = (typeof HEATING_STATUSES)[number];
export const HEATING_STATUS_LABELS: Record<HeatingStatus, string> = { active: "正常供热", suspended: "报停" };

/** what 报停 does when the account has arrears (overdue unpaid bills) */
export const SUSPENSION_ARREARS_RULES = ["refuse", "allow"] as const;
export type SuspensionArrearsRule = (typeof SUSPENSION_ARREARS_RULES)[number];

export interface SuspensionRules {
  /** the last day to apply, "MM-DD" in the season's first year (default "09-30": before 1 Oct) */
  deadlineMonthDay: string;
  /** per-season last days that replace the default: { "2027-2028": "2027-09-15" } */
  deadlineOverrides: Record<string, BizDate>;
  /** default "refuse": arrears are settled before a 报停 (DOMAIN.md: old arrears before the season) */
  arrearsRule: SuspensionArrearsRule;
}

const startYear = (code: string) => Number(code.slice(0, 4));
const codeOf = (y: number) => `${y}-${y + 1}`;

/** The last day (inclusive, Asia/Shanghai) to apply for 报停/复供 for a season. */
export function suspensionDeadline(
  seasonCode: string,
  rules: Pick<SuspensionRules, "deadlineMonthDay" | "deadlineOverrides">,
): BizDate {
  return rules.deadlineOverrides[seasonCode] ?? `${startYear(seasonCode)}-${rules.deadlineMonthDay}`;
}

/**
 * The season an application made today is for: the first season, starting with the one that begins this
 * calendar year, whose deadline has not passed. On 2026-12-03 with "09-30" it is 2027-2028 (2026-2027's
 * deadline was 2026-09-30); on 2027-09-30 still 2027-2028; on 2027-10-01 2028-2029.
 */
export function openSuspensionSeason(
  today: BizDate,
  rules: Pick<SuspensionRules, "deadlineMonthDay" | "deadlineOverrides">,
): {
  seasonCode: string;
  deadline: BizDate;
} {
  let y = Number(today.slice(0, 4));
  for (let i = 0; i < 3; i++, y++) {
    const deadline = suspensionDeadline(codeOf(y), rules);
    if (today <= deadline) return { seasonCode: codeOf(y), deadline };
  }
  return { seasonCode: codeOf(y), deadline: suspensionDeadline(codeOf(y), rules) };
}

/** A change of heating status that takes effect from a season (an approved application, or the register). */
export interface HeatingStatusChange {
  seasonCode: string;
  status: HeatingStatus;
  /** ordering among changes for the same season: the later one wins */
  at: number;
}

/**
 * The heating status of an account in a season: the latest change effective in or before that season; with
 * no such change, the register's status (`base`).
 */
export function heatingStatusForSeason(
  changes: readonly HeatingStatusChange[],
  seasonCode: string,
  base: HeatingStatus,
): HeatingStatus {
  let best: HeatingStatusChange | null = null;
  for (const c of changes) {
    if (c.seasonCode > seasonCode) continue;
    if (!best || c.seasonCode > best.seasonCode || (c.seasonCode === best.seasonCode && c.at > best.at)) best = c;
  }
  return best ? best.status : base;
}

export type SuspensionRefusal =
  | { code: "SUSPENSION_DEADLINE_PASSED"; message: string; details: { seasonCode: string; deadline: BizDate } }
  | {
      code: "SUSPENSION_ALREADY_SUSPENDED" | "SUSPENSION_NOT_SUSPENDED" | "SUSPENSION_OPEN_EXISTS";
      message?: undefined;
      details: { seasonCode: string };
    }
  | { code: "SUSPENSION_ARREARS"; message: string; details: { arrearsFen: number } };

/**
 * Whether an application may be filed, or the reason it is refused:
 * - after the season's deadline: refused, with the deadline in the message;
 * - 报停 when the account is already suspended for that season, 复供 when it is not: refused;
 * - another open (pending or granted but unfinished) application for the same account and season: refused;
 * - 报停 with arrears and the rule "refuse": refused with the amount. 复供 is never refused for arrears
 *   (restarting heat is not a collection lever here; the next bill is the full fee either way).
 */
export function checkSuspensionApplication(input: {
  kind: SuspensionKind;
  today: BizDate;
  seasonCode: string;
  rules: SuspensionRules;
  /** the account's heating status in that season, from granted applications and the register */
  statusForSeason: HeatingStatus;
  /** overdue unpaid principal and late fees, fen */
  arrearsFen: number;
  openApplicationExists: boolean;
}): SuspensionRefusal | null {
  const deadline = suspensionDeadline(input.seasonCode, input.rules);
  if (input.today > deadline) {
    return {
      code: "SUSPENSION_DEADLINE_PASSED",
      message: `${input.seasonCode}供热季的报停/复供申请已于${deadline}截止，请在下一供热季的截止日期前申请`,
      details: { seasonCode: input.seasonCode, deadline },
    };
  }
  if (input.openApplicationExists) return { code: "SUSPENSION_OPEN_EXISTS", details: { seasonCode: input.seasonCode } };
  if (input.kind === "suspend" && input.statusForSeason === "suspended") {
    return { code: "SUSPENSION_ALREADY_SUSPENDED", details: { seasonCode: input.seasonCode } };
  }
  if (input.kind === "restart" && input.statusForSeason !== "suspended") {
    return { code: "SUSPENSION_NOT_SUSPENDED", details: { seasonCode: input.seasonCode } };
  }
  if (input.kind === "suspend" && input.arrearsFen > 0 && input.rules.arrearsRule === "refuse") {
    return {
      code: "SUSPENSION_ARREARS",
      message: `该户尚有欠费${formatYuan(input.arrearsFen)}元，请先缴清欠费再申请报停`,
      details: { arrearsFen: input.arrearsFen },
    };
  }
  return null;
}

/** Staff actions on an application, and the statuses each may start from. */
export const SUSPENSION_ACTIONS = {
  approve: ["pending"],
  reject: ["pending"],
  /** scheduling the valve visit from "pending" approves at the same time */
  schedule_visit: ["pending", "approved"],
  confirm_visit: ["valve_visit_scheduled"],
  withdraw: ["pending"],
} as const satisfies Record<string, readonly SuspensionStatus[]>;
export type SuspensionAction = keyof typeof SUSPENSION_ACTIONS;

export function suspensionActionAllowed(action: SuspensionAction, status: SuspensionStatus): boolean {
  return (SUSPENSION_ACTIONS[action] as readonly SuspensionStatus[]).includes(status);
}

/** The base fee a suspended account pays in a season (the same rounding as the bill run). */
export function suspendedFeeFen(areaHundredths: number, tariff: TariffRule): number {
  return seasonAmountFen(areaHundredths, tariff, true);
}

// --- API shapes ---

export const SuspensionRulesViewSchema = z.object({
  seasonCode: z.string(),
  deadline: z.string(),
  arrearsRule: z.enum(SUSPENSION_ARREARS_RULES),
  /** the base-fee share of the full fee, 1/10000, of the target season's tariff when it exists (else the default) */
  baseShareBp: z.number().int(),
});
export type SuspensionRulesView = z.infer<typeof SuspensionRulesViewSchema>;

export const CreateSuspensionSchema = z.object({
  accountId: z.number().int().positive(),
  kind: z.enum(SUSPENSION_KINDS),
  reason: z.string().trim().min(2, "请填写申请原因").max(200),
  /** defaults to the season whose deadline is open */
  seasonCode: z
    .string()
    .regex(/^\d{4}-\d{4}$/, "供热季格式应为 2027-2028")
    .optional(),
});
export type CreateSuspensionInput = z.infer<typeof CreateSuspensionSchema>;

export const SuspensionEventSchema = z.object({
  type: z.string(),
  label: z.string(),
  actorName: z.string().nullable(),
  note: z.string().nullable(),
  at: z.string(),
});

export const SuspensionViewSchema = z.object({
  id: z.number(),
  accountId: z.number(),
  accountNo: z.string(),
  address: z.string(),
  kind: z.enum(SUSPENSION_KINDS),
  kindLabel: z.string(),
  seasonCode: z.string(),
  deadline: z.string(),
  reason: z.string(),
  status: z.enum(SUSPENSION_STATUSES),
  statusLabel: z.string(),
  channel: z.enum(["resident", "staff"]),
  reviewerName: z.string().nullable(),
  reviewNote: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  visit: z
    .object({
      technicianId: z.number(),
      technicianName: z.string().nullable(),
      label: z.string(),
      scheduledDate: z.string(),
      photoUrl: z.string().nullable(),
      confirmedAt: z.string().nullable(),
      note: z.string().nullable(),
    })
    .nullable(),
  events: z.array(SuspensionEventSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SuspensionView = z.infer<typeof SuspensionViewSchema>;

export const SuspensionPageSchema = z.object({
  items: z.array(SuspensionViewSchema),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type SuspensionPage = z.infer<typeof SuspensionPageSchema>;

export const SuspensionQueueQuerySchema = z.object({
  status: z.enum(SUSPENSION_STATUSES).optional(),
  kind: z.enum(SUSPENSION_KINDS).optional(),
  seasonCode: z.string().max(9).optional(),
  accountNo: z.string().trim().max(16).optional(),
  /** the technician's own visits */
  mine: z.coerce.boolean().optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const ResidentSuspensionQuerySchema = z.object({ accountId: z.coerce.number().int().positive() });

export const SuspensionDecisionSchema = z.object({
  decision: z.enum(["approve", "reject"]),
  /** required when rejecting: the resident reads it */
  note: z.string().trim().max(200).optional(),
});
export type SuspensionDecisionInput = z.infer<typeof SuspensionDecisionSchema>;

export const ScheduleValveVisitSchema = z.object({
  technicianId: z.number().int().positive(),
  scheduledDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 2027-09-01"),
  note: z.string().trim().max(200).optional(),
});
export const ConfirmValveVisitSchema = z.object({ note: z.string().trim().max(200).optional() });
export const WithdrawSuspensionSchema = z.object({ reason: z.string().trim().max(200).optional() });

export const HeatingStatusHistorySchema = z.object({
  current: z.object({ seasonCode: z.string(), status: z.enum(HEATING_STATUSES), label: z.string() }),
  next: z.object({ seasonCode: z.string(), status: z.enum(HEATING_STATUSES), label: z.string() }),
  history: z.array(
    z.object({
      seasonCode: z.string(),
      status: z.enum(HEATING_STATUSES),
      label: z.string(),
      applicationId: z.number().nullable(),
      note: z.string().nullable(),
      at: z.string(),
    }),
  ),
  applications: z.array(SuspensionViewSchema),
});
export type HeatingStatusHistory = z.infer<typeof HeatingStatusHistorySchema>;

/** Who reviews 报停/复供 (approve, reject, schedule the valve visit) and who sees the desk. */
export const SUSPENSION_REVIEW_ROLES = ["dispatcher", "supervisor", "admin"] as const;
/** the desk: reviewers, plus technicians (their own valve visits) and the hotline (to answer residents) */
export const SUSPENSION_DESK_ROLES = ["hotline_agent", "dispatcher", "technician", "supervisor", "admin"] as const;
/** confirming a valve visit with the sealed-valve photo: the technician it is assigned to (or a dispatcher) */
export const SUSPENSION_VISIT_ROLES = ["technician", "dispatcher", "supervisor", "admin"] as const;
