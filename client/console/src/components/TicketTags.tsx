import {
  INCIDENT_GRADE_LABELS,
  type IncidentGrade,
  TICKET_PRIORITY_LABELS,
  TICKET_STATUS_LABELS,
  type TicketPriority,
  type TicketStatus,
} from "@warmline/shared";
import { Tag, Tooltip } from "antd";
import { INCIDENT_GRADE_COLORS, TICKET_PRIORITY_COLORS, TICKET_STATUS_COLORS } from "../labels";

export function TicketStatusTag({ status }: { status: TicketStatus }) {
  return <Tag color={TICKET_STATUS_COLORS[status] ?? "default"}>{TICKET_STATUS_LABELS[status] ?? status}</Tag>;
}

/** 优先级, with the reasons (室温过低, 特殊群体, 同楼栋多条诉求) in a tooltip. */
export function PriorityTag({ priority, reasons }: { priority: TicketPriority; reasons: readonly string[] }) {
  const tag = (
    <Tag className="ticket-priority" color={TICKET_PRIORITY_COLORS[priority]}>
      {TICKET_PRIORITY_LABELS[priority] ?? priority}
    </Tag>
  );
  if (reasons.length === 0) return tag;
  return (
    <Tooltip
      title={
        <ul style={{ margin: 0, paddingLeft: 16 }}>
          {reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      }
    >
      <span data-reasons={reasons.join("；")}>{tag}</span>
    </Tooltip>
  );
}

export function GradeTag({ grade }: { grade: IncidentGrade }) {
  return <Tag color={INCIDENT_GRADE_COLORS[grade]}>{INCIDENT_GRADE_LABELS[grade] ?? grade}</Tag>;
}

/** Several reports from one building: a dispatcher may link them into one incident. */
export function SuggestIncidentTag() {
  return (
    <Tooltip title="同楼栋短时间内有多条诉求，建议合并为同一事件">
      <Tag className="suggest-incident" color="purple">
        疑似同一事件
      </Tag>
    </Tooltip>
  );
}
