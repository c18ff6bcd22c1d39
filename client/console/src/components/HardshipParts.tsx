import {
  formatYuan,
  HARDSHIP_APP_CATEGORY_LABELS,
  HARDSHIP_APP_STATUS_LABELS,
  HARDSHIP_CHANNEL_LABELS,
  HARDSHIP_PLAN_STATUS_LABELS,
  type HardshipApplicationDetail,
  type HardshipAppStatus,
  type HardshipTerms,
  type PaymentPlanView,
} from "@warmline/shared";
import { Empty, Image, Space, Table, Tag, Timeline, Typography } from "antd";
import { fileUrl } from "../api/files";
import { formatDateTime } from "../format";

const STATUS_COLORS: Record<HardshipAppStatus, string> = {
  pending_community: "orange",
  pending_center: "gold",
  approved: "green",
  rejected: "red",
  withdrawn: "default",
};

export function HardshipStatusTag({ status }: { status: HardshipAppStatus }) {
  return <Tag color={STATUS_COLORS[status]}>{HARDSHIP_APP_STATUS_LABELS[status] ?? status}</Tag>;
}

export function categoryText(category: string, reason?: string | null): string {
  const label = HARDSHIP_APP_CATEGORY_LABELS[category as keyof typeof HARDSHIP_APP_CATEGORY_LABELS] ?? category;
  return reason ? `${label}（${reason}）` : label;
}

export const channelText = (c: string) => HARDSHIP_CHANNEL_LABELS[c as keyof typeof HARDSHIP_CHANNEL_LABELS] ?? c;

/** 分3期 / 缓缴2个月 */
export function termsText(t: HardshipTerms | null | undefined): string {
  if (!t) return "—";
  return t.kind === "deferral" ? `缓缴 ${t.months} 个月` : `分 ${t.count} 期`;
}

/** whole days since an instant (how long an application has waited for its step) */
export function waitingDays(since: string | null, now = Date.now()): number | null {
  if (!since) return null;
  return Math.max(0, Math.floor((now - new Date(since).getTime()) / 86_400_000));
}

const EVENT_COLORS: Record<string, string> = {
  submitted: "blue",
  community_approved: "green",
  center_approved: "green",
  plan_completed: "green",
  community_rejected: "red",
  center_rejected: "red",
  plan_defaulted: "red",
  withdrawn: "gray",
};

/** Every step of an application, oldest first: what, who, when and why. */
export function HardshipTimeline({ events }: { events: HardshipApplicationDetail["timeline"] }) {
  if (events.length === 0) return <Empty description="暂无记录" />;
  return (
    <Timeline
      className="hardship-timeline"
      items={events.map((e) => ({
        key: e.id,
        color: EVENT_COLORS[e.type] ?? "blue",
        content: (
          <div className="hardship-event" data-event-type={e.type}>
            <Space size={8} wrap>
              <Typography.Text strong>{e.label}</Typography.Text>
              <Typography.Text type="secondary">{formatDateTime(e.at)}</Typography.Text>
              <Typography.Text type="secondary">
                {e.actorName ?? (e.actorKind === "resident" ? "居民" : e.actorKind === "system" ? "系统" : "工作人员")}
              </Typography.Text>
            </Space>
            {e.reason && <div style={{ marginTop: 4 }}>理由/说明：{e.reason}</div>}
          </div>
        ),
      }))}
    />
  );
}

const INSTALMENT_STATUS: Record<string, { text: string; color: string }> = {
  paid: { text: "已缴清", color: "green" },
  partial: { text: "部分缴纳", color: "blue" },
  unpaid: { text: "未到期", color: "default" },
  late: { text: "已逾期（宽限期内）", color: "orange" },
  missed: { text: "逾期未缴", color: "red" },
};

/** The plan: principal, waived late fee, and each instalment with its due date and what is paid. */
export function HardshipPlan({ plan }: { plan: PaymentPlanView }) {
  return (
    <Space orientation="vertical" size="small" style={{ width: "100%" }} className="hardship-plan">
      <Space size={16} wrap>
        <Tag color={plan.status === "active" ? "blue" : plan.status === "completed" ? "green" : "red"}>
          {plan.status === "active" && plan.kind === "deferral" ? "缓缴期内" : HARDSHIP_PLAN_STATUS_LABELS[plan.status]}
        </Tag>
        <span>本金 {formatYuan(plan.principalFen)}</span>
        <span>已缴 {formatYuan(plan.paidFen)}</span>
        <span>已免滞纳金 {formatYuan(plan.lateFeeWaivedFen)}</span>
        <span>生效日 {plan.startDate}</span>
        {plan.deferredUntil && <span>缓缴至 {plan.deferredUntil}</span>}
      </Space>
      <Table
        size="small"
        rowKey="seq"
        pagination={false}
        dataSource={plan.instalments}
        columns={[
          { title: "期数", dataIndex: "seq", width: 80, render: (s: number) => `第 ${s} 期` },
          { title: "应缴", dataIndex: "amountFen", width: 130, align: "right", render: (f: number) => formatYuan(f) },
          { title: "缴费截止日", dataIndex: "dueDate", width: 130 },
          { title: "已缴", dataIndex: "paidFen", width: 130, align: "right", render: (f: number) => formatYuan(f) },
          {
            title: "状态",
            dataIndex: "status",
            render: (s: string) => <Tag color={INSTALMENT_STATUS[s]?.color}>{INSTALMENT_STATUS[s]?.text ?? s}</Tag>,
          },
        ]}
      />
    </Space>
  );
}

/** Certificate photos (with preview) and PDF links, from signed links. */
export function HardshipAttachments({ items }: { items: HardshipApplicationDetail["attachments"] }) {
  if (items.length === 0) return <Typography.Text type="secondary">未上传证明材料</Typography.Text>;
  return (
    <Image.PreviewGroup>
      <Space wrap size={8}>
        {items.map((a) =>
          a.mime === "application/pdf" ? (
            <a key={a.id} href={fileUrl(a.url)} target="_blank" rel="noreferrer">
              证明材料（PDF）
            </a>
          ) : (
            <Image
              key={a.id}
              src={fileUrl(a.url)}
              width={72}
              height={72}
              style={{ objectFit: "cover" }}
              alt="证明材料"
            />
          ),
        )}
      </Space>
    </Image.PreviewGroup>
  );
}
