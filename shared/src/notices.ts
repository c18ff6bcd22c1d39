import { z } from "zod";
import type { StaffRole } from "./roles";

/**
 * 供热公告: notices staff publish to residents (season start and end, weekly heating knowledge, outages and
 * repairs of a station, open days). Pure rules and the API's schemas; the server module is modules/notices.
 */

/** who may publish, edit and withdraw notices (and read the staff list) */
export const NOTICE_ROLES: readonly StaffRole[] = ["supervisor", "admin"];

export const NOTICE_KINDS = ["season", "knowledge", "outage", "open_day", "other"] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
export const NOTICE_KIND_LABELS: Record<NoticeKind, string> = {
  season: "季节通知",
  knowledge: "供热知识",
  outage: "停热检修",
  open_day: "开放日",
  other: "其他",
};

export const NOTICE_AUDIENCES = ["all", "communities", "stations"] as const;
export type NoticeAudience = (typeof NOTICE_AUDIENCES)[number];
export const NOTICE_AUDIENCE_LABELS: Record<NoticeAudience, string> = {
  all: "全部居民",
  communities: "指定小区",
  stations: "指定换热站",
};

/** the 24-hour heating service hotline (DOMAIN.md) */
export const HOTLINE = "0936-4466666";

export const NOTICE_TITLE_MAX = 60;
export const NOTICE_BODY_MAX = 5000;
/** targets of one notice at most (communities or stations) */
export const NOTICE_TARGETS_MAX = 200;

// ---- visibility -------------------------------------------------------------------------------------

export interface NoticeScope {
  audience: NoticeAudience;
  communityIds: readonly number[];
  stationIds: readonly number[];
  publishAt: Date;
  expireAt: Date | null;
  withdrawnAt: Date | null;
}

/** where a resident's bound accounts are: their communities and their buildings' stations */
export interface ResidentPlaces {
  communityIds: readonly number[];
  stationIds: readonly number[];
}

export type NoticeState = "scheduled" | "current" | "expired" | "withdrawn";
export const NOTICE_STATE_LABELS: Record<NoticeState, string> = {
  scheduled: "待发布",
  current: "发布中",
  expired: "已过期",
  withdrawn: "已撤回",
};

/** Where a notice stands at `now`: withdrawn wins; published from publishAt (inclusive) until expireAt (exclusive). */
export function noticeState(n: Pick<NoticeScope, "publishAt" | "expireAt" | "withdrawnAt">, now: Date): NoticeState {
  if (n.withdrawnAt) return "withdrawn";
  if (n.publishAt.getTime() > now.getTime()) return "scheduled";
  if (n.expireAt && n.expireAt.getTime() <= now.getTime()) return "expired";
  return "current";
}

/** Whether the notice is addressed to a resident with these places (timing aside). */
export function noticeAddressedTo(n: Pick<NoticeScope, "audience" | "communityIds" | "stationIds">, p: ResidentPlaces) {
  if (n.audience === "all") return true;
  if (n.audience === "communities") return n.communityIds.some((id) => p.communityIds.includes(id));
  return n.stationIds.some((id) => p.stationIds.includes(id));
}

/**
 * A resident sees a notice when it is current (published, not expired, not withdrawn) and addressed to
 * them: to everyone, or to a community or station of one of their bound accounts. A resident with no
 * binding has no places and sees the notices to everyone only.
 */
export function noticeVisibleTo(n: NoticeScope, p: ResidentPlaces, now: Date): boolean {
  return noticeState(n, now) === "current" && noticeAddressedTo(n, p);
}

/** Pinned first, then the newest publication first (ties: the higher id first). */
export function compareNotices(
  a: { pinned: boolean; publishAt: Date; id: number },
  b: { pinned: boolean; publishAt: Date; id: number },
): number {
  if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
  const t = b.publishAt.getTime() - a.publishAt.getTime();
  return t !== 0 ? t : b.id - a.id;
}

// ---- body: a safe subset of formatting -------------------------------------------------------------

/**
 * The body is plain text with three marks, rendered as elements (never as HTML, so nothing in it can run):
 * a blank line separates paragraphs, a line starting with "- " (or "• ") is a list item, and **text** is
 * bold. Anything else, "<b>" included, is shown as the characters typed.
 */
export interface NoticeSpan {
  text: string;
  bold: boolean;
}
export type NoticeBlock = { type: "p"; lines: NoticeSpan[][] } | { type: "ul"; items: NoticeSpan[][] };

/** "a **b** c" → spans; an unmatched "**" stays as typed. */
export function parseNoticeSpans(line: string): NoticeSpan[] {
  const spans: NoticeSpan[] = [];
  let rest = line;
  while (rest.length > 0) {
    const open = rest.indexOf("**");
    const close = open >= 0 ? rest.indexOf("**", open + 2) : -1;
    if (open < 0 || close < 0 || close === open + 2) {
      spans.push({ text: rest, bold: false });
      break;
    }
    if (open > 0) spans.push({ text: rest.slice(0, open), bold: false });
    spans.push({ text: rest.slice(open + 2, close), bold: true });
    rest = rest.slice(close + 2);
  }
  return spans;
}

const ITEM = /^\s*[-•]\s+/;

export function parseNoticeBody(body: string): NoticeBlock[] {
  const blocks: NoticeBlock[] = [];
  let current: NoticeBlock | null = null;
  for (const raw of body.replace(/\r\n?/g, "\n").split("\n")) {
    const line = raw.trimEnd();
    if (line.trim() === "") {
      current = null;
      continue;
    }
    if (ITEM.test(line)) {
      if (current?.type !== "ul") {
        current = { type: "ul", items: [] };
        blocks.push(current);
      }
      current.items.push(parseNoticeSpans(line.replace(ITEM, "")));
    } else {
      if (current?.type !== "p") {
        current = { type: "p", lines: [] };
        blocks.push(current);
      }
      current.lines.push(parseNoticeSpans(line.trim()));
    }
  }
  return blocks;
}

/** The body as plain text (marks removed), e.g. for a summary line or a message. */
export function noticePlainText(body: string): string {
  return parseNoticeBody(body)
    .map((b) =>
      b.type === "p"
        ? b.lines.map((l) => l.map((s) => s.text).join("")).join(" ")
        : b.items.map((l) => l.map((s) => s.text).join("")).join("；"),
    )
    .join(" ");
}

/** "2026-12-03 08:00" in Asia/Shanghai (notices are shown in Beijing time, stored as UTC instants). */
export function beijingMinuteText(iso: string | Date): string {
  const t = typeof iso === "string" ? new Date(iso) : iso;
  return new Date(t.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace("T", " ");
}

// ---- API schemas ------------------------------------------------------------------------------------

const Ids = z.array(z.number().int().positive()).max(NOTICE_TARGETS_MAX);
const Instant = z.iso.datetime({ offset: true, error: "时间格式有误" });

export const NoticeInputSchema = z
  .object({
    title: z.string().trim().min(1, "请填写标题").max(NOTICE_TITLE_MAX, `标题不能超过${NOTICE_TITLE_MAX}个字`),
    body: z.string().trim().min(1, "请填写正文").max(NOTICE_BODY_MAX, `正文不能超过${NOTICE_BODY_MAX}个字`),
    kind: z.enum(NOTICE_KINDS, "请选择公告类别"),
    audience: z.enum(NOTICE_AUDIENCES, "请选择发布范围"),
    communityIds: Ids.default([]),
    stationIds: Ids.default([]),
    pinned: z.boolean().default(false),
    /** UTC instant; omitted = now */
    publishAt: Instant.optional(),
    expireAt: Instant.nullable().default(null),
    /** an uploaded notice image (POST /staff/notice-images), or null */
    imageId: z.number().int().positive().nullable().default(null),
  })
  .superRefine((v, ctx) => {
    if (v.audience === "communities" && v.communityIds.length === 0)
      ctx.addIssue({ code: "custom", path: ["communityIds"], message: "请至少选择一个小区" });
    if (v.audience === "stations" && v.stationIds.length === 0)
      ctx.addIssue({ code: "custom", path: ["stationIds"], message: "请至少选择一个换热站" });
    if (v.expireAt && new Date(v.expireAt).getTime() <= new Date(v.publishAt ?? Date.now()).getTime())
      ctx.addIssue({ code: "custom", path: ["expireAt"], message: "过期时间须晚于发布时间" });
  });
export type NoticeInput = z.input<typeof NoticeInputSchema>;

export const NoticeWithdrawSchema = z.object({
  reason: z.string().trim().min(1, "请填写撤回原因").max(200, "撤回原因不能超过200个字"),
});

export const NoticeIdParams = z.object({ id: z.coerce.number().int().positive() });

export const NoticeImageSchema = z.object({
  id: z.number().int(),
  url: z.string(),
  mime: z.string(),
  size: z.number(),
});
export type NoticeImageView = z.infer<typeof NoticeImageSchema>;

export const StaffNoticeSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  body: z.string(),
  kind: z.enum(NOTICE_KINDS),
  audience: z.enum(NOTICE_AUDIENCES),
  communityIds: z.array(z.number().int()),
  stationIds: z.array(z.number().int()),
  /** names of the targets, in the order of the ids */
  targetNames: z.array(z.string()),
  pinned: z.boolean(),
  publishAt: z.string(),
  expireAt: z.string().nullable(),
  image: NoticeImageSchema.nullable(),
  state: z.enum(["scheduled", "current", "expired", "withdrawn"]),
  authorName: z.string(),
  withdrawnAt: z.string().nullable(),
  withdrawReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type StaffNoticeView = z.infer<typeof StaffNoticeSchema>;
export const StaffNoticeListSchema = z.object({ items: z.array(StaffNoticeSchema), total: z.number().int() });
export const StaffNoticeQuerySchema = z.object({
  state: z.enum(["scheduled", "current", "expired", "withdrawn"]).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const NoticeSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  body: z.string(),
  kind: z.enum(NOTICE_KINDS),
  pinned: z.boolean(),
  publishAt: z.string(),
  expireAt: z.string().nullable(),
  image: z.object({ url: z.string() }).nullable(),
});
export type NoticeView = z.infer<typeof NoticeSchema>;
export const NoticeListSchema = z.object({
  items: z.array(NoticeSchema),
  /** the current heating season (or the next one), for the home page; null when none is set up */
  season: z.object({ code: z.string(), startDate: z.string(), endDate: z.string() }).nullable(),
  hotline: z.string(),
});
export type NoticeList = z.infer<typeof NoticeListSchema>;

// ---- subscribe consents for notice and refund messages ------------------------------------------------

/**
 * One-time subscribe-message templates apart from the ticket ones: 停热检修 notices, completed refunds and the
 * steps of a hardship application.
 * Consents are counted like the ticket ones (one message per consent); /me/message-subscriptions.
 */
export const RESIDENT_MESSAGE_TEMPLATES = ["heating_notice", "refund_result", "hardship_progress"] as const;
export type ResidentMessageTemplate = (typeof RESIDENT_MESSAGE_TEMPLATES)[number];
export const ResidentConsentSchema = z.object({
  results: z
    .array(z.object({ template: z.enum(RESIDENT_MESSAGE_TEMPLATES), accepted: z.boolean() }))
    .min(1)
    .max(10),
});
export const ResidentConsentCountsSchema = z.object({
  counts: z.object({
    heating_notice: z.number().int(),
    refund_result: z.number().int(),
    hardship_progress: z.number().int(),
  }),
  /** the template ids to ask for, for the vendor the resident signed in with */
  templateIds: z.object({ heating_notice: z.string(), refund_result: z.string(), hardship_progress: z.string() }),
});
export type ResidentConsentCounts = z.infer<typeof ResidentConsentCountsSchema>;
