import { SLA_CLOCK_LABELS, type SlaView } from "@warmline/shared";
import { Space, Tag, Typography } from "antd";
import { EMPTY } from "../format";
import { formatCountdown, remainingMs, slaLevel } from "../tickets";
import { useNow } from "./useNow";

/**
 * 剩余时间 of a ticket: the live countdown of the clock that runs out first (recomputed from `now`),
 * which clock it is, and 已暂停 while the clocks wait for the resident.
 */
export function SlaCountdown({ sla, now }: { sla: SlaView; now: number }) {
  const left = remainingMs(sla, now);
  const level = slaLevel(sla, now);
  const paused = sla.paused ? <Tag className="sla-paused">已暂停</Tag> : null;
  if (left === null) return paused ?? <Typography.Text type="secondary">{EMPTY}</Typography.Text>;
  const cls = level === "breached" ? "sla-countdown-breached" : level === "warned" ? "sla-countdown-warned" : "";
  return (
    <Space size={4} wrap>
      {paused}
      <span className={`sla-countdown ${cls}`.trim()}>{formatCountdown(left)}</span>
      {sla.next && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {SLA_CLOCK_LABELS[sla.next.clock]}
        </Typography.Text>
      )}
    </Space>
  );
}

/** The same, ticking by itself (for a few rows on a page that does not otherwise follow the clock). */
export function LiveSlaCountdown({ sla }: { sla: SlaView }) {
  const now = useNow();
  return <SlaCountdown sla={sla} now={now} />;
}
