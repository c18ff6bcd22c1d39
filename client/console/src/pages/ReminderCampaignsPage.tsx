import { PauseCircleOutlined, PlayCircleOutlined, SendOutlined, StopOutlined } from "@ant-design/icons";
import {
  CAMPAIGN_STATE_LABELS,
  type CampaignKind,
  type CampaignState,
  REMINDER_CAMPAIGN_ROLES,
} from "@warmline/shared";
import { App, Button, Card, Progress, Segmented, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import { useState } from "react";
import { messageOf } from "../api/api";
import type { CampaignAction, CampaignView } from "../api/reminders";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole } from "../auth/roles";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { minTableWidth } from "../components/tableWidth";
import { formatDateTime } from "../format";
import { useCampaigns, useChangeCampaign, useStartCampaign } from "../queries/reminders";

export const CAMPAIGN_KIND_LABELS: Record<CampaignKind, string> = {
  daily: "每日批次",
  manual: "手动发起",
  single: "单户提醒",
  promise: "承诺缴费日",
};

const STATE_COLORS: Record<CampaignState, string> = {
  running: "processing",
  paused: "warning",
  cancelled: "default",
  done: "success",
};

type Filter = CampaignState | "all";
const FILTERS: { value: Filter; label: string }[] = [
  { value: "all", label: "全部" },
  ...(["running", "paused", "done", "cancelled"] as const).map((s) => ({ value: s, label: CAMPAIGN_STATE_LABELS[s] })),
];

/** reminders of a campaign that have reached an end (sent, delivered, failed or suppressed) */
export function finishedCount(c: CampaignView): number {
  const k = c.counts;
  return k.sent + k.delivered + k.failed + k.suppressed;
}

/** whole percent of a campaign's reminders that have reached an end; 100 once done */
export function campaignPercent(c: CampaignView): number {
  if (c.state === "done") return 100;
  if (c.counts.total <= 0) return 0;
  return Math.min(100, Math.floor((finishedCount(c) * 100) / c.counts.total));
}

const ACTION_TEXT: Record<CampaignAction, { label: string; title: string; content: string; done: string }> = {
  pause: {
    label: "暂停",
    title: "暂停该批次？",
    content: "尚未发出的提醒将暂停发送（已交给短信/消息平台的不受影响），可随时继续。操作记入审计日志。",
    done: "批次已暂停",
  },
  resume: {
    label: "继续",
    title: "继续发送该批次？",
    content: "尚未发出的提醒将继续发送，发送前仍会复核缴费、诉求、免打扰时段等。操作记入审计日志。",
    done: "批次已继续发送",
  },
  cancel: {
    label: "取消",
    title: "取消该批次？",
    content: "尚未发出的提醒将全部记为“已拦截（批次已取消）”，取消后不能恢复。操作记入审计日志。",
    done: "批次已取消",
  },
};

const PAGE_SIZE = 20;

/**
 * 催缴活动: reminder campaigns with their live counts (planned / sent / delivered / failed / suppressed),
 * asked for again every two seconds while one runs. Supervisors and admins start one now, and pause,
 * resume or cancel one (each asks first; the server audits it).
 */
export function ReminderCampaignsPage() {
  const { staff } = useAuth();
  const { message, modal } = App.useApp();
  const [filter, setFilter] = useState<Filter>("all");
  const [page, setPage] = useState(1);
  const campaigns = useCampaigns({ state: filter === "all" ? undefined : filter, page, pageSize: PAGE_SIZE });
  const start = useStartCampaign();
  const change = useChangeCampaign();
  const mayRun = hasAnyRole(staff?.roles, REMINDER_CAMPAIGN_ROLES);

  const confirmStart = () =>
    modal.confirm({
      title: "立即发起一次催缴提醒？",
      content:
        "将按当前催缴阶梯为所有欠费户规划提醒并依次发送；免打扰时段内的提醒顺延到时段结束，发送前逐户复核是否已缴费、有未办结诉求、已标记不宜催缴等。操作记入审计日志。",
      okText: "发起",
      cancelText: "取消",
      onOk: async () => {
        try {
          const c = await start.mutateAsync();
          setFilter("all");
          setPage(1);
          message.success(`已发起第 ${c.id} 批催缴提醒，正在规划`);
        } catch (e) {
          message.error(messageOf(e));
        }
      },
    });

  const confirmChange = (c: CampaignView, action: CampaignAction) => {
    const t = ACTION_TEXT[action];
    modal.confirm({
      title: t.title,
      content: t.content,
      okText: action === "cancel" ? "取消批次" : t.label,
      okButtonProps: action === "cancel" ? { danger: true } : undefined,
      cancelText: "返回",
      onOk: async () => {
        try {
          await change.mutateAsync({ id: c.id, action });
          message.success(t.done);
        } catch (e) {
          message.error(messageOf(e));
        }
      },
    });
  };

  const columns: TableColumnsType<CampaignView> = [
    { title: "批次", dataIndex: "id", width: 60, render: (id: number) => `#${id}` },
    {
      title: "类型",
      dataIndex: "kind",
      width: 100,
      render: (k: CampaignKind, c) => (
        <Space orientation="vertical" size={0}>
          <span>{CAMPAIGN_KIND_LABELS[k] ?? k}</span>
          <Typography.Text type="secondary">阶梯 v{c.ladderVersion}</Typography.Text>
        </Space>
      ),
    },
    {
      title: "状态",
      dataIndex: "state",
      width: 80,
      render: (s: CampaignState) => <Tag color={STATE_COLORS[s]}>{CAMPAIGN_STATE_LABELS[s]}</Tag>,
    },
    {
      title: "进度",
      key: "progress",
      width: 170,
      render: (_v, c) => (
        <Progress
          className="campaign-progress"
          size="small"
          percent={campaignPercent(c)}
          status={c.state === "cancelled" ? "exception" : c.state === "done" ? "success" : "active"}
          format={() => `${finishedCount(c)}/${c.counts.total}`}
        />
      ),
    },
    { title: "计划", key: "total", width: 60, align: "right", render: (_v, c) => c.counts.total },
    {
      title: "待发送",
      key: "planned",
      width: 66,
      align: "right",
      render: (_v, c) => c.counts.planned + c.counts.sending,
    },
    { title: "已发送", key: "sent", width: 66, align: "right", render: (_v, c) => c.counts.sent },
    { title: "已送达", key: "delivered", width: 66, align: "right", render: (_v, c) => c.counts.delivered },
    {
      title: "失败",
      key: "failed",
      width: 56,
      align: "right",
      render: (_v, c) => (
        <Typography.Text type={c.counts.failed ? "danger" : undefined}>{c.counts.failed}</Typography.Text>
      ),
    },
    { title: "已拦截", key: "suppressed", width: 66, align: "right", render: (_v, c) => c.counts.suppressed },
    {
      title: "发起 / 结束时间",
      key: "times",
      width: 160,
      render: (_v, c) => (
        <Space orientation="vertical" size={0}>
          <span>{formatDateTime(c.createdAt)}</span>
          {c.finishedAt && <Typography.Text type="secondary">{formatDateTime(c.finishedAt)}</Typography.Text>}
        </Space>
      ),
    },
    ...(mayRun
      ? [
          {
            title: "操作",
            key: "actions",
            width: 120,
            render: (_v: unknown, c: CampaignView) => (
              <Space size={0}>
                {c.state === "running" && (
                  <Button
                    type="link"
                    size="small"
                    icon={<PauseCircleOutlined />}
                    onClick={() => confirmChange(c, "pause")}
                  >
                    暂停
                  </Button>
                )}
                {c.state === "paused" && (
                  <Button
                    type="link"
                    size="small"
                    icon={<PlayCircleOutlined />}
                    onClick={() => confirmChange(c, "resume")}
                  >
                    继续
                  </Button>
                )}
                {(c.state === "running" || c.state === "paused") && (
                  <Button
                    type="link"
                    size="small"
                    danger
                    icon={<StopOutlined />}
                    onClick={() => confirmChange(c, "cancel")}
                  >
                    取消
                  </Button>
                )}
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <Card
      className="reminder-campaigns"
      title="催缴活动"
      extra={
        mayRun && (
          <Button type="primary" icon={<SendOutlined />} loading={start.isPending} onClick={confirmStart}>
            立即发起催缴
          </Button>
        )
      }
    >
      <Space style={{ marginBottom: 16 }} wrap>
        <Segmented<Filter>
          options={FILTERS}
          value={filter}
          onChange={(f) => {
            setFilter(f);
            setPage(1);
          }}
        />
        <Typography.Text type="secondary">
          每日按催缴阶梯自动规划一批；进行中的批次每 2 秒刷新一次进度。
        </Typography.Text>
      </Space>
      {campaigns.isError && <QueryErrorAlert error={campaigns.error} onRetry={() => void campaigns.refetch()} />}
      <Table<CampaignView>
        rowKey="id"
        size="middle"
        loading={campaigns.isPending}
        columns={columns}
        scroll={{ x: minTableWidth(columns) }}
        dataSource={campaigns.data?.items ?? []}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: campaigns.data?.total ?? 0,
          onChange: setPage,
          showTotal: (n) => `共 ${n} 批`,
        }}
        locale={{ emptyText: "暂无催缴批次" }}
      />
    </Card>
  );
}
