import { OFFLINE_METHODS, PAYMENT_CHANNEL_LABELS, type PaymentView, formatYuan } from "@warmline/shared";

const OFFLINE = new Set<string>(OFFLINE_METHODS);

export function isOffline(p: Pick<PaymentView, "channel">): boolean {
  return OFFLINE.has(p.channel);
}

export function channelLabel(p: Pick<PaymentView, "channel">): string {
  return PAYMENT_CHANNEL_LABELS[p.channel] ?? p.channel;
}

/** One allocation line as the resident reads it: "本金 ¥1,000.00 · 滞纳金 ¥5.00" (zero parts left out). */
export function allocationText(line: { principalFen: number; lateFeeFen: number }): string {
  const parts: string[] = [];
  if (line.principalFen > 0 || line.lateFeeFen === 0) parts.push(`本金 ${formatYuan(line.principalFen)}`);
  if (line.lateFeeFen > 0) parts.push(`滞纳金 ${formatYuan(line.lateFeeFen)}`);
  return parts.join(" · ");
}
