import { ReloadOutlined } from "@ant-design/icons";
import {
  formatYuan,
  HARDSHIP_APP_CATEGORIES,
  HARDSHIP_APP_CATEGORY_LABELS,
  type HardshipAppCategory,
} from "@warmline/shared";
import { Badge, Button, Card, Select, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import { Link } from "react-router";
import type { HardshipApplicationView } from "../api/hardship";
import { CommunitySelect } from "../components/CommunitySelect";
import { categoryText, termsText, waitingDays } from "../components/HardshipParts";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { formatDateTime } from "../format";
import { useHardshipQueue } from "../queries/hardship";
import { useSearchState } from "./useSearchState";

/** days an application may wait for one step before it is overdue (HARDSHIP_REVIEW_ALERT_WORKDAYS, default 3) */
const DUE_DAYS = 3;

const WAIT_OPTIONS = [
  { value: 1, label: "等待 ≥ 1 天" },
  { value: 3, label: "等待 ≥ 3 天" },
  { value: 7, label: "等待 ≥ 7 天" },
];

/**
 * 困难申请 初审 / 复核 queue: the applications waiting for this step, longest waiting first, with both queues'
 * counts and filters by community, category and waiting time (all in the URL).
 */
export function HardshipQueuePage({ step }: { step: "community" | "center" }) {
  const s = useSearchState(20);
  const communityId = Number(s.params.get("communityId")) || undefined;
  const categoryParam = s.params.get("category");
  const category = (HARDSHIP_APP_CATEGORIES as readonly string[]).includes(categoryParam ?? "")
    ? (categoryParam as HardshipAppCategory)
    : undefined;
  const minWaitDays = Number(s.params.get("minWaitDays")) || undefined;
  const status = step === "community" ? "pending_community" : "pending_center";
  const queue = useHardshipQueue({ status, communityId, category, minWaitDays, page: s.page, pageSize: s.pageSize });
  const counts = queue.data?.counts;
  const title = step === "community" ? "困难申请 · 社区初审" : "困难申请 · 供热中心复核";

  const columns: TableColumnsType<HardshipApplicationView> = [
    {
      title: "申请编号",
      dataIndex: "applicationNo",
      width: 180,
      render: (no: string, a) => <Link to={`/hardship/applications/${a.id}`}>{no}</Link>,
    },
    { title: "户号", dataIndex: "accountNo", width: 110 },
    { title: "小区", dataIndex: "communityName", width: 100, ellipsis: true },
    { title: "地址", dataIndex: "address", ellipsis: true },
    {
      title: "困难类别",
      dataIndex: "category",
      width: 120,
      ellipsis: true,
      render: (c: string, a) => categoryText(c, a.categoryReason),
    },
    { title: "申请方案", dataIndex: "requestedTerms", width: 100, render: (t) => termsText(t) },
    { title: "涉及欠费", dataIndex: "principalFen", width: 110, align: "right", render: (f: number) => formatYuan(f) },
    { title: "提交时间", dataIndex: "submittedAt", width: 140, render: (t: string) => formatDateTime(t) },
    {
      title: "本步已等待",
      dataIndex: "waitingSince",
      width: 120,
      render: (since: string | null) => {
        const d = waitingDays(since);
        if (d === null) return "—";
        return d >= DUE_DAYS ? <Tag color="red">{d} 天（超时）</Tag> : `${d} 天`;
      },
    },
  ];

  return (
    <Card
      className="hardship-queue-page"
      title={
        <Space size={16}>
          <Typography.Text strong>{title}</Typography.Text>
          <Badge count={counts?.pending_community ?? 0} showZero color={step === "community" ? "#fa8c16" : "#bfbfbf"}>
            <Link to="/hardship/community" style={{ paddingRight: 12 }}>
              待初审
            </Link>
          </Badge>
          <Badge count={counts?.pending_center ?? 0} showZero color={step === "center" ? "#fa8c16" : "#bfbfbf"}>
            <Link to="/hardship/center" style={{ paddingRight: 12 }}>
              待复核
            </Link>
          </Badge>
        </Space>
      }
      extra={
        <Button icon={<ReloadOutlined />} loading={queue.isFetching} onClick={() => void queue.refetch()}>
          刷新
        </Button>
      }
    >
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        <Space wrap>
          <CommunitySelect value={communityId} onChange={(v) => s.update({ communityId: v, page: 1 })} />
          <Select<string>
            allowClear
            placeholder="全部困难类别"
            style={{ width: 160 }}
            value={category}
            onChange={(v) => s.update({ category: v, page: 1 })}
            options={HARDSHIP_APP_CATEGORIES.map((c) => ({ value: c, label: HARDSHIP_APP_CATEGORY_LABELS[c] }))}
          />
          <Select<number>
            allowClear
            placeholder="等待时间不限"
            style={{ width: 150 }}
            value={minWaitDays}
            onChange={(v) => s.update({ minWaitDays: v, page: 1 })}
            options={WAIT_OPTIONS}
          />
        </Space>
        {queue.isError && <QueryErrorAlert error={queue.error} onRetry={() => void queue.refetch()} />}
        <Table<HardshipApplicationView>
          rowKey="id"
          size="middle"
          loading={queue.isPending}
          columns={columns}
          dataSource={queue.data?.items ?? []}
          locale={{ emptyText: step === "community" ? "没有待初审的申请" : "没有待复核的申请" }}
          pagination={{
            current: s.page,
            pageSize: s.pageSize,
            total: queue.data?.total ?? 0,
            showTotal: (t) => `共 ${t} 件`,
            onChange: (page, pageSize) => s.update({ page, pageSize }),
          }}
        />
      </Space>
    </Card>
  );
}
