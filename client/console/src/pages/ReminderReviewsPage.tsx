import {
  formatYuan,
  REMINDER_GRADE_LABELS,
  REMINDER_STATUS_LABELS,
  REVIEW_DECISION_LABELS,
  type ReviewDecision,
} from "@warmline/shared";
import {
  App,
  Button,
  Card,
  Form,
  Input,
  List,
  Modal,
  Radio,
  Segmented,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from "antd";
import { useState } from "react";
import { Link } from "react-router";
import { messageOf } from "../api/api";
import type { ReminderReviewView, ReviewListParams } from "../api/reminders";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { minTableWidth } from "../components/tableWidth";
import { EMPTY, formatDateTime } from "../format";
import { useDecideReview, useReminderReviews } from "../queries/reminders";

type State = ReviewListParams["state"];
const STATES: { value: State; label: string }[] = [
  { value: "open", label: "待复核" },
  { value: "decided", label: "已复核" },
  { value: "all", label: "全部" },
];
const DECISION_COLORS: Record<ReviewDecision, string> = { continue: "blue", hold: "orange", legal_check: "red" };
const PAGE_SIZE = 20;

/**
 * 催缴复核: accounts the reminder ladder brought to its supervisor-review step (+90 days). The supervisor
 * reads the account's reminder history and decides: continue the reminders, mark 不宜催缴 with a reason, or
 * refer the account to the legal desk's candidate check. Every decision is audited.
 */
export function ReminderReviewsPage() {
  const [state, setState] = useState<State>("open");
  const [page, setPage] = useState(1);
  const [deciding, setDeciding] = useState<ReminderReviewView | null>(null);
  const reviews = useReminderReviews({ state, page, pageSize: PAGE_SIZE });

  const columns: TableColumnsType<ReminderReviewView> = [
    {
      title: "户号",
      dataIndex: "accountNo",
      width: 120,
      render: (no: string | null, r) => <Link to={`/accounts/${r.accountId}`}>{no ?? `#${r.accountId}`}</Link>,
    },
    { title: "地址", dataIndex: "address", render: (a: string | null) => a ?? EMPTY },
    {
      title: "级别",
      dataIndex: "grade",
      width: 80,
      render: (g: ReminderReviewView["grade"]) => (g ? <Tag color="volcano">{REMINDER_GRADE_LABELS[g]}</Tag> : EMPTY),
    },
    {
      title: "欠费（含滞纳金）",
      dataIndex: "owedFen",
      width: 140,
      align: "right",
      render: (f: number, r) => (
        <Space orientation="vertical" size={0} style={{ alignItems: "flex-end" }}>
          <span>{formatYuan(f)}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            自 {r.seasonCode} 供热季起
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: "催缴历史",
      key: "history",
      width: 120,
      render: (_v, r) => `${r.history?.length ?? 0} 条提醒`,
    },
    { title: "进入复核", dataIndex: "createdAt", width: 150, render: (d: string) => formatDateTime(d) },
    {
      title: "结论",
      key: "decision",
      width: 200,
      render: (_v, r) =>
        r.decision ? (
          <Space orientation="vertical" size={0}>
            <Tag color={DECISION_COLORS[r.decision]}>{REVIEW_DECISION_LABELS[r.decision]}</Tag>
            {r.reason && <span>{r.reason}</span>}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatDateTime(r.decidedAt)}
            </Typography.Text>
          </Space>
        ) : (
          <Tag color="processing">待复核</Tag>
        ),
    },
    {
      title: "操作",
      key: "actions",
      width: 170,
      render: (_v, r) => (
        <Space size={0} wrap>
          {r.status === "open" && (
            <Button type="link" size="small" onClick={() => setDeciding(r)}>
              复核
            </Button>
          )}
          <Link to={r.legalCheckPath}>法务候选核查</Link>
        </Space>
      ),
    },
  ];

  return (
    <Card className="reminder-reviews" title="催缴复核">
      <Space style={{ marginBottom: 16 }} wrap>
        <Segmented<State>
          options={STATES}
          value={state}
          onChange={(s) => {
            setState(s);
            setPage(1);
          }}
        />
        <Typography.Text type="secondary">
          欠费到催缴阶梯复核步骤的户：查看催缴历史后决定继续催缴、标记不宜催缴或转法务候选核查，结论记入审计。
        </Typography.Text>
      </Space>
      {reviews.isError && <QueryErrorAlert error={reviews.error} onRetry={() => void reviews.refetch()} />}
      <Table<ReminderReviewView>
        rowKey="id"
        size="middle"
        loading={reviews.isPending}
        columns={columns}
        scroll={{ x: minTableWidth(columns) }}
        dataSource={reviews.data?.items ?? []}
        expandable={{ expandedRowRender: (r) => <History review={r} /> }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: reviews.data?.total ?? 0,
          onChange: setPage,
          showTotal: (n) => `共 ${n} 条`,
        }}
        locale={{ emptyText: state === "open" ? "暂无待复核的欠费户" : "暂无复核记录" }}
      />
      {deciding && <DecideModal review={deciding} onClose={() => setDeciding(null)} />}
    </Card>
  );
}

function History({ review }: { review: ReminderReviewView }) {
  return (
    <List
      size="small"
      dataSource={review.history ?? []}
      locale={{ emptyText: "暂无催缴记录" }}
      renderItem={(h) => (
        <List.Item>
          <Space wrap>
            <span>{formatDateTime(h.sentAt ?? h.plannedAt)}</span>
            <Tag>{REMINDER_STATUS_LABELS[h.status]}</Tag>
            {h.grade && <span>{REMINDER_GRADE_LABELS[h.grade]}</span>}
            <Typography.Text type="secondary">
              {h.text ?? h.suppressionReason ?? h.failureReason ?? EMPTY}
            </Typography.Text>
          </Space>
        </List.Item>
      )}
    />
  );
}

function DecideModal({ review, onClose }: { review: ReminderReviewView; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ decision: ReviewDecision; reason?: string }>();
  const decision = Form.useWatch("decision", form);
  const decide = useDecideReview();
  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    try {
      await decide.mutateAsync({
        id: review.id,
        input: { decision: values.decision, reason: values.reason?.trim() || undefined },
      });
      message.success(`已复核：${REVIEW_DECISION_LABELS[values.decision]}，已记入审计日志`);
      onClose();
    } catch (e) {
      message.error(messageOf(e));
    }
  };
  return (
    <Modal
      open
      title={`催缴复核：户号 ${review.accountNo ?? review.accountId}`}
      okText="提交结论"
      cancelText="取消"
      confirmLoading={decide.isPending}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>
        欠费 {formatYuan(review.owedFen)}（自 {review.seasonCode} 供热季起），共 {review.history?.length ?? 0}{" "}
        条催缴记录。
      </Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ decision: "continue" }}>
        <Form.Item name="decision" label="复核结论" rules={[{ required: true, message: "请选择复核结论" }]}>
          <Radio.Group>
            <Space orientation="vertical">
              <Radio value="continue">{REVIEW_DECISION_LABELS.continue}</Radio>
              <Radio value="hold">{REVIEW_DECISION_LABELS.hold}</Radio>
              <Radio value="legal_check">{REVIEW_DECISION_LABELS.legal_check}</Radio>
            </Space>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="reason"
          label={decision === "hold" ? "不宜催缴原因" : "说明（选填）"}
          rules={
            decision === "hold"
              ? [{ required: true, min: 2, whitespace: true, message: "标记不宜催缴须填写原因（至少2个字）" }]
              : []
          }
        >
          <Input.TextArea rows={3} maxLength={200} showCount placeholder="如：家中有丧事，暂缓催缴" />
        </Form.Item>
        {decision === "legal_check" && (
          <Typography.Text type="secondary">
            提交后可到 <Link to={review.legalCheckPath}>恶意欠费候选</Link> 按移交条件逐条核查该户。
          </Typography.Text>
        )}
      </Form>
    </Modal>
  );
}
