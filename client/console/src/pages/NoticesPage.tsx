import { PlusOutlined } from "@ant-design/icons";
import {
  beijingMinuteText,
  NOTICE_AUDIENCE_LABELS,
  NOTICE_KIND_LABELS,
  NOTICE_STATE_LABELS,
  type NoticeState,
} from "@warmline/shared";
import {
  App,
  Button,
  Card,
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
import { useState } from "react";
import { messageOf } from "../api/api";
import type { StaffNoticeView } from "../api/notices";
import { NOTICE_KIND_COLORS, NoticeFormModal } from "../components/NoticeFormModal";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { useNotices, useWithdrawNotice } from "../queries/notices";

const STATE_COLORS: Record<NoticeState, string> = {
  current: "green",
  scheduled: "blue",
  expired: "default",
  withdrawn: "red",
};

type Filter = NoticeState | "all";
const FILTERS: { value: Filter; label: string }[] = [
  { value: "all", label: "全部" },
  { value: "current", label: NOTICE_STATE_LABELS.current },
  { value: "scheduled", label: NOTICE_STATE_LABELS.scheduled },
  { value: "expired", label: NOTICE_STATE_LABELS.expired },
  { value: "withdrawn", label: NOTICE_STATE_LABELS.withdrawn },
];

const PAGE_SIZE = 20;

/** 供热公告: notices to residents — list, publish and edit with a preview, withdraw. */
export function NoticesPage() {
  const [filter, setFilter] = useState<Filter>("all");
  const [page, setPage] = useState(1);
  /** the notice being edited; null = a new one; undefined = the form is closed */
  const [editing, setEditing] = useState<StaffNoticeView | null | undefined>(undefined);
  const [withdrawing, setWithdrawing] = useState<StaffNoticeView | null>(null);
  const notices = useNotices({ state: filter === "all" ? undefined : filter, page, pageSize: PAGE_SIZE });

  const columns: TableColumnsType<StaffNoticeView> = [
    {
      title: "标题",
      dataIndex: "title",
      render: (title: string, n) => (
        <Space size={4} wrap>
          {n.pinned && <Tag color="orange">置顶</Tag>}
          <Typography.Text strong>{title}</Typography.Text>
        </Space>
      ),
    },
    {
      title: "类别",
      dataIndex: "kind",
      width: 100,
      render: (k: StaffNoticeView["kind"]) => <Tag color={NOTICE_KIND_COLORS[k]}>{NOTICE_KIND_LABELS[k]}</Tag>,
    },
    {
      title: "发布范围",
      key: "audience",
      width: 220,
      render: (_v, n) =>
        n.audience === "all"
          ? NOTICE_AUDIENCE_LABELS.all
          : `${NOTICE_AUDIENCE_LABELS[n.audience]}：${n.targetNames.join("、")}`,
    },
    { title: "发布时间", dataIndex: "publishAt", width: 150, render: (t: string) => beijingMinuteText(t) },
    {
      title: "过期时间",
      dataIndex: "expireAt",
      width: 150,
      render: (t: string | null) => (t ? beijingMinuteText(t) : "—"),
    },
    {
      title: "状态",
      dataIndex: "state",
      width: 90,
      render: (s: NoticeState) => <Tag color={STATE_COLORS[s]}>{NOTICE_STATE_LABELS[s]}</Tag>,
    },
    { title: "发布人", dataIndex: "authorName", width: 110 },
    {
      title: "操作",
      key: "actions",
      width: 130,
      render: (_v, n) =>
        n.state === "withdrawn" ? (
          <Typography.Text type="secondary" title={n.withdrawReason ?? undefined}>
            已撤回
          </Typography.Text>
        ) : (
          <Space size={0}>
            <Button type="link" size="small" onClick={() => setEditing(n)}>
              编辑
            </Button>
            <Button type="link" size="small" danger onClick={() => setWithdrawing(n)}>
              撤回
            </Button>
          </Space>
        ),
    },
  ];

  return (
    <Card
      title="供热公告"
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)}>
          发布公告
        </Button>
      }
    >
      <Segmented<Filter>
        options={FILTERS}
        value={filter}
        onChange={(f) => {
          setFilter(f);
          setPage(1);
        }}
        style={{ marginBottom: 16 }}
      />
      {notices.isError && <QueryErrorAlert error={notices.error} />}
      <Table<StaffNoticeView>
        rowKey="id"
        size="middle"
        loading={notices.isFetching}
        columns={columns}
        dataSource={notices.data?.items ?? []}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: notices.data?.total ?? 0,
          onChange: setPage,
          showTotal: (n) => `共 ${n} 条`,
        }}
        locale={{ emptyText: "暂无公告" }}
      />
      {editing !== undefined && <NoticeFormModal notice={editing} onClose={() => setEditing(undefined)} />}
      {withdrawing && <WithdrawModal notice={withdrawing} onClose={() => setWithdrawing(null)} />}
    </Card>
  );
}

function WithdrawModal({ notice, onClose }: { notice: StaffNoticeView; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const withdraw = useWithdrawNotice();
  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return; // the form shows what is missing
    const { reason } = values;
    try {
      await withdraw.mutateAsync({ id: notice.id, reason: reason.trim() });
      message.success("公告已撤回");
      onClose();
    } catch (e) {
      message.error(messageOf(e));
    }
  };
  return (
    <Modal
      open
      title="撤回公告"
      okText="撤回"
      okButtonProps={{ danger: true }}
      cancelText="取消"
      confirmLoading={withdraw.isPending}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>撤回后居民将不再看到“{notice.title}”，撤回不能恢复，记入审计日志。</Typography.Paragraph>
      <Form form={form} layout="vertical">
        <Form.Item
          name="reason"
          label="撤回原因"
          rules={[
            { required: true, whitespace: true, message: "请填写撤回原因" },
            { max: 200, message: "撤回原因不能超过200个字" },
          ]}
        >
          <Input.TextArea rows={3} maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
