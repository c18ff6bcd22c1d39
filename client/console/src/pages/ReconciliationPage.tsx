import { PlayCircleOutlined } from "@ant-design/icons";
import { ONLINE_VENDORS, RECON_KIND_LABELS, StartReconSchema } from "@warmline/shared";
import { Alert, Button, Card, Form, Input, Select, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import { useMemo } from "react";
import { messageOf } from "../api/api";
import type { OnlineVendor, ReconRunSummary } from "../api/payments";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole, REFUND_ROLES } from "../auth/roles";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { RECON_STATUS_COLORS, ReconRunDetail } from "../components/ReconRunDetail";
import { minTableWidth } from "../components/tableWidth";
import { zodRule } from "../forms/zodRule";
import { formatDateTime, shanghaiDate, yesterdayInShanghai } from "../format";
import { RECON_STATUS_LABELS, RECON_VENDOR_LABELS } from "../labels";
import { useReconRuns, useStartRecon } from "../queries/payments";
import { useSearchState } from "./useSearchState";

interface StartValues {
  date: string;
  vendor: OnlineVendor;
}

const vendorOptions = ONLINE_VENDORS.map((v) => ({ value: v, label: RECON_VENDOR_LABELS[v] ?? v }));

/** A count that is not zero stands out. */
const count = (n: number) => (n > 0 ? <Typography.Text type="danger">{n}</Typography.Text> : n);

/** 发起对账: one vendor's bill for one Beijing date, yesterday by default (vendors issue a day's bill the next day). */
function StartReconForm({ onStarted }: { onStarted: (runId: number) => void }) {
  const [form] = Form.useForm<StartValues>();
  const start = useStartRecon();
  const yesterday = useMemo(() => yesterdayInShanghai(), []);
  // today is allowed (a vendor that has no bill yet fails the run with its reason); the future is not
  const today = useMemo(() => shanghaiDate(new Date()), []);

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Form<StartValues>
        form={form}
        name="start-recon"
        layout="inline"
        initialValues={{ date: yesterday, vendor: "wechat" }}
        // a refusal is about the date and vendor it was asked for: it goes once either changes
        onValuesChange={() => start.isError && start.reset()}
        onFinish={async (v) => {
          try {
            const run = await start.mutateAsync({ date: v.date, vendor: v.vendor });
            onStarted(run.id);
          } catch {
            // shown below
          }
        }}
      >
        <Form.Item
          label="对账日期"
          name="date"
          validateFirst
          rules={[
            { required: true, message: "请选择对账日期" },
            zodRule(StartReconSchema.shape.date),
            {
              validator: async (_r, v: string | undefined) => {
                if (v && v > today) throw new Error("不能选择未来的日期");
              },
            },
          ]}
        >
          <Input id="recon-date" type="date" max={today} style={{ width: 170 }} />
        </Form.Item>
        <Form.Item label="渠道" name="vendor" rules={[{ required: true, message: "请选择渠道" }]}>
          <Select options={vendorOptions} style={{ width: 130 }} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" icon={<PlayCircleOutlined />} loading={start.isPending}>
            开始对账
          </Button>
        </Form.Item>
      </Form>
      {start.isError && <Alert type="error" showIcon role="alert" title={messageOf(start.error)} />}
    </Space>
  );
}

/** 对账: compare a vendor's daily bill with our ledger; differences are settled or left for staff. */
export function ReconciliationPage() {
  const { staff } = useAuth();
  const s = useSearchState();
  const runs = useReconRuns();
  const current = s.int("run");
  const mayStart = hasAnyRole(staff?.roles, REFUND_ROLES);
  const open = (id: number) => s.update({ run: id });

  const columns: TableColumnsType<ReconRunSummary> = [
    { title: "对账日期", dataIndex: "date", width: 104 },
    {
      title: "渠道",
      dataIndex: "vendor",
      width: 88,
      render: (v: string) => RECON_VENDOR_LABELS[v] ?? v,
    },
    {
      title: "状态",
      dataIndex: "status",
      width: 80,
      render: (st: ReconRunSummary["status"]) => (
        <Tag color={RECON_STATUS_COLORS[st]}>{RECON_STATUS_LABELS[st] ?? st}</Tag>
      ),
    },
    { title: "渠道笔数", dataIndex: "vendorCount", width: 84, align: "right" },
    { title: "本系统笔数", dataIndex: "ourCount", width: 96, align: "right" },
    { title: "已匹配", dataIndex: "matched", width: 72, align: "right" },
    { title: RECON_KIND_LABELS.missing_here, dataIndex: "missingHere", width: 112, align: "right", render: count },
    { title: RECON_KIND_LABELS.missing_there, dataIndex: "missingThere", width: 112, align: "right", render: count },
    {
      title: RECON_KIND_LABELS.amount_mismatch,
      dataIndex: "amountMismatch",
      width: 96,
      align: "right",
      render: count,
    },
    { title: "发起时间", dataIndex: "createdAt", width: 170, render: formatDateTime },
    {
      title: "",
      key: "open",
      width: 64,
      fixed: "right",
      render: (_, r) => (
        <Button
          type="link"
          size="small"
          onClick={(e) => {
            e.stopPropagation();
            open(r.id);
          }}
        >
          查看
        </Button>
      ),
    },
  ];

  return (
    <Space className="recon-page" orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Card title={<Typography.Text strong>对账</Typography.Text>}>
        {mayStart ? (
          <StartReconForm onStarted={open} />
        ) : (
          <Typography.Text type="secondary">可查看对账结果；发起对账需专班主管或系统管理员。</Typography.Text>
        )}
      </Card>
      {current && <ReconRunDetail key={current} runId={current} onClose={() => s.update({ run: undefined })} />}
      <Card size="small" title="对账记录">
        {runs.isError && <QueryErrorAlert error={runs.error} onRetry={() => void runs.refetch()} />}
        <Table<ReconRunSummary>
          className="recon-runs"
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={runs.data ?? []}
          loading={runs.isFetching}
          scroll={{ x: minTableWidth(columns) }}
          rowClassName={(r) => (r.id === current ? "ant-table-row-selected" : "")}
          onRow={(r) => ({ onClick: () => open(r.id), style: { cursor: "pointer" } })}
          pagination={(runs.data?.length ?? 0) > 20 ? { pageSize: 20, showTotal: (t) => `共 ${t} 次` } : false}
          locale={{ emptyText: "暂无对账记录" }}
        />
      </Card>
    </Space>
  );
}
