import { CheckCircleTwoTone, CloseCircleTwoTone, ReloadOutlined } from "@ant-design/icons";
import { formatYuan, type LegalCandidateView, VISIT_POSITION_LABELS } from "@warmline/shared";
import { App, Button, Card, Form, Input, Modal, Space, Table, type TableColumnsType, Typography } from "antd";
import { useState } from "react";
import { useNavigate } from "react-router";
import { messageOf } from "../api/api";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { minTableWidth } from "../components/tableWidth";
import { useDismissCandidate, useLegalCandidates, useOpenCase, useRefreshCandidates } from "../queries/legal";

const PAGE_SIZE = 20;

/** Each condition of the rule with whether it holds (✓ / ✗) and why. */
export function LegalReasons({ reasons }: { reasons: LegalCandidateView["reasons"] }) {
  return (
    <Space orientation="vertical" size={4}>
      {reasons.map((r) => (
        <Space key={r.condition}>
          {r.met ? <CheckCircleTwoTone twoToneColor="#52c41a" /> : <CloseCircleTwoTone twoToneColor="#ff4d4f" />}
          <span>{r.text}</span>
        </Space>
      ))}
    </Space>
  );
}

/**
 * 恶意欠费候选: the accounts that met every condition in the daily run (amount, age, communications, last
 * position, and why — expand a row). The legal officer opens a case (the server checks the rule again) or
 * dismisses the candidate with a reason (audited).
 */
export function LegalCandidatesPage() {
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const list = useLegalCandidates({ page, pageSize: PAGE_SIZE });
  const refresh = useRefreshCandidates();
  const open = useOpenCase();
  const dismiss = useDismissCandidate();
  const [dismissing, setDismissing] = useState<LegalCandidateView | null>(null);
  const [form] = Form.useForm<{ reason: string }>();

  const openCase = (c: LegalCandidateView) =>
    Modal.confirm({
      title: `对 ${c.accountNo} 立案审查？`,
      content: "系统将重新核对全部移交条件；不再符合的将拒绝立案。操作记入审计日志。",
      okText: "立案审查",
      cancelText: "取消",
      onOk: async () => {
        try {
          const created = await open.mutateAsync({ accountId: c.accountId });
          message.success(`已立案审查：${created.caseNo}`);
          navigate(`/legal/cases/${created.id}`);
        } catch (err) {
          message.error(messageOf(err));
        }
      },
    });

  const columns: TableColumnsType<LegalCandidateView> = [
    { title: "户号", dataIndex: "accountNo", width: 110 },
    { title: "户主", dataIndex: "ownerName", width: 90 },
    { title: "小区", dataIndex: "communityName", width: 140 },
    { title: "欠费", dataIndex: "owedFen", width: 110, align: "right", render: (v: number) => formatYuan(v) },
    { title: "最早应缴日", dataIndex: "oldestDueDate", width: 110 },
    { title: "欠费月数", dataIndex: "arrearsMonths", width: 90, align: "right" },
    { title: "催缴沟通", dataIndex: "visitDays", width: 90, align: "right", render: (v: number) => `${v} 次` },
    {
      title: "最近态度",
      dataIndex: "lastPosition",
      width: 110,
      render: (v: LegalCandidateView["lastPosition"]) => (v ? VISIT_POSITION_LABELS[v] : "—"),
    },
    {
      title: "操作",
      key: "actions",
      width: 200,
      render: (_: unknown, c) => (
        <Space>
          <Button type="primary" size="small" onClick={() => openCase(c)}>
            立案审查
          </Button>
          <Button
            size="small"
            onClick={() => {
              form.resetFields();
              setDismissing(c);
            }}
          >
            不予移交
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <Card
      title="恶意欠费候选"
      extra={
        <Button
          icon={<ReloadOutlined />}
          loading={refresh.isPending}
          onClick={() =>
            refresh.mutate(undefined, {
              onSuccess: (r) => message.success(`已重新计算：${r.candidates} 户符合条件`),
              onError: (err) => message.error(messageOf(err)),
            })
          }
        >
          重新计算
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">
        条件：欠费超过6个月、不同日期至少2次入户催缴沟通、最近一次表态为拒绝缴费、无困难情形、无未办结诉求、本季无未解决的室温不达标、未标记不宜催缴。展开一行查看每项条件。
      </Typography.Paragraph>
      {list.error ? <QueryErrorAlert error={list.error} onRetry={() => list.refetch()} /> : null}
      <Table<LegalCandidateView>
        rowKey="accountId"
        size="middle"
        loading={list.isLoading}
        columns={columns}
        dataSource={list.data?.items ?? []}
        scroll={{ x: minTableWidth(columns) }}
        expandable={{ expandedRowRender: (c) => <LegalReasons reasons={c.reasons} /> }}
        locale={{ emptyText: "暂无符合条件的候选户" }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: list.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
        }}
      />
      <Modal
        open={dismissing !== null}
        title={`不予移交：${dismissing?.accountNo ?? ""}`}
        okText="确认不予移交"
        cancelText="取消"
        confirmLoading={dismiss.isPending}
        onCancel={() => setDismissing(null)}
        onOk={async () => {
          const { reason } = await form.validateFields();
          if (!dismissing) return;
          try {
            await dismiss.mutateAsync({ accountId: dismissing.accountId, reason });
            message.success("已记录不予移交");
            setDismissing(null);
          } catch (err) {
            message.error(messageOf(err));
          }
        }}
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="reason"
            label="原因（记入审计日志）"
            rules={[{ required: true, min: 2, message: "请填写不予移交的原因" }]}
          >
            <Input.TextArea rows={3} maxLength={200} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
