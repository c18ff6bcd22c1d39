import { ReloadOutlined } from "@ant-design/icons";
import {
  AckAlertSchema,
  ALERT_KIND_LABELS,
  ALERT_STATES,
  type AlertState,
  SECURITY_ALERT_KINDS,
  SLA_CLOCK_LABELS,
  TICKET_CATEGORY_LABELS,
} from "@warmline/shared";
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Modal,
  Segmented,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from "antd";
import { type HTMLAttributes, useState } from "react";
import { Link } from "react-router";
import type { AlertView } from "../api/alerts";
import { isApiError, messageOf } from "../api/api";
import { minTableWidth } from "../components/tableWidth";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { SlaCountdown } from "../components/SlaCountdown";
import { PriorityTag, TicketStatusTag } from "../components/TicketTags";
import { useNow } from "../components/useNow";
import { zodRule } from "../forms/zodRule";
import { EMPTY, formatDateTime, orEmpty } from "../format";
import { useAckAlert, useAlerts } from "../queries/alerts";
import { useSearchState } from "./useSearchState";

const STATE_OPTIONS: { value: AlertState; label: string }[] = [
  { value: "open", label: "待处理" },
  { value: "acked", label: "已处理" },
  { value: "all", label: "全部" },
];

const EMPTY_TEXT: Record<AlertState, string> = {
  open: "暂无待处理的升级提醒",
  acked: "暂无已处理的升级提醒",
  all: "暂无升级提醒",
};

const stateOf = (v: string): AlertState =>
  (ALERT_STATES as readonly string[]).includes(v) ? (v as AlertState) : "open";

/** "2025-11-27T02:05:00Z" → "11-27 10:05" (Beijing). */
const shortDateTime = (iso: string | null | undefined) => (iso ? formatDateTime(iso).slice(5, 16) : EMPTY);

/** A span of time as the inbox says it: "不足1分钟", "25分钟", "1小时5分", "2天3小时". */
export function formatSpan(ms: number): string {
  const total = Math.floor(Math.max(ms, 0) / 60_000);
  if (total < 1) return "不足1分钟";
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  if (days === 0 && hours === 0) return `${minutes}分钟`;
  return `${days ? `${days}天` : ""}${hours ? `${hours}小时` : ""}${minutes ? `${minutes}分` : ""}`;
}

/**
 * How late the breached clock is: still running → how long past due now; met late → by how much. A clock
 * of a later cycle (the ticket was reopened) no longer tells about this breach, so nothing is said then.
 */
export function overdueText(a: AlertView, now: number): string | null {
  const due = a.dueAt ? Date.parse(a.dueAt) : Number.NaN;
  if (Number.isNaN(due)) return null;
  if (!a.ticket || !a.clock) return `已超时 ${formatSpan(now - due)}`;
  const c = a.ticket.sla[a.clock];
  const sameCycle = c !== null && (c.dueAt === null || Date.parse(c.dueAt) === due);
  if (!sameCycle) return null;
  if (c.metAt) return `超时 ${formatSpan(Date.parse(c.metAt) - due)} 后完成`;
  return `已超时 ${formatSpan(now - due)}`;
}

/** The server's message; for "someone else was first" also who and when. */
export function ackErrorText(e: unknown): string {
  const text = messageOf(e);
  if (!isApiError(e) || e.code !== "ALERT_ALREADY_ACKED") return text;
  const d = e.details as { ackBy?: unknown; ackAt?: unknown } | null | undefined;
  if (typeof d?.ackBy !== "string" || !d.ackBy) return text;
  const when = typeof d.ackAt === "string" ? ` 于 ${shortDateTime(d.ackAt)}` : "";
  return `${text}（${d.ackBy}${when} 确认）`;
}

interface AckValues {
  note?: string;
}

/** 已知悉: confirms the alert, with an optional 督办备注 (at most 200 characters). */
function AckAlertModal({ alert: a, onClose }: { alert: AlertView; onClose: () => void }) {
  const [form] = Form.useForm<AckValues>();
  const { message } = App.useApp();
  const ack = useAckAlert();

  const submit = async () => {
    const v = await form.validateFields();
    try {
      await ack.mutateAsync({ id: a.id, note: v.note, ticketId: a.ticket?.id ?? null });
      message.success("已确认");
      onClose();
    } catch (e) {
      // already acknowledged by someone else, or gone: nothing to do here any more (the list is asked again)
      if (isApiError(e) && (e.status === 409 || e.status === 404)) {
        message.error(ackErrorText(e));
        onClose();
      }
      // anything else is shown in the dialog, to try again
    }
  };

  return (
    <Modal
      open
      title="确认已知悉"
      okText="确认"
      cancelText="取消"
      confirmLoading={ack.isPending}
      onOk={() => void submit().catch(() => undefined)}
      onCancel={onClose}
      destroyOnHidden
    >
      <Descriptions
        size="small"
        column={1}
        bordered
        style={{ marginBottom: 16 }}
        items={[
          { key: "title", label: "提醒", children: a.title },
          { key: "body", label: "内容", children: a.body || EMPTY },
        ]}
      />
      {ack.isError && (
        <Alert type="error" showIcon role="alert" title={messageOf(ack.error)} style={{ marginBottom: 16 }} />
      )}
      <Form<AckValues> form={form} name="ack-alert" layout="vertical" preserve={false} initialValues={{ note: "" }}>
        <Form.Item label="督办备注" name="note" rules={[zodRule(AckAlertSchema.shape.note)]}>
          <Input.TextArea rows={3} maxLength={200} showCount placeholder="选填，如：已电话督促维修班组尽快上门" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Who acknowledged an alert, when, and their note. */
function AckedBy({ alert: a }: { alert: AlertView }) {
  return (
    <Space orientation="vertical" size={0} className="alert-acked">
      <span>
        {a.ackBy ?? EMPTY} 于 {shortDateTime(a.ackAt)} 确认
      </span>
      {a.ackNote && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          备注：{a.ackNote}
        </Typography.Text>
      )}
    </Space>
  );
}

/**
 * 升级提醒: SLA breaches escalated to the supervisors, newest first, asked for again every 30 s. One alert
 * is shared by all supervisors: whoever acknowledges it first (已知悉) takes it off everyone's list. Alerts
 * about other things (an unconfirmed refund; security: a 户号 bound after many failed attempts, a locked
 * staff account — tagged red) show their kind, title and text.
 */
export function AlertsPage() {
  const s = useSearchState();
  const now = useNow();
  const state = stateOf(s.text("state"));
  const alerts = useAlerts({ state, page: s.page, pageSize: s.pageSize });
  const [acking, setAcking] = useState<AlertView | null>(null);

  const columns: TableColumnsType<AlertView> = [
    {
      title: "升级时间",
      dataIndex: "createdAt",
      width: 170,
      render: (at: string) => formatDateTime(at),
    },
    {
      title: "工单 / 事项",
      key: "ticket",
      width: 220,
      render: (_, a) =>
        a.ticket ? (
          <Space orientation="vertical" size={2}>
            <Link className="ticket-no" to={`/tickets/${a.ticket.id}`}>
              {a.ticket.ticketNo}
            </Link>
            <Space size={4}>
              <Typography.Text type="secondary">
                {TICKET_CATEGORY_LABELS[a.ticket.category] ?? a.ticket.category}
              </Typography.Text>
              <PriorityTag priority={a.ticket.priority} reasons={a.ticket.priorityReasons} />
            </Space>
          </Space>
        ) : (
          <Space orientation="vertical" size={2} className="alert-other">
            <Tag color={SECURITY_ALERT_KINDS.includes(a.kind) ? "red" : undefined}>
              {ALERT_KIND_LABELS[a.kind] ?? a.kind}
            </Tag>
            <span>{a.title}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {a.body}
            </Typography.Text>
          </Space>
        ),
    },
    {
      title: "换热站",
      key: "station",
      width: 100,
      render: (_, a) => orEmpty(a.stationName ?? a.ticket?.stationName),
    },
    {
      title: "超时时限",
      dataIndex: "clock",
      width: 96,
      render: (c: AlertView["clock"]) => (c ? (SLA_CLOCK_LABELS[c] ?? c) : EMPTY),
    },
    {
      title: "应完成时间",
      dataIndex: "dueAt",
      width: 160,
      render: (due: string | null, a) => {
        const late = overdueText(a, now);
        return (
          <Space orientation="vertical" size={0}>
            <span>{formatDateTime(due)}</span>
            {late && (
              <Typography.Text type="danger" className="alert-overdue" style={{ fontSize: 12 }}>
                {late}
              </Typography.Text>
            )}
          </Space>
        );
      },
    },
    {
      title: "工单状态",
      key: "status",
      width: 150,
      render: (_, a) =>
        a.ticket ? (
          <Space orientation="vertical" size={2}>
            <TicketStatusTag status={a.ticket.status} />
            {a.ticket.status !== "closed" && <SlaCountdown sla={a.ticket.sla} now={now} />}
          </Space>
        ) : (
          EMPTY
        ),
    },
    {
      title: "处理",
      key: "ack",
      width: 200,
      render: (_, a) =>
        a.ackAt ? (
          <AckedBy alert={a} />
        ) : (
          <Button size="small" type="primary" onClick={() => setAcking(a)}>
            已知悉
          </Button>
        ),
    },
  ];

  return (
    <Card
      className="alerts-page"
      title={<Typography.Text strong>升级提醒</Typography.Text>}
      extra={
        <Button icon={<ReloadOutlined />} loading={alerts.isFetching} onClick={() => void alerts.refetch()}>
          刷新
        </Button>
      }
    >
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        <Segmented<AlertState>
          className="alerts-state"
          options={STATE_OPTIONS}
          value={state}
          onChange={(v) => s.update({ state: v === "open" ? undefined : v, page: undefined })}
        />
        {alerts.isError && <QueryErrorAlert error={alerts.error} onRetry={() => void alerts.refetch()} />}
        <Table<AlertView>
          className="alerts-table"
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={alerts.data?.items ?? []}
          loading={alerts.isPending}
          scroll={{ x: minTableWidth(columns) }}
          locale={{ emptyText: EMPTY_TEXT[state] }}
          onRow={(a) => ({ "data-alert-id": a.id }) as HTMLAttributes<HTMLElement>}
          pagination={{
            current: s.page,
            pageSize: s.pageSize,
            total: alerts.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100],
            showTotal: (total) => `共 ${total} 条`,
            onChange: (page, pageSize) => s.update({ page, pageSize }),
          }}
        />
      </Space>
      {acking && <AckAlertModal key={acking.id} alert={acking} onClose={() => setAcking(null)} />}
    </Card>
  );
}
