import { z } from "zod";
import { PageQuerySchema, pageOf } from "./api/common";
import { isBizDate } from "./billing/dates";
import type { StaffRole } from "./roles";
import {
  TEMP_METHODS,
  VISIT_KINDS,
  VISIT_LIMITS,
  VISIT_OUTCOMES,
  VISIT_POLICY_ITEMS,
  VISIT_POSITIONS,
  VISIT_PRIORITIES,
} from "./visits";

/** who records visits: field staff, and supervisors/administrators at a desk */
export const VISIT_RECORD_ROLES: readonly StaffRole[] = ["grid_worker", "technician", "supervisor", "admin"];
/** who reads visit records (the account's 走访记录, the evidence for legal work) */
export const VISIT_READ_ROLES: readonly StaffRole[] = [
  "grid_worker",
  "technician",
  "hotline_agent",
  "legal_officer",
  "supervisor",
  "admin",
];
/** the field staff's own list of the day */
export const VISIT_TODAY_ROLES: readonly StaffRole[] = ["grid_worker", "technician"];
/** plan progress, plan builds and staff ↔ community assignments */
export const VISIT_SUPERVISE_ROLES: readonly StaffRole[] = ["supervisor", "admin"];
/** the special-group list (grid workers see their own communities) */
export const SPECIAL_GROUP_ROLES: readonly StaffRole[] = ["grid_worker", "supervisor", "admin"];
/** roles whose visits and lists are limited to the communities they are assigned to */
export const VISIT_SCOPED_ROLES: readonly StaffRole[] = ["grid_worker", "technician"];

const Text = (max: number, msg: string) => z.string().trim().max(max, msg);
const DateStr = z.string().refine(isBizDate, "日期格式应为YYYY-MM-DD");
const Instant = z.coerce.date({ message: "时间格式不正确" });

export const VisitPositionSchema = z.object({
  kind: z.enum(VISIT_POSITIONS, { message: "请选择住户的缴费态度" }),
  promisedDate: DateStr.nullish(),
  reason: Text(500, "说明不超过500字").nullish(),
});

export const VisitLocationSchema = z.object({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  accuracyM: z.number().min(0).max(100_000).nullish(),
});

const VisitFields = z.object({
  /** the second visitor (one or two staff per visit) */
  coVisitorId: z.number().int().positive().nullish(),
  startedAt: Instant,
  endedAt: Instant,
  kind: z.enum(VISIT_KINDS, { message: "请选择走访类型" }),
  outcome: z.enum(VISIT_OUTCOMES, { message: "请选择走访结果" }),
  /** tenths of ℃; −40…+40 ℃ is checked by the rules (visitIssues) with its own message */
  indoorTempC10: z.number().int("室内温度精确到0.1℃").nullish(),
  tempMethod: z.enum(TEMP_METHODS, { message: "请选择测温方式" }).nullish(),
  tempPhotoId: z.number().int().positive().nullish(),
  faultsFound: Text(VISIT_LIMITS.textMax, "发现的问题不超过1000字").nullish(),
  faultsFixed: Text(VISIT_LIMITS.textMax, "处理情况不超过1000字").nullish(),
  policyExplained: z.array(z.enum(VISIT_POLICY_ITEMS)).max(VISIT_POLICY_ITEMS.length).default([]),
  position: VisitPositionSchema.nullish(),
  notes: Text(VISIT_LIMITS.textMax, "备注不超过1000字").nullish(),
  photoIds: z.array(z.number().int().positive()).max(VISIT_LIMITS.maxPhotos, "每次走访最多6张照片").default([]),
  signaturePhotoId: z.number().int().positive().nullish(),
  location: VisitLocationSchema.nullish(),
});

export const RecordVisitSchema = VisitFields.extend({
  accountId: z.number().int().positive(),
  /** the open visit task (reminder ladder) this visit answers */
  taskId: z.number().int().positive().nullish(),
  /** the phone's draft id: a retried save of the same draft records one visit */
  clientKey: z.string().trim().min(8).max(64).nullish(),
});
export type RecordVisitInput = z.infer<typeof RecordVisitSchema>;

export const CorrectVisitSchema = VisitFields.extend({
  reason: z.string().trim().min(2, "请填写更正原因（至少2个字）").max(200, "更正原因不超过200字"),
});
export type CorrectVisitInput = z.infer<typeof CorrectVisitSchema>;

export const VisitPhotoSchema = z.object({
  id: z.number().int(),
  url: z.string(),
  mime: z.string(),
  size: z.number().int(),
  role: z.enum(["photo", "signature", "temperature"]),
});
export type VisitPhotoView = z.infer<typeof VisitPhotoSchema>;

export const VisitEffectSchema = z.object({
  kind: z.enum(["cold_room_ticket", "service_ticket", "follow_up", "task_completed"]),
  refId: z.number().int().nullable(),
  label: z.string(),
});

export const VisitSchema = z.object({
  id: z.number().int(),
  accountId: z.number().int(),
  accountNo: z.string(),
  address: z.string(),
  communityId: z.number().int(),
  communityName: z.string().nullable(),
  visitors: z.array(z.object({ id: z.number().int(), name: z.string() })),
  startedAt: z.string(),
  endedAt: z.string(),
  kind: z.enum(VISIT_KINDS),
  kindLabel: z.string(),
  outcome: z.enum(VISIT_OUTCOMES),
  outcomeLabel: z.string(),
  indoorTempC10: z.number().int().nullable(),
  tempMethod: z.enum(TEMP_METHODS).nullable(),
  outdoorTempC10: z.number().int().nullable(),
  faultsFound: z.string().nullable(),
  faultsFixed: z.string().nullable(),
  policyExplained: z.array(z.enum(VISIT_POLICY_ITEMS)),
  position: z
    .object({
      kind: z.enum(VISIT_POSITIONS),
      label: z.string(),
      promisedDate: z.string().nullable(),
      reason: z.string().nullable(),
    })
    .nullable(),
  notes: z.string().nullable(),
  photos: z.array(VisitPhotoSchema),
  location: VisitLocationSchema.nullable(),
  /** the row this one corrects (null on an original record) */
  correctsId: z.number().int().nullable(),
  correctionReason: z.string().nullable(),
  /** the first record of the chain */
  rootId: z.number().int(),
  /** a later correction replaces this row */
  supersededById: z.number().int().nullable(),
  effects: z.array(VisitEffectSchema),
  createdAt: z.string(),
});
export type VisitView = z.infer<typeof VisitSchema>;

/** What recording a visit leads to: tickets opened, a follow-up, and the hardship offer. */
export const RecordVisitResultSchema = z.object({
  visit: VisitSchema,
  /** 经济困难: start a hardship application on the resident's behalf (POST /api/v1/staff/hardship/applications) */
  hardshipOffer: z
    .object({ accountId: z.number().int(), channel: z.literal("grid_worker"), path: z.string(), message: z.string() })
    .nullable(),
});

export const VisitQuerySchema = PageQuerySchema.extend({
  accountId: z.coerce.number().int().positive().optional(),
  staffId: z.coerce.number().int().positive().optional(),
  communityId: z.coerce.number().int().positive().optional(),
  from: DateStr.optional(),
  to: DateStr.optional(),
  /** also list the rows later corrections replaced */
  withHistory: z.coerce.boolean().optional(),
});
export const VisitPageSchema = pageOf(VisitSchema);

export const AccountVisitsSchema = z.object({
  accountId: z.number().int(),
  items: z.array(VisitSchema),
  /** the resident's stated positions over time, oldest first (current records only) */
  positions: z.array(
    z.object({ visitId: z.number().int(), at: z.string(), kind: z.enum(VISIT_POSITIONS), label: z.string() }),
  ),
});

export const TodayItemSchema = z.object({
  accountId: z.number().int(),
  accountNo: z.string(),
  ownerName: z.string(),
  address: z.string(),
  communityId: z.number().int(),
  communityName: z.string(),
  buildingName: z.string().nullable(),
  unit: z.string().nullable(),
  room: z.string().nullable(),
  priority: z.enum(VISIT_PRIORITIES),
  priorityLabel: z.string(),
  target: z.number().int(),
  doneThisMonth: z.number().int(),
  visitedToday: z.boolean(),
  lastVisitAt: z.string().nullable(),
  lastPosition: z.string().nullable(),
  /** an open visit task of the household (reminder ladder, promise check): the visit that answers it names it */
  task: z.object({ id: z.number().int(), reason: z.string(), dueDate: z.string(), soft: z.boolean() }).nullable(),
});
export const TodayListSchema = z.object({ date: z.string(), month: z.string(), items: z.array(TodayItemSchema) });

export const MonthQuerySchema = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "月份格式应为YYYY-MM")
    .optional(),
});

const ProgressRow = z.object({
  households: z.number().int(),
  targetVisits: z.number().int(),
  visits: z.number().int(),
  householdsDone: z.number().int(),
});
export const PlanProgressSchema = z.object({
  month: z.string(),
  isVisitMonth: z.boolean(),
  workers: z.array(ProgressRow.extend({ staffId: z.number().int(), name: z.string() })),
  communities: z.array(ProgressRow.extend({ communityId: z.number().int(), name: z.string() })),
  total: ProgressRow,
});

export const BuildPlanSchema = z.object({ month: MonthQuerySchema.shape.month });
export const BuildPlanResultSchema = z.object({
  month: z.string(),
  entries: z.number().int(),
  created: z.number().int(),
  reassigned: z.number().int(),
});

export const SpecialGroupQuerySchema = z.object({ communityId: z.coerce.number().int().positive().optional() });
export const SpecialGroupSchema = z.object({
  season: z.string().nullable(),
  items: z.array(
    z.object({
      accountId: z.number().int(),
      accountNo: z.string(),
      ownerName: z.string(),
      address: z.string(),
      communityId: z.number().int(),
      communityName: z.string(),
      category: z.string(),
      categoryLabel: z.string(),
      paymentState: z.enum(["paid", "plan", "unpaid", "no_bill"]),
      paymentStateLabel: z.string(),
      owedFen: z.number().int(),
      covered: z.boolean(),
      lastVisitAt: z.string().nullable(),
    }),
  ),
  coverage: z.object({ covered: z.number().int(), total: z.number().int(), rate: z.number(), target: z.number() }),
  byCommunity: z.array(
    z.object({ communityId: z.number().int(), name: z.string(), covered: z.number().int(), total: z.number().int() }),
  ),
});

export const AssignmentsSchema = z.object({
  items: z.array(
    z.object({
      staffId: z.number().int(),
      name: z.string(),
      roles: z.array(z.string()),
      communities: z.array(z.object({ id: z.number().int(), name: z.string(), from: z.string() })),
    }),
  ),
});
export const SetAssignmentsSchema = z.object({
  communityIds: z.array(z.number().int().positive()).max(50),
});
export const StaffIdParamSchema = z.object({ staffId: z.coerce.number().int().positive({ message: "编号无效" }) });
