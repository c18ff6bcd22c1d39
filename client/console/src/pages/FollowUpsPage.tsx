import { ReloadOutlined } from "@ant-design/icons";
import { TICKET_CATEGORY_LABELS, TICKET_CHANNEL_LABELS } from "@warmline/shared";
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Pagination,
  Row,
  Space,
  Tag,
  Typography,
} from "antd";
import { Link } from "react-router";
import { messageOf } from "../api/api";
import type { TicketSummaryView } from "../api/tickets";
import { ContactPhone } from "../components/ContactPhone";
import {
  FollowUpFields,
  type FollowUpValues,
  followUpDone,
  followUpInput,
  missedText,
} from "../components/FollowUpFields";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { ReplyTemplate } from "../components/ReplyTemplate";
import { PriorityTag } from "../components/TicketTags";
import { EMPTY, formatDateTime, orEmpty } from "../format";
import { useTicketAction, useTicketSearch } from "../queries/tickets";
import { formatTempC10 } from "../tickets";
import { useSearchState } from "./useSearchState";

/** One resolved ticket waiting for its 回访 call: what it was, the script to read, and the result form. */
function FollowUpItem({ ticket: t }: { ticket: TicketSummaryView }) {
  const [form] = Form.useForm<FollowUpValues>();
  const { message } = App.useApp();
  const step = useTicketAction(t.id);

  const submit = async (v: FollowUpValues) => {
    try {
      const after = await step.mutateAsync({ action: "follow_up", input: followUpInput(v) });
      message.success(followUpDone(t.ticketNo, v.outcome, after.status));
      if (v.outcome === "missed") form.resetFields();
    } catch {
      // shown in the card
    }
  };

  return (
    <Card
      size="small"
      className="follow-up-item"
      data-ticket-no={t.ticketNo}
      title={
        <Space size={8}>
          <Link to={`/tickets/${t.id}`}>{t.ticketNo}</Link>
          <Typography.Text type="secondary">{TICKET_CATEGORY_LABELS[t.category] ?? t.category}</Typography.Text>
          <PriorityTag priority={t.priority} reasons={t.priorityReasons} />
          {t.followUpMissed && t.followUpMissed.count > 0 && (
            <Tag color={t.followUpMissed.meetsRule ? "orange" : "default"} className="follow-up-missed-tag">
              {missedText(t.followUpMissed)}
            </Tag>
          )}
        </Space>
      }
    >
      <Row gutter={24}>
        <Col span={12}>
          <Space orientation="vertical" size="small" style={{ width: "100%" }}>
            <Descriptions
              size="small"
              column={1}
              items={[
                { key: "phone", label: "联系电话", children: <ContactPhone ticketId={t.id} masked={t.contactPhone} /> },
                { key: "account", label: "户号", children: orEmpty(t.accountNo) },
                { key: "address", label: "地址", children: t.address },
                { key: "station", label: "换热站", children: orEmpty(t.stationName) },
                { key: "channel", label: "渠道", children: TICKET_CHANNEL_LABELS[t.channel] ?? t.channel },
                { key: "temp", label: "室内温度", children: formatTempC10(t.indoorTempC10) },
                { key: "created", label: "提交时间", children: formatDateTime(t.createdAt) },
                { key: "desc", label: "问题描述", children: t.description || EMPTY },
              ]}
            />
            <div>
              <Typography.Text strong>回访话术</Typography.Text>
              <ReplyTemplate template="follow_up" ticket={t} />
            </div>
          </Space>
        </Col>
        <Col span={12}>
          {step.isError && (
            <Alert type="error" showIcon role="alert" title={messageOf(step.error)} style={{ marginBottom: 12 }} />
          )}
          <Form<FollowUpValues>
            form={form}
            name={`follow-up-${t.id}`}
            layout="vertical"
            onFinish={submit}
            // a refusal is about what was sent: it goes once the form is edited
            onValuesChange={() => step.isError && step.reset()}
          >
            <FollowUpFields missed={t.followUpMissed} />
            <Button type="primary" htmlType="submit" loading={step.isPending}>
              提交回访
            </Button>
          </Form>
        </Col>
      </Row>
    </Card>
  );
}

/** 回访队列: resolved tickets waiting for a follow-up call, oldest first as the server sends them. */
export function FollowUpsPage() {
  const s = useSearchState(10);
  const queue = useTicketSearch({ followUp: true, page: s.page, pageSize: s.pageSize });
  const items = queue.data?.items ?? [];

  return (
    <Card
      className="follow-ups-page"
      title={<Typography.Text strong>回访队列</Typography.Text>}
      extra={
        <Space>
          {queue.data && <Typography.Text type="secondary">待回访 {queue.data.total} 件</Typography.Text>}
          <Button icon={<ReloadOutlined />} loading={queue.isFetching} onClick={() => void queue.refetch()}>
            刷新
          </Button>
        </Space>
      }
    >
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        {queue.isError && <QueryErrorAlert error={queue.error} onRetry={() => void queue.refetch()} />}
        {queue.data && items.length === 0 && <Empty description="没有待回访的工单" />}
        {items.map((t) => (
          <FollowUpItem key={t.id} ticket={t} />
        ))}
        {queue.data && queue.data.total > s.pageSize && (
          <Pagination
            current={s.page}
            pageSize={s.pageSize}
            total={queue.data.total}
            showTotal={(total) => `共 ${total} 件`}
            onChange={(page, pageSize) => s.update({ page, pageSize })}
          />
        )}
      </Space>
    </Card>
  );
}
