import { type ClockViewDto, SLA_CLOCK_LABELS, type SlaView } from "@warmline/shared";
import { Table, type TableColumnsType, Tag, Typography } from "antd";
import { EMPTY, formatDateTime } from "../format";
import { useNow } from "./useNow";
import { clockBreached, clockWarned, formatCountdown, formatMinutes } from "../tickets";

/** 剩余 of one clock: met (when), paused (what was left), or the live countdown to its due time. */
function remaining(c: ClockViewDto, now: number) {
  if (c.metAt) return <Typography.Text type="secondary">已于 {formatDateTime(c.metAt)} 完成</Typography.Text>;
  if (c.paused || !c.dueAt)
    return <Typography.Text type="secondary">暂停中，剩余 {formatMinutes(c.remainingMinutes)}</Typography.Text>;
  const left = Date.parse(c.dueAt) - now;
  const cls = clockBreached(c, now) ? "sla-countdown-breached" : clockWarned(c, now) ? "sla-countdown-warned" : "";
  return <span className={`sla-countdown ${cls}`.trim()}>{formatCountdown(left)}</span>;
}

function tags(c: ClockViewDto, now: number) {
  const breached = clockBreached(c, now);
  const warned = !breached && (c.warned || clockWarned(c, now));
  return (
    <>
      {c.metAt && <Tag color="green">已完成</Tag>}
      {c.paused && !c.metAt && <Tag>已暂停</Tag>}
      {warned && <Tag color="orange">已预警</Tag>}
      {breached && <Tag color="red">已超时</Tag>}
    </>
  );
}

/** The ticket's SLA clocks (响应 / 处理 / 入户测温): budget, due time, live time left and warned/breached tags. */
export function SlaClocks({ sla }: { sla: SlaView }) {
  // only this table ticks every second, not the whole page
  const now = useNow();
  const clocks = [sla.response, sla.resolution, sla.measurement].filter((c): c is ClockViewDto => c !== null);
  const columns: TableColumnsType<ClockViewDto> = [
    { title: "时限", dataIndex: "clock", width: 130, render: (k: ClockViewDto["clock"]) => SLA_CLOCK_LABELS[k] },
    { title: "时长", dataIndex: "budgetMinutes", width: 110, render: formatMinutes },
    {
      title: "截止时间",
      dataIndex: "dueAt",
      width: 170,
      render: (d: string | null) => (d ? formatDateTime(d) : EMPTY),
    },
    { title: "剩余", key: "remaining", render: (_, c) => remaining(c, now) },
    { title: "状态", key: "tags", width: 200, render: (_, c) => tags(c, now) },
  ];
  return (
    <Table<ClockViewDto>
      className="ticket-sla-clocks"
      rowKey="clock"
      size="small"
      columns={columns}
      dataSource={clocks}
      pagination={false}
      rowClassName={(c) => (clockBreached(c, now) && !c.metAt ? "sla-row-breached" : "")}
    />
  );
}
