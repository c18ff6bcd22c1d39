/** 工单 (service desk) vocabulary shared by the server, the console and the mini-program. */

export const TICKET_CATEGORIES = ["cold_room", "no_heat", "leak", "noise", "billing", "inquiry", "other"] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];
export const TICKET_CATEGORY_LABELS: Record<TicketCategory, string> = {
  cold_room: "室温不达标",
  no_heat: "不热",
  leak: "漏水",
  noise: "噪音",
  billing: "收费争议",
  inquiry: "咨询",
  other: "其他",
};

export const TICKET_CHANNELS = ["wechat", "alipay", "hotline", "visit", "12345"] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];
export const TICKET_CHANNEL_LABELS: Record<TicketChannel, string> = {
  wechat: "微信小程序",
  alipay: "支付宝小程序",
  hotline: "供热热线",
  visit: "入户走访",
  "12345": "12345转办",
};

/**
 * new → responded (first contact) → dispatched (station / crew) → on_site → resolved → closed (after a
 * satisfied follow-up). An unsatisfied follow-up reopens the ticket (back to new, clocks restart).
 */
export const TICKET_STATUSES = ["new", "responded", "dispatched", "on_site", "resolved", "closed"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_STATUS_LABELS: Record<TicketStatus, string> = {
  new: "待响应",
  responded: "已响应",
  dispatched: "已派单",
  on_site: "处理中（已到场）",
  resolved: "已处理待回访",
  closed: "已办结",
};

/** 供热事故等级: resolution within 1 h / 4 h / 8 h by default (configurable per category). */
export const INCIDENT_GRADES = ["general", "major", "severe"] as const;
export type IncidentGrade = (typeof INCIDENT_GRADES)[number];
export const INCIDENT_GRADE_LABELS: Record<IncidentGrade, string> = {
  general: "一般",
  major: "较大",
  severe: "重大",
};

export const TICKET_PRIORITIES = ["normal", "high", "urgent"] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export const TICKET_PRIORITY_LABELS: Record<TicketPriority, string> = {
  normal: "普通",
  high: "优先",
  urgent: "紧急",
};

/** Every step of a ticket is an event; the SLA state is computed from them. */
export const TICKET_EVENT_TYPES = [
  "created",
  "responded",
  "dispatched",
  "on_site",
  "measured",
  "paused",
  "resumed",
  "resolved",
  "followed_up",
  /** a follow-up call that did not get through (the 无法联系 rule counts these; its time is the event's) */
  "follow_up_missed",
  "reopened",
  "closed",
  "graded",
  "note",
  "call_attached",
  "linked",
  "warned",
  "escalated",
  /** the resident says in the app that the room is warm again (已恢复正常) */
  "confirmed",
] as const;
export type TicketEventType = (typeof TICKET_EVENT_TYPES)[number];
export const TICKET_EVENT_LABELS: Record<TicketEventType, string> = {
  created: "提交诉求",
  responded: "已响应（首次联系）",
  dispatched: "已派单",
  on_site: "维修人员已到场",
  measured: "入户测温",
  paused: "暂停计时（等待居民）",
  resumed: "恢复计时",
  resolved: "处理完成",
  followed_up: "回访",
  follow_up_missed: "回访未接通",
  reopened: "重新处理",
  closed: "办结",
  graded: "调整事故等级",
  note: "备注",
  call_attached: "关联来电",
  linked: "合并为同一事件",
  warned: "时限预警",
  escalated: "超时升级",
  confirmed: "居民确认已恢复正常",
};

/** which clock an SLA warning / escalation is about */
export const SLA_CLOCKS = ["response", "resolution", "measurement"] as const;
export type SlaClock = (typeof SLA_CLOCKS)[number];
export const SLA_CLOCK_LABELS: Record<SlaClock, string> = {
  response: "响应时限",
  resolution: "处理时限",
  measurement: "入户测温时限",
};

export const MEASUREMENT_METHODS = ["thermometer", "infrared", "logger"] as const;
export type MeasurementMethod = (typeof MEASUREMENT_METHODS)[number];
export const MEASUREMENT_METHOD_LABELS: Record<MeasurementMethod, string> = {
  thermometer: "温度计（室中央1.5米高处）",
  infrared: "红外测温仪",
  logger: "温度记录仪",
};

/** What staff may do on a ticket, in the order the console lists them (the server answers which are allowed now). */
export const TICKET_ACTION_VERBS = [
  "respond",
  "dispatch",
  "on_site",
  "measure",
  "pause",
  "resume",
  "resolve",
  "follow_up",
  "grade",
  "link",
  "note",
] as const;
export type TicketAction = (typeof TICKET_ACTION_VERBS)[number];
