import { CheckOutlined } from "@ant-design/icons";
import { VISIT_TASK_STATUS_LABELS, type VisitTaskSource, type VisitTaskStatus } from "@warmline/shared";
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
import { Link } from "react-router";
import { messageOf } from "../api/api";
import type { VisitTaskView } from "../api/reminders";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { minTableWidth } from "../components/tableWidth";
import { EMPTY, formatDateTime, shanghaiDate } from "../format";
import { useCompleteVisitTask, useVisitTasks } from "../queries/reminders";

const SOURCE_LABELS: Record<VisitTaskSource, string> = {
  reminder: "催缴阶梯",
  promise: "承诺缴费日",
  manual: "手工",
};

const STATUS_COLORS: Record<VisitTaskStatus, string> = { open: "processing", done: "success", cancelled: "default" };

type Filter = VisitTaskStatus | "all";
const FILTERS: { value: Filter; label: string }[] = [
  { value: "open", label: VISIT_TASK_STATUS_LABELS.open },
  { value: "done", label: VISIT_TASK_STATUS_LABELS.done },
  { value: "all", label: "全部" },
];

const PAGE_SIZE = 20;

/**
 * 走访任务: the visits the reminder ladder (or a promised payment date) asks for. A grid worker sees their own
 * community's, supervisors and admins every one (the server decides). A task is completed by a home visit
 * (入户走访) or here by hand with a note.
 */
export function VisitTasksPage() {
  const [filter, setFilter] = useState<Filter>("open");
  const [page, setPage] = useState(1);
  const [doing, setDoing] = useState<VisitTaskView | null>(null);
  const tasks = useVisitTasks({ status: filter === "all" ? undefined : filter, page, pageSize: PAGE_SIZE });
  const today = shanghaiDate(new Date());

  const columns: TableColumnsType<VisitTaskView> = [
    {
      title: "户号",
      dataIndex: "accountNo",
      width: 120,
      render: (no: string | null, t) => <Link to={`/accounts/${t.accountId}`}>{no ?? `#${t.accountId}`}</Link>,
    },
    { title: "地址", dataIndex: "address", render: (a: string | null) => a ?? EMPTY },
    {
      title: "走访事由",
      dataIndex: "reason",
      width: 240,
      render: (reason: string, t) => (
        <Space size={4} wrap>
          {t.soft && <Tag color="cyan">关怀</Tag>}
          <span>{reason}</span>
        </Space>
      ),
    },
    { title: "来源", dataIndex: "source", width: 100, render: (s: VisitTaskSource) => SOURCE_LABELS[s] ?? s },
    {
      title: "走访期限",
      dataIndex: "dueDate",
      width: 110,
      render: (d: string, t) =>
        t.status === "open" && d < today ? <Typography.Text type="danger">{d}（已过期）</Typography.Text> : d,
    },
    {
      title: "状态",
      dataIndex: "status",
      width: 90,
      render: (s: VisitTaskStatus) => <Tag color={STATUS_COLORS[s]}>{VISIT_TASK_STATUS_LABELS[s]}</Tag>,
    },
    {
      title: "走访情况",
      key: "done",
      width: 200,
      render: (_v, t) =>
        t.status === "done" ? (
          <Space orientation="vertical" size={0}>
            <span>{t.note ?? (t.visitId ? `入户走访记录 #${t.visitId}` : EMPTY)}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatDateTime(t.doneAt)}
            </Typography.Text>
          </Space>
        ) : (
          EMPTY
        ),
    },
    {
      title: "操作",
      key: "actions",
      width: 100,
      render: (_v, t) =>
        t.status === "open" ? (
          <Button type="link" size="small" icon={<CheckOutlined />} onClick={() => setDoing(t)}>
            完成
          </Button>
        ) : null,
    },
  ];

  return (
    <Card className="visit-tasks" title="走访任务">
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
          网格员只看到本社区的任务；走访后在此填写情况完成，或在入户走访中记录。
        </Typography.Text>
      </Space>
      {tasks.isError && <QueryErrorAlert error={tasks.error} onRetry={() => void tasks.refetch()} />}
      <Table<VisitTaskView>
        rowKey="id"
        size="middle"
        loading={tasks.isPending}
        columns={columns}
        scroll={{ x: minTableWidth(columns) }}
        dataSource={tasks.data?.items ?? []}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: tasks.data?.total ?? 0,
          onChange: setPage,
          showTotal: (n) => `共 ${n} 条`,
        }}
        locale={{ emptyText: filter === "open" ? "暂无待走访任务" : "暂无走访任务" }}
      />
      {doing && <DoneModal task={doing} onClose={() => setDoing(null)} />}
    </Card>
  );
}

function DoneModal({ task, onClose }: { task: VisitTaskView; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ note: string }>();
  const done = useCompleteVisitTask();
  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    try {
      await done.mutateAsync({ id: task.id, note: values.note.trim() });
      message.success("走访任务已完成，已记入审计日志");
      onClose();
    } catch (e) {
      message.error(messageOf(e));
    }
  };
  return (
    <Modal
      open
      title="完成走访任务"
      okText="完成"
      cancelText="取消"
      confirmLoading={done.isPending}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>
        {task.accountNo ?? `#${task.accountId}`} · {task.address ?? ""}
        <br />
        {task.reason}
      </Typography.Paragraph>
      <Form form={form} layout="vertical">
        <Form.Item
          name="note"
          label="走访情况"
          rules={[
            { required: true, whitespace: true, message: "请填写走访情况" },
            { min: 2, message: "走访情况至少2个字" },
            { max: 500, message: "走访情况不能超过500个字" },
          ]}
        >
          <Input.TextArea rows={4} maxLength={500} placeholder="如：已上门，户主表示月底前到银行窗口缴清" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
