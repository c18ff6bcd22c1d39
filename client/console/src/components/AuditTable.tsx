import { Table, type TableColumnsType, Typography } from "antd";
import { AUDIT_ACTION_LABELS, auditDetailLines, auditTargetText } from "@warmline/shared";
import type { AuditLog, AuditLogPage } from "../api/audit";
import { EMPTY, formatDateTime, orEmpty } from "../format";
import { ACTOR_TYPE_LABELS } from "../labels";

function actor(a: AuditLog): string {
  const type = ACTOR_TYPE_LABELS[a.actorType] ?? a.actorType;
  // Staff names speak for themselves; other kinds of actor say what they are.
  if (a.actorName) return a.actorType === "staff" ? a.actorName : `${a.actorName}（${type}）`;
  return a.actorId === null ? type : `${type} #${a.actorId}`;
}

function target(a: AuditLog): string {
  return auditTargetText(a.targetType, a.targetId) ?? EMPTY;
}

function details(d: unknown): string {
  const lines = auditDetailLines(d);
  return lines.length ? lines.map((l) => `${l.label}：${l.value}`).join("；") : EMPTY;
}

const mono = { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", fontSize: 12 };

const columns: TableColumnsType<AuditLog> = [
  { title: "时间", dataIndex: "createdAt", width: 170, render: formatDateTime },
  { title: "操作人", key: "actor", width: 160, render: (_, a) => actor(a) },
  {
    title: "操作",
    dataIndex: "action",
    width: 200,
    render: (v: string) =>
      AUDIT_ACTION_LABELS[v] ? <span title={v}>{AUDIT_ACTION_LABELS[v]}</span> : <span>{v}</span>,
  },
  { title: "对象", key: "target", width: 130, render: (_, a) => target(a) },
  {
    title: "详情",
    dataIndex: "details",
    render: (d: unknown) => <Typography.Text ellipsis={{ tooltip: details(d) }}>{details(d)}</Typography.Text>,
  },
  { title: "IP", dataIndex: "ip", width: 120, render: orEmpty },
  {
    title: "请求号",
    dataIndex: "requestId",
    width: 140,
    render: (v: string | null) =>
      v ? (
        <Typography.Text style={mono} copyable={{ text: v }} ellipsis={{ tooltip: v }}>
          {v}
        </Typography.Text>
      ) : (
        EMPTY
      ),
  },
];

interface Props {
  data: AuditLogPage | undefined;
  loading: boolean;
  page: number;
  pageSize: number;
  onPageChange: (page: number, pageSize: number) => void;
}

export function AuditTable({ data, loading, page, pageSize, onPageChange }: Props) {
  return (
    <Table<AuditLog>
      rowKey="id"
      size="middle"
      tableLayout="fixed"
      columns={columns}
      dataSource={data?.items ?? []}
      loading={loading}
      pagination={{
        current: page,
        pageSize,
        total: data?.total ?? 0,
        showSizeChanger: true,
        pageSizeOptions: [20, 50, 100],
        showTotal: (total) => `共 ${total} 条`,
        onChange: onPageChange,
      }}
    />
  );
}
