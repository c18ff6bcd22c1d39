import { z } from "zod";

/**
 * 催告函 (final notice) and 证据链 (evidence chain) of a legal case (issue 15): the console's view of them.
 */

/** the case states in which a final notice may be generated and sent: before approval, or approved and not yet exported */
export const FINAL_NOTICE_CASE_STATES = ["pending_review", "approved"] as const;

export const FINAL_NOTICE_SEND_STATES = ["unsent", "sending", "sent", "failed"] as const;
export type FinalNoticeSendState = (typeof FINAL_NOTICE_SEND_STATES)[number];
export const FINAL_NOTICE_SEND_STATE_LABELS: Record<FinalNoticeSendState, string> = {
  unsent: "未发送",
  sending: "发送中",
  sent: "已发送",
  failed: "发送失败",
};
export const FINAL_NOTICE_CHANNEL_LABELS: Record<string, string> = { sms: "短信", subscribe: "小程序订阅消息" };

export const FinalNoticeDeliverySchema = z.object({
  channel: z.enum(["sms", "subscribe"]),
  result: z.enum(["sent", "failed", "skipped"]),
  vendorMessageId: z.string().nullable(),
  detail: z.string().nullable(),
  at: z.string(),
});

export const FinalNoticeSchema = z.object({
  id: z.number().int(),
  caseId: z.number().int(),
  noticeNo: z.string(),
  owedFen: z.number().int(),
  principalFen: z.number().int(),
  asOf: z.string(),
  payBy: z.string(),
  seasons: z.array(z.string()),
  sha256: z.string(),
  size: z.number().int(),
  generatedBy: z.string().nullable(),
  generatedAt: z.string(),
  sendState: z.enum(FINAL_NOTICE_SEND_STATES),
  sendStateLabel: z.string(),
  channels: z.array(z.string()),
  sentBy: z.string().nullable(),
  sentAt: z.string().nullable(),
  deliveries: z.array(FinalNoticeDeliverySchema),
  /** a signed link to the PDF */
  pdfUrl: z.string(),
});
export type FinalNoticeView = z.infer<typeof FinalNoticeSchema>;
export const FinalNoticeListSchema = z.object({
  items: z.array(FinalNoticeSchema),
  /** the case's state allows generating and sending */
  allowed: z.boolean(),
  payDays: z.number().int(),
});
export const FinalNoticeSendResultSchema = FinalNoticeSchema.extend({
  /** this request sent nothing: the notice had been sent (or was being sent) before */
  duplicate: z.boolean(),
});
export const FinalNoticeParamsSchema = z.object({
  id: z.coerce.number().int().positive({ message: "编号无效" }),
  noticeId: z.coerce.number().int().positive({ message: "编号无效" }),
});

export const CHAIN_TABLE_LABELS: Record<string, string> = {
  home_visits: "入户走访记录",
  reminders: "催缴提醒",
  legal_case_events: "案件时间线",
};
export const CHAIN_BREAK_LABELS: Record<string, string> = {
  hash_mismatch: "记录内容与哈希不符（记录被修改）",
  prev_mismatch: "前一条哈希不符（链被改动）",
  sequence_gap: "链序号不连续（有记录被删除或插入）",
  unchained: "记录未入链（绕过系统写入）",
  head_mismatch: "链尾与链头不符（末尾记录被删除或修改）",
};
export const ChainVerifySchema = z.object({
  ok: z.boolean(),
  checkedAt: z.string(),
  chains: z.array(
    z.object({
      table: z.string(),
      tableLabel: z.string(),
      chainKey: z.string(),
      rows: z.number().int(),
      ok: z.boolean(),
    }),
  ),
  broken: z
    .object({
      table: z.string(),
      tableLabel: z.string(),
      chainKey: z.string(),
      rowId: z.number().int().nullable(),
      reason: z.string(),
      reasonLabel: z.string(),
      expected: z.string().nullable(),
      stored: z.string().nullable(),
    })
    .nullable(),
});
export type ChainVerifyView = z.infer<typeof ChainVerifySchema>;
