import { z } from "zod";
import {
  INCIDENT_GRADES,
  MEASUREMENT_METHODS,
  SLA_CLOCKS,
  TICKET_CATEGORIES,
  TICKET_CHANNELS,
  TICKET_EVENT_TYPES,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
} from "../tickets/constants";
import { SATISFACTION_LEVELS } from "../serviceRates";
import { ContactPhoneSchema } from "../tickets/contactPhone";

/** Temperatures travel as tenths of a degree (integers): 185 = 18.5 °C. */
const IndoorC10 = z
  .number({ message: "请填写室内温度" })
  .int("温度以0.1℃为单位")
  .min(-200, "室内温度读数不合理")
  .max(400, "室内温度读数不合理");
const OutdoorC10 = z.number().int().min(-500, "室外温度读数不合理").max(450, "室外温度读数不合理");

export const UPLOAD_LIMITS = {
  maxBytes: 5 * 1024 * 1024,
  types: ["image/jpeg", "image/png", "image/webp"] as const,
  maxPhotosPerTicket: 9,
};

/** An uploaded photo (stored first, then named by id when a ticket or measurement is saved). */
export const PhotoSchema = z.object({
  id: z.number().int(),
  /** a short-lived link that needs no Authorization header (for <Image src>) */
  url: z.string(),
  mime: z.string(),
  size: z.number().int(),
});
export type PhotoView = z.infer<typeof PhotoSchema>;

const PhotoIds = z.array(z.number().int().positive()).max(UPLOAD_LIMITS.maxPhotosPerTicket, "照片最多9张").optional();

/** A resident reports a problem in the mini-program (the channel comes from the sign-in vendor). */
export const CreateTicketSchema = z.object({
  accountId: z.number().int().positive(),
  category: z.enum(TICKET_CATEGORIES, { message: "请选择问题类型" }),
  indoorTempC10: IndoorC10.optional(),
  description: z.string().trim().min(5, "请描述问题（至少5个字）").max(500, "问题描述不超过500字"),
  preferredContactTime: z.string().trim().max(50).optional(),
  /** 联系电话; left out = the phone on the account's register record (prefilled, masked, in the form) */
  contactPhone: ContactPhoneSchema.optional(),
  photoIds: PhotoIds,
});
export type CreateTicketInput = z.infer<typeof CreateTicketSchema>;

/** Staff open a ticket for a caller (hotline), a home visit or a 12345 transfer. */
export const StaffCreateTicketSchema = z
  .object({
    channel: z.enum(["hotline", "visit", "12345"]),
    /** the 12345 order number (required for 12345 transfers) */
    transferNo: z.string().trim().max(40).optional(),
    accountId: z.number().int().positive().optional(),
    callerPhone: z
      .string()
      .trim()
      .regex(/^[0-9-]{7,20}$/, "来电号码格式不正确")
      .optional(),
    contactName: z.string().trim().max(32).optional(),
    /** free address when no account was found */
    address: z.string().trim().max(200).optional(),
    category: z.enum(TICKET_CATEGORIES, { message: "请选择问题类型" }),
    indoorTempC10: IndoorC10.optional(),
    description: z.string().trim().min(5, "请描述问题（至少5个字）").max(500, "问题描述不超过500字"),
    preferredContactTime: z.string().trim().max(50).optional(),
    photoIds: PhotoIds,
    /** the hotline call this ticket is opened from */
    callLogId: z.number().int().positive().optional(),
  })
  .superRefine((t, ctx) => {
    if (t.channel === "12345" && !t.transferNo)
      ctx.addIssue({ code: "custom", path: ["transferNo"], message: "12345转办须填写工单编号" });
    if (!t.accountId && !t.address)
      ctx.addIssue({ code: "custom", path: ["address"], message: "未关联户号时请填写地址" });
  });
export type StaffCreateTicketInput = z.infer<typeof StaffCreateTicketSchema>;

export const ClockSchema = z.object({
  clock: z.enum(SLA_CLOCKS),
  budgetMinutes: z.number(),
  usedMinutes: z.number(),
  remainingMinutes: z.number(),
  dueAt: z.string().nullable(),
  warnAt: z.string().nullable(),
  metAt: z.string().nullable(),
  paused: z.boolean(),
  warned: z.boolean(),
  breached: z.boolean(),
});
export type ClockViewDto = z.infer<typeof ClockSchema>;

export const SlaSchema = z.object({
  cycle: z.number().int(),
  grade: z.enum(INCIDENT_GRADES),
  paused: z.boolean(),
  response: ClockSchema,
  resolution: ClockSchema,
  measurement: ClockSchema.nullable(),
  /** the clock that runs out first among those still running, for sorting and the countdown */
  next: z.object({ clock: z.enum(SLA_CLOCKS), dueAt: z.string() }).nullable(),
  computedAt: z.string(),
});
export type SlaView = z.infer<typeof SlaSchema>;

export const TicketEventSchema = z.object({
  id: z.number().int(),
  type: z.enum(TICKET_EVENT_TYPES),
  at: z.string(),
  actorKind: z.enum(["resident", "staff", "system"]),
  /** display name of staff (not shown to residents: they see the role), null for residents/system */
  actorName: z.string().nullable(),
  cycle: z.number().int(),
  /** human-readable summary in Chinese (e.g. "派单至 城东换热站 / 维修一班") */
  text: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
  photos: z.array(PhotoSchema),
});
export type TicketEventView = z.infer<typeof TicketEventSchema>;

export const TicketSummarySchema = z.object({
  id: z.number().int(),
  ticketNo: z.string(),
  category: z.enum(TICKET_CATEGORIES),
  channel: z.enum(TICKET_CHANNELS),
  status: z.enum(TICKET_STATUSES),
  priority: z.enum(TICKET_PRIORITIES),
  priorityReasons: z.array(z.string()),
  grade: z.enum(INCIDENT_GRADES),
  accountId: z.number().int().nullable(),
  accountNo: z.string().nullable(),
  address: z.string(),
  stationId: z.number().int().nullable(),
  stationName: z.string().nullable(),
  indoorTempC10: z.number().int().nullable(),
  outdoorTempC10: z.number().int().nullable(),
  description: z.string(),
  createdAt: z.string(),
  sla: SlaSchema,
  /** the lead ticket of the incident this one is linked to */
  incidentId: z.number().int().nullable(),
  /** several reports from the same building: staff may link them */
  suggestIncident: z.boolean(),
  satisfied: z.boolean().nullable(),
  score: z.number().int().nullable(),
  /** 联系电话 (the caller's number, the one the resident gave), masked; staff reveal it one ticket at a time */
  contactPhone: z.string().nullable(),
  /** resolved tickets: the follow-up calls that did not get through since 处理完成 (count, Beijing dates) */
  followUpMissed: z
    .object({ count: z.number().int(), days: z.number().int(), meetsRule: z.boolean() })
    .nullable()
    .optional(),
});
export type TicketSummaryView = z.infer<typeof TicketSummarySchema>;

export const TicketDetailSchema = TicketSummarySchema.extend({
  transferNo: z.string().nullable(),
  contactName: z.string().nullable(),
  preferredContactTime: z.string().nullable(),
  dispatchedStationName: z.string().nullable(),
  crew: z.string().nullable(),
  photos: z.array(PhotoSchema),
  events: z.array(TicketEventSchema),
  /** tickets linked to the same incident */
  linkedTicketIds: z.array(z.number().int()),
  /** what the viewer may do now */
  actions: z.array(z.string()),
  /**
   * cold-room tickets: whether 处理完成 is allowed yet (a reading at or above the floor after the last visit, or
   * the resident's 已恢复正常); null for other categories and for residents
   */
  resolveCheck: z
    .object({
      met: z.boolean(),
      floorC10: z.number().int().nullable(),
      lastReadingC10: z.number().int().nullable(),
      reason: z.string().nullable(),
    })
    .nullable(),
});
export type TicketDetailView = z.infer<typeof TicketDetailSchema>;

/** The full contact phone of one ticket, for the staff who work it (each answer is audited). */
export const ContactPhoneRevealSchema = z.object({ ticketId: z.number().int(), phone: z.string().nullable() });
export type ContactPhoneReveal = z.infer<typeof ContactPhoneRevealSchema>;

export const TicketListSchema = z.object({ items: z.array(TicketSummarySchema) });
export const TicketPageSchema = z.object({
  items: z.array(TicketSummarySchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

const boolParam = z
  .enum(["true", "false"])
  .transform((v) => v === "true")
  .optional();

/** The SLA board: open tickets sorted by time left (breached first); and the ticket search. */
export const TicketQuerySchema = z.object({
  q: z.string().trim().max(64).optional(),
  status: z.enum(TICKET_STATUSES).optional(),
  /** open = every status but closed */
  open: boolParam,
  stationId: z.coerce.number().int().positive().optional(),
  grade: z.enum(INCIDENT_GRADES).optional(),
  channel: z.enum(TICKET_CHANNELS).optional(),
  category: z.enum(TICKET_CATEGORIES).optional(),
  priority: z.enum(TICKET_PRIORITIES).optional(),
  breached: boolParam,
  /** resolved tickets waiting for a follow-up call */
  followUp: boolParam,
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type TicketQuery = z.infer<typeof TicketQuerySchema>;

const Note = z.string().trim().max(500).optional();

export const RespondSchema = z.object({ note: z.string().trim().min(2, "请填写联系情况").max(500) });
export const DispatchSchema = z.object({
  stationId: z.number().int().positive({ message: "请选择换热站" }),
  crew: z.string().trim().max(40).optional(),
  technicianId: z.number().int().positive().optional(),
  note: Note,
});
export const OnSiteSchema = z.object({ note: Note });

/** 派单: the technicians who can be assigned (active staff with the technician role). */
export const TechnicianQuerySchema = z.object({
  /** those of this heat station, and those not tied to a station (county-wide) */
  stationId: z.coerce.number().int().positive().optional(),
});
export type TechnicianQuery = z.infer<typeof TechnicianQuerySchema>;
export const TechnicianSchema = z.object({
  id: z.number().int(),
  displayName: z.string(),
  stationId: z.number().int().nullable(),
});
export type TechnicianView = z.infer<typeof TechnicianSchema>;
export const TechnicianListSchema = z.object({ items: z.array(TechnicianSchema) });
export const MeasureSchema = z.object({
  indoorTempC10: IndoorC10,
  outdoorTempC10: OutdoorC10.optional(),
  method: z.enum(MEASUREMENT_METHODS, { message: "请选择测温方式" }),
  photoIds: PhotoIds,
  note: Note,
});
export const PauseSchema = z.object({ reason: z.string().trim().min(2, "请填写暂停原因").max(200) });
export const ResumeSchema = z.object({ note: Note });
export const ResolveSchema = z.object({
  note: z.string().trim().min(2, "请填写处理结果").max(500),
  photoIds: PhotoIds,
});
export const FollowUpSchema = z.object({
  satisfied: z.boolean({ message: "请选择是否满意" }),
  score: z.number().int().min(1, "评分为1–5分").max(5, "评分为1–5分"),
  comment: z.string().trim().max(500).optional(),
});
export type FollowUpInput = z.infer<typeof FollowUpSchema>;

/**
 * 回访 by staff: reached (是否解决, 满意程度, score), a call that did not get through (its time is recorded),
 * or 无法联系 once the missed calls meet UNREACHABLE_RULE (the result then goes out by SMS and the ticket
 * closes). Old callers that send only `satisfied` + `score` are read as a reached follow-up.
 */
export const FOLLOW_UP_OUTCOMES = ["reached", "missed", "unreachable"] as const;
export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES)[number];
export const FOLLOW_UP_OUTCOME_LABELS: Record<FollowUpOutcome, string> = {
  reached: "已联系上",
  missed: "未接通",
  unreachable: "无法联系",
};
export const StaffFollowUpSchema = z
  .object({
    outcome: z.enum(FOLLOW_UP_OUTCOMES, { message: "请选择回访结果" }).default("reached"),
    /** 是否解决 */
    solved: z.boolean({ message: "请选择是否解决" }).optional(),
    /** 满意程度 */
    level: z.enum(SATISFACTION_LEVELS, { message: "请选择满意程度" }).optional(),
    /** old form: satisfied yes/no (stands in for solved and level when they are absent) */
    satisfied: z.boolean().optional(),
    score: z.number().int().min(1, "评分为1–5分").max(5, "评分为1–5分").optional(),
    comment: z.string().trim().max(500).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.outcome !== "reached") return;
    if (v.solved === undefined && v.satisfied === undefined)
      ctx.addIssue({ code: "custom", path: ["solved"], message: "请选择是否解决" });
    if (v.level === undefined && v.satisfied === undefined)
      ctx.addIssue({ code: "custom", path: ["level"], message: "请选择满意程度" });
    if (v.score === undefined) ctx.addIssue({ code: "custom", path: ["score"], message: "请评分（1–5分）" });
  });
export type StaffFollowUpInput = z.input<typeof StaffFollowUpSchema>;
export const GradeSchema = z.object({ grade: z.enum(INCIDENT_GRADES), reason: z.string().trim().min(2).max(200) });
export const LinkSchema = z.object({ incidentTicketId: z.number().int().positive() });
export const NoteSchema = z.object({ note: z.string().trim().min(1).max(500) });

/** 来电记录: every hotline call, with or without an account. */
export const CreateCallSchema = z.object({
  callerPhone: z
    .string()
    .trim()
    .regex(/^[0-9-]{7,20}$/, "来电号码格式不正确"),
  calledAt: z.string().datetime({ offset: true }).optional(),
  accountId: z.number().int().positive().optional(),
  reason: z.enum(TICKET_CATEGORIES, { message: "请选择来电事由" }),
  notes: z.string().trim().max(1000).optional(),
  /** attach the call to an existing ticket */
  ticketId: z.number().int().positive().optional(),
});
export type CreateCallInput = z.infer<typeof CreateCallSchema>;

export const CallSchema = z.object({
  id: z.number().int(),
  /** masked */
  callerPhone: z.string(),
  calledAt: z.string(),
  accountId: z.number().int().nullable(),
  accountNo: z.string().nullable(),
  reason: z.enum(TICKET_CATEGORIES),
  notes: z.string().nullable(),
  ticketId: z.number().int().nullable(),
  agentName: z.string(),
});
export type CallView = z.infer<typeof CallSchema>;
export const CallPageSchema = z.object({
  items: z.array(CallSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export const CallQuerySchema = z.object({
  /** 来电号码 (exact) or 户号 */
  q: z.string().trim().max(32).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

/** One-time subscribe consents (wx.requestSubscribeMessage / my.requestSubscribeMessage results). */
export const MESSAGE_TEMPLATES = ["ticket_progress", "follow_up_due"] as const;
export type MessageTemplate = (typeof MESSAGE_TEMPLATES)[number];
export const SubscribeConsentSchema = z.object({
  results: z
    .array(z.object({ template: z.enum(MESSAGE_TEMPLATES), accepted: z.boolean() }))
    .min(1)
    .max(10),
});
export const ConsentCountsSchema = z.object({
  counts: z.record(z.string(), z.number().int()),
  /**
   * the template ids to ask for (wx.requestSubscribeMessage / my.requestSubscribeMessage), for the vendor the
   * resident signed in with, as configured on the server (WECHAT_TEMPLATE_* / ALIPAY_TEMPLATE_*)
   */
  templateIds: z.object({ ticket_progress: z.string(), follow_up_due: z.string() }),
});

/** 三率 report */
export const RATE_GROUPS = ["day", "week", "month", "station", "channel"] as const;
export type RateGroup = (typeof RATE_GROUPS)[number];
export const ServiceRatesQuerySchema = z.object({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 YYYY-MM-DD"),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 YYYY-MM-DD"),
  groupBy: z.enum(RATE_GROUPS).default("day"),
});
export type ServiceRatesQuery = z.infer<typeof ServiceRatesQuerySchema>;
export const ServiceRateRowSchema = z.object({
  /** the day / ISO week start / month, or the station / channel */
  key: z.string(),
  label: z.string(),
  /** the counts: definitions in serviceRates.ts (SERVICE_RATE_DEFINITIONS, SERVICE_RATE_SCOPE) */
  tickets: z.number().int(),
  /** linked into another ticket's incident: in no rate */
  duplicates: z.number().int(),
  responseDue: z.number().int(),
  respondedInTime: z.number().int(),
  completionDue: z.number().int(),
  /** 按时办结: handled within the limit and replied */
  completed: z.number().int(),
  /** the last follow-up reached the resident */
  followedUp: z.number().int(),
  solved: z.number().int(),
  /** 满意 + 基本满意 */
  satisfied: z.number().int(),
  basicSatisfied: z.number().int(),
  /** 无法联系 by the rule: out of 解决率 and 满意率 */
  unreachable: z.number().int(),
  /** ratios 0..1, null when the denominator is 0 */
  responseRate: z.number().nullable(),
  completionRate: z.number().nullable(),
  solveRate: z.number().nullable(),
  satisfactionRate: z.number().nullable(),
});
export type ServiceRateRow = z.infer<typeof ServiceRateRowSchema>;
export const ServiceRatesSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(RATE_GROUPS),
  rows: z.array(ServiceRateRowSchema),
  total: ServiceRateRowSchema,
});
export type ServiceRatesView = z.infer<typeof ServiceRatesSchema>;

/** 回复模板 per status, for agents and for messages to residents ({ticketNo}, {station}, {time} filled in) */
export const REPLY_TEMPLATES: Record<"responded" | "dispatched" | "on_site" | "resolved" | "follow_up", string> = {
  responded: "您好，您反映的问题（工单{ticketNo}）已收到，我们已与您取得联系，将尽快安排处理。",
  dispatched: "您的工单{ticketNo}已派至{station}，维修人员将尽快上门，请保持电话畅通。",
  on_site: "维修人员已到达现场处理您的工单{ticketNo}。",
  resolved: "您的工单{ticketNo}已处理完成，请在小程序中对本次服务进行评价，如仍有问题可申请重新处理。",
  follow_up: "您好，这里是民乐县供热中心回访，您反映的问题（工单{ticketNo}）现在解决了吗？对处理结果是否满意？",
};
