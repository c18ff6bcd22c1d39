import { SendOutlined, StopOutlined, UndoOutlined } from "@ant-design/icons";
import {
  REMINDER_CHANNEL_LABELS,
  REMINDER_GRADE_LABELS,
  REMINDER_HOLD_ROLES,
  REMINDER_SEND_ONE_ROLES,
  REMINDER_STATUS_LABELS,
  REMINDER_TEMPLATE_LABELS,
  type ReminderChannel,
  type ReminderStatus,
  type ReminderTemplateKey,
  SUPPRESSION_REASON_LABELS,
  formatYuan,
} from "@warmline/shared";
import { Alert, App, Button, Form, Input, Modal, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import { useState } from "react";
import { messageOf } from "../api/api";
import type { ReminderView } from "../api/reminders";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole } from "../auth/roles";
import { EMPTY, formatDateTime } from "../format";
import {
  useAccountReminderState,
  useAccountReminders,
  useReminderHold,
  useSendOneReminder,
} from "../queries/reminders";
import { QueryErrorAlert } from "./QueryErrorAlert";
import { minTableWidth } from "./tableWidth";

export const REMINDER_STATUS_COLORS: Record<ReminderStatus, string> = {
  planned: "default",
  sending: "processing",
  sent: "blue",
  delivered: "green",
  failed: "red",
  suppressed: "orange",
};

const ATTEMPT_OUTCOMES: Record<string, string> = {
  calling: "调用平台",
  accepted: "平台已受理",
  created: "已生成走访任务",
  refused: "平台拒绝",
  rejected: "平台拒绝",
  unavailable: "平台不可用（稍后重试）",
  unknown: "结果未知（不再重发）",
  skipped: "跳过",
  suppressed: "发送前复核：拦截",
};

const ATTEMPT_CHANNELS: Record<string, string> = { ...REMINDER_CHANNEL_LABELS, check: "发送前复核" };

const channelText = (c: string | null) => (c ? (REMINDER_CHANNEL_LABELS[c as ReminderChannel] ?? c) : EMPTY);

/** why a reminder did not go (suppressed) or failed */
export function reminderReason(r: ReminderView): string | null {
  if (r.suppressionReason) return SUPPRESSION_REASON_LABELS[r.suppressionReason];
  return r.failureReason;
}

const PAGE_SIZE = 10;

/**
 * 催缴记录 on the account page: every reminder of the account (planned, sent, delivered, failed,
 * suppressed) with its channel, text template, text, the vendor's message id, its times and why it was
 * suppressed — kept as evidence, never changed. 发送提醒 sends one now (hotline agents, supervisors,
 * admins); supervisors and admins mark or lift 不宜催缴 with a reason. All audited by the server.
 */
export function AccountRemindersTab({ accountId }: { accountId: number }) {
  const { staff } = useAuth();
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const list = useAccountReminders(accountId, page, PAGE_SIZE);
  const state = useAccountReminderState(accountId);
  const [dialog, setDialog] = useState<"send" | "hold" | "release" | null>(null);
  const maySend = hasAnyRole(staff?.roles, REMINDER_SEND_ONE_ROLES);
  const mayHold = hasAnyRole(staff?.roles, REMINDER_HOLD_ROLES);
  const hold = state.data?.hold ?? null;

  const columns: TableColumnsType<ReminderView> = [
    {
      title: "状态",
      dataIndex: "status",
      width: 90,
      render: (s: ReminderStatus) => <Tag color={REMINDER_STATUS_COLORS[s]}>{REMINDER_STATUS_LABELS[s]}</Tag>,
    },
    {
      title: "渠道",
      key: "channel",
      width: 120,
      render: (_v, r) => (
        <Space orientation="vertical" size={0}>
          <span>{channelText(r.channel)}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.chain.map(channelText).join(" → ")}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: "文案模板",
      key: "template",
      width: 130,
      render: (_v, r) => (
        <Space orientation="vertical" size={2}>
          <span>{REMINDER_TEMPLATE_LABELS[r.template as ReminderTemplateKey] ?? r.template}</span>
          <Space size={2} wrap>
            {r.grade && <Tag>{REMINDER_GRADE_LABELS[r.grade]}</Tag>}
            {r.soft && <Tag color="cyan">柔性</Tag>}
          </Space>
        </Space>
      ),
    },
    {
      title: "内容",
      key: "text",
      render: (_v, r) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text className="reminder-text">{r.text ?? EMPTY}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.seasonCode} 供热季起{r.owedFen !== null ? ` · 应缴 ${formatYuan(r.owedFen)}` : ""}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: "平台消息编号",
      dataIndex: "vendorMessageId",
      width: 150,
      render: (v: string | null) => (v ? <Typography.Text copyable>{v}</Typography.Text> : EMPTY),
    },
    {
      title: "时间",
      key: "times",
      width: 190,
      render: (_v, r) => (
        <Space orientation="vertical" size={0} style={{ fontSize: 12 }}>
          <span>计划 {formatDateTime(r.plannedAt)}</span>
          {r.sentAt && <span>发送 {formatDateTime(r.sentAt)}</span>}
          {r.finishedAt && <span>结束 {formatDateTime(r.finishedAt)}</span>}
        </Space>
      ),
    },
    {
      title: "拦截/失败原因",
      key: "reason",
      width: 160,
      render: (_v, r) => {
        const why = reminderReason(r);
        return why ? (
          <Typography.Text type={r.status === "failed" ? "danger" : "warning"}>{why}</Typography.Text>
        ) : (
          EMPTY
        );
      },
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} className="account-reminders">
      {state.isError && <QueryErrorAlert error={state.error} onRetry={() => void state.refetch()} />}
      {hold && (
        <Alert
          type="warning"
          showIcon
          className="reminder-hold"
          title={`已标记不宜催缴：${hold.reason}`}
          description={`标记时间 ${formatDateTime(hold.createdAt)}；标记期间不发送任何催缴提醒，批次中该户的提醒记为已拦截。`}
        />
      )}
      <Space wrap>
        {maySend && (
          <Button type="primary" icon={<SendOutlined />} onClick={() => setDialog("send")}>
            发送提醒
          </Button>
        )}
        {mayHold && state.data && !hold && (
          <Button icon={<StopOutlined />} onClick={() => setDialog("hold")}>
            标记不宜催缴
          </Button>
        )}
        {mayHold && hold && (
          <Button icon={<UndoOutlined />} onClick={() => setDialog("release")}>
            解除不宜催缴
          </Button>
        )}
        {state.data?.smsOptedOut && <Tag color="orange">该户手机号已退订催缴短信</Tag>}
        <Typography.Text type="secondary">提醒记录作为催缴证据永久保留，不可修改或删除。</Typography.Text>
      </Space>
      {list.isError && <QueryErrorAlert error={list.error} onRetry={() => void list.refetch()} />}
      <Table<ReminderView>
        rowKey="id"
        size="small"
        loading={list.isPending}
        columns={columns}
        scroll={{ x: minTableWidth(columns, 240) }}
        dataSource={list.data?.items ?? []}
        expandable={{
          rowExpandable: (r) => (r.attempts?.length ?? 0) > 0,
          expandedRowRender: (r) => (
            <Space orientation="vertical" size={2} className="reminder-attempts">
              {(r.attempts ?? []).map((a) => (
                <Typography.Text key={`${a.at}-${a.channel}-${a.outcome}`} style={{ fontSize: 12 }}>
                  {formatDateTime(a.at)} · {ATTEMPT_CHANNELS[a.channel] ?? a.channel} ·{" "}
                  {ATTEMPT_OUTCOMES[a.outcome] ?? a.outcome}
                  {a.vendorMessageId ? ` · ${a.vendorMessageId}` : ""}
                  {a.detail ? ` · ${a.detail}` : ""}
                </Typography.Text>
              ))}
            </Space>
          ),
        }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: list.data?.total ?? 0,
          onChange: setPage,
          showTotal: (n) => `共 ${n} 条`,
          hideOnSinglePage: true,
        }}
        locale={{ emptyText: "暂无催缴提醒记录" }}
      />
      {dialog === "send" && <SendOneModal accountId={accountId} onClose={() => setDialog(null)} />}
      {(dialog === "hold" || dialog === "release") && (
        <HoldModal
          accountId={accountId}
          mark={dialog === "hold"}
          onClose={() => setDialog(null)}
          onDone={(text) => {
            setDialog(null);
            message.success(text);
          }}
        />
      )}
    </Space>
  );
}

function SendOneModal({ accountId, onClose }: { accountId: number; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ note?: string }>();
  const send = useSendOneReminder(accountId);
  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    try {
      const r = await send.mutateAsync(values.note?.trim() || undefined);
      message.success(
        r.status === "suppressed"
          ? `未发送：${reminderReason(r) ?? "已拦截"}`
          : "提醒已排入发送，发送前仍会复核缴费、诉求和免打扰时段；已记入审计日志",
      );
      onClose();
    } catch (e) {
      message.error(messageOf(e));
    }
  };
  return (
    <Modal
      open
      title="发送欠费提醒"
      okText="发送"
      cancelText="取消"
      confirmLoading={send.isPending}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>
        按该户当前欠费等级的文案，经小程序订阅消息（无授权时改发短信）发送一条提醒，金额含截至发送日的滞纳金。困难户、有诉求户只发告知类文案。每户每天限一条单户提醒，记入审计日志。
      </Typography.Paragraph>
      <Form form={form} layout="vertical">
        <Form.Item name="note" label="备注（选填）" rules={[{ max: 200, message: "备注不能超过200个字" }]}>
          <Input.TextArea rows={2} maxLength={200} placeholder="如：居民来电要求再发一次缴费方式" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function HoldModal({
  accountId,
  mark,
  onClose,
  onDone,
}: {
  accountId: number;
  mark: boolean;
  onClose: () => void;
  onDone: (text: string) => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const hold = useReminderHold(accountId);
  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    try {
      await hold.mutateAsync({ mark, reason: values.reason.trim() });
      onDone(mark ? "已标记不宜催缴，已记入审计日志" : "已解除不宜催缴，已记入审计日志");
    } catch (e) {
      message.error(messageOf(e));
    }
  };
  return (
    <Modal
      open
      title={mark ? "标记不宜催缴" : "解除不宜催缴"}
      okText={mark ? "标记" : "解除"}
      cancelText="取消"
      confirmLoading={hold.isPending}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>
        {mark
          ? "标记后不再向该户发送任何催缴提醒（如家中有丧事、重病住院等），直到解除。须填写原因，记入审计日志。"
          : "解除后该户恢复按催缴阶梯提醒。须填写原因，记入审计日志。"}
      </Typography.Paragraph>
      <Form form={form} layout="vertical">
        <Form.Item
          name="reason"
          label="原因"
          rules={[
            { required: true, whitespace: true, message: "请填写原因" },
            { min: 2, message: "原因至少2个字" },
            { max: 200, message: "原因不能超过200个字" },
          ]}
        >
          <Input.TextArea rows={3} maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
