import { ReloadOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { Button, Card, Col, Progress, Row, Space, Statistic, Table, Tag, Typography } from "antd";
import { getPlanProgress, getSpecialGroups, type PlanProgress, type SpecialGroups } from "../api/visits";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { formatDateTime } from "../format";

type WorkerRow = PlanProgress["workers"][number];

const pct = (n: number, d: number) => (d === 0 ? 100 : Math.round((n / d) * 1000) / 10);

const progressColumns = (first: { title: string; key: "name" }) => [
  { title: first.title, dataIndex: first.key, key: first.key },
  { title: "计划户数", dataIndex: "households", key: "households" },
  {
    title: "走访次数",
    key: "visits",
    render: (_: unknown, r: Pick<WorkerRow, "visits" | "targetVisits">) => (
      <Space direction="vertical" size={0} style={{ minWidth: 120 }}>
        <span>
          {r.visits}/{r.targetVisits}
        </span>
        <Progress percent={pct(r.visits, r.targetVisits)} size="small" showInfo={false} />
      </Space>
    ),
  },
  { title: "已完成户数", dataIndex: "householdsDone", key: "householdsDone" },
];

const STATE_COLOR: Record<SpecialGroups["items"][number]["paymentState"], string> = {
  paid: "green",
  plan: "blue",
  unpaid: "red",
  no_bill: "default",
};

/**
 * 走访进度 (supervisors): this month's visit plan per grid worker and per community, and the special-group
 * payment coverage (paid or under a plan / all special-group households) against the 100 % target.
 */
export function VisitProgressPage() {
  const progress = useQuery({
    queryKey: ["visits", "progress"],
    queryFn: ({ signal }) => getPlanProgress(undefined, signal),
  });
  const special = useQuery({
    queryKey: ["visits", "special"],
    queryFn: ({ signal }) => getSpecialGroups(undefined, signal),
  });
  const cov = special.data?.coverage;
  return (
    <Space direction="vertical" size={16} style={{ width: "100%" }} className="visit-progress-page">
      <Card
        title={`入户走访进度 ${progress.data?.month ?? ""}`}
        extra={
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              void progress.refetch();
              void special.refetch();
            }}
          >
            刷新
          </Button>
        }
      >
        {progress.isError && <QueryErrorAlert error={progress.error} onRetry={() => void progress.refetch()} />}
        {progress.data && (
          <>
            {!progress.data.isVisitMonth && (
              <Typography.Paragraph type="secondary">本月不在走访月份（11月至次年2月）。</Typography.Paragraph>
            )}
            <Row gutter={16}>
              <Col xs={12} md={6}>
                <Statistic title="计划户数" value={progress.data.total.households} />
              </Col>
              <Col xs={12} md={6}>
                <Statistic
                  title="走访次数"
                  value={progress.data.total.visits}
                  suffix={`/ ${progress.data.total.targetVisits}`}
                />
              </Col>
              <Col xs={12} md={6}>
                <Statistic title="已完成户数" value={progress.data.total.householdsDone} />
              </Col>
              <Col xs={12} md={6}>
                <Statistic
                  title="特殊群体缴费覆盖率"
                  value={cov ? pct(cov.covered, cov.total) : "—"}
                  suffix={cov ? "%" : ""}
                  valueStyle={{ color: cov && cov.covered < cov.total ? "#cf1322" : "#3f8600" }}
                />
                {cov && (
                  <Typography.Text type="secondary" className="coverage-note">
                    {cov.covered}/{cov.total} 户已缴清或在分期计划中，目标100%
                  </Typography.Text>
                )}
              </Col>
            </Row>
            <Typography.Title level={5} style={{ marginTop: 16 }}>
              按网格员
            </Typography.Title>
            <Table<WorkerRow>
              size="small"
              rowKey="staffId"
              pagination={false}
              dataSource={progress.data.workers}
              columns={progressColumns({ title: "网格员", key: "name" })}
              scroll={{ x: 480 }}
            />
            <Typography.Title level={5} style={{ marginTop: 16 }}>
              按小区
            </Typography.Title>
            <Table
              size="small"
              rowKey="communityId"
              pagination={false}
              dataSource={progress.data.communities}
              columns={progressColumns({ title: "小区", key: "name" })}
              scroll={{ x: 480 }}
            />
          </>
        )}
      </Card>
      <Card title={`特殊群体（${special.data?.season ?? ""}供热季）`}>
        {special.isError && <QueryErrorAlert error={special.error} onRetry={() => void special.refetch()} />}
        <Table
          size="small"
          rowKey="accountId"
          loading={special.isPending}
          dataSource={special.data?.items ?? []}
          pagination={{ pageSize: 20 }}
          scroll={{ x: 760 }}
          columns={[
            { title: "户号", dataIndex: "accountNo", key: "accountNo" },
            { title: "户主", dataIndex: "ownerName", key: "ownerName" },
            { title: "小区", dataIndex: "communityName", key: "communityName" },
            { title: "类别", dataIndex: "categoryLabel", key: "categoryLabel" },
            {
              title: "本季缴费",
              key: "state",
              render: (_: unknown, r: SpecialGroups["items"][number]) => (
                <Tag color={STATE_COLOR[r.paymentState]}>{r.paymentStateLabel}</Tag>
              ),
            },
            {
              title: "最近走访",
              key: "lastVisitAt",
              render: (_: unknown, r: SpecialGroups["items"][number]) =>
                r.lastVisitAt ? formatDateTime(r.lastVisitAt) : "未走访",
            },
          ]}
        />
      </Card>
    </Space>
  );
}
