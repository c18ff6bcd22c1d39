import { PayCircleOutlined, ReloadOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { coverageRate, formatYuan } from "@warmline/shared";
import { Button, Card, Col, Progress, Row, Select, Space, Statistic, Table, Tag, Typography } from "antd";
import { useMemo } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { getSpecialGroups, type SpecialGroups } from "../api/visits";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole, OFFLINE_PAYMENT_ROLES } from "../auth/roles";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { formatDateTime } from "../format";
import { DESKS } from "../layout/desks";

type Item = SpecialGroups["items"][number];

const STATE_COLOR: Record<Item["paymentState"], string> = {
  paid: "green",
  plan: "blue",
  unpaid: "red",
  no_bill: "default",
};

const pct = (rate: number) => Math.round(rate * 1000) / 10;

/**
 * 特殊群体 (elderly living alone, disabled, 行动不便, 失能): the households of the caller's communities (all of
 * them for supervisors), filtered by community, with this season's payment state and last visit, and the
 * coverage figure (paid or under a plan / all) against the 100 % target. 代缴 opens the cashier's offline
 * payment form for the household (a grid worker records it as 网格员代缴).
 */
export function SpecialGroupsPage() {
  const { staff } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const communityId = Number(params.get("community")) || undefined;
  const list = useQuery({
    queryKey: ["visits", "special"],
    queryFn: ({ signal }) => getSpecialGroups(undefined, signal),
  });
  const mayPay = hasAnyRole(staff?.roles, OFFLINE_PAYMENT_ROLES);

  const items = useMemo(
    () => (list.data?.items ?? []).filter((i) => !communityId || i.communityId === communityId),
    [list.data, communityId],
  );
  const figure = useMemo(() => {
    if (!list.data) return null;
    if (!communityId) return list.data.coverage;
    const c = list.data.byCommunity.find((x) => x.communityId === communityId);
    const covered = c?.covered ?? 0;
    const total = c?.total ?? 0;
    return { covered, total, rate: coverageRate(covered, total), target: 1 };
  }, [list.data, communityId]);

  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }} className="special-groups-page">
      <Card
        title={`特殊群体缴费覆盖（${list.data?.season ?? ""}供热季）`}
        extra={
          <Button icon={<ReloadOutlined />} loading={list.isFetching} onClick={() => void list.refetch()}>
            刷新
          </Button>
        }
      >
        {list.isError && <QueryErrorAlert error={list.error} onRetry={() => void list.refetch()} />}
        <Space wrap style={{ marginBottom: 12 }}>
          <Typography.Text>小区</Typography.Text>
          <Select<number>
            id="special-community"
            allowClear
            placeholder="全部小区"
            style={{ width: 220 }}
            value={communityId}
            onChange={(v) =>
              setParams((prev) => {
                const p = new URLSearchParams(prev);
                if (v) p.set("community", String(v));
                else p.delete("community");
                return p;
              })
            }
            options={(list.data?.byCommunity ?? []).map((c) => ({
              value: c.communityId,
              label: `${c.name}（${c.total} 户）`,
            }))}
          />
        </Space>
        {figure && (
          <Row gutter={16} align="middle">
            <Col xs={12} md={6}>
              <Statistic
                title="覆盖率"
                value={pct(figure.rate)}
                suffix="%"
                valueStyle={{ color: figure.covered < figure.total ? "#cf1322" : "#3f8600" }}
              />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title="已覆盖 / 总户数" value={figure.covered} suffix={`/ ${figure.total}`} />
            </Col>
            <Col xs={24} md={12}>
              <Progress percent={pct(figure.rate)} success={{ percent: pct(figure.rate) }} />
              <Typography.Text type="secondary" className="coverage-note" data-testid="coverage-note">
                已缴清或在分期/缓缴计划中 {figure.covered}/{figure.total} 户，目标100%
                {figure.total > figure.covered ? `，还差 ${figure.total - figure.covered} 户` : "，已达标"}
              </Typography.Text>
            </Col>
          </Row>
        )}
      </Card>
      <Card title={`特殊群体名单（${items.length} 户）`}>
        <Table<Item>
          size="small"
          rowKey="accountId"
          loading={list.isPending}
          dataSource={items}
          pagination={{ pageSize: 20 }}
          scroll={{ x: 820 }}
          columns={[
            {
              title: "户号",
              key: "accountNo",
              render: (_, r) => <Link to={`/accounts/${r.accountId}`}>{r.accountNo}</Link>,
            },
            { title: "户主", dataIndex: "ownerName", key: "ownerName" },
            { title: "地址", dataIndex: "address", key: "address", ellipsis: true },
            { title: "小区", dataIndex: "communityName", key: "communityName" },
            { title: "类别", dataIndex: "categoryLabel", key: "categoryLabel" },
            {
              title: "本季缴费",
              key: "state",
              render: (_, r) => (
                <Space size={4} wrap>
                  <Tag color={STATE_COLOR[r.paymentState]}>{r.paymentStateLabel}</Tag>
                  {r.owedFen > 0 && <Typography.Text type="danger">欠 {formatYuan(r.owedFen)}</Typography.Text>}
                </Space>
              ),
            },
            {
              title: "最近走访",
              key: "lastVisitAt",
              render: (_, r) => (r.lastVisitAt ? formatDateTime(r.lastVisitAt) : <Tag color="orange">未走访</Tag>),
            },
            ...(mayPay
              ? [
                  {
                    title: "操作",
                    key: "pay",
                    fixed: "right" as const,
                    render: (_: unknown, r: Item) =>
                      r.owedFen > 0 ? (
                        <Button
                          size="small"
                          type="primary"
                          icon={<PayCircleOutlined />}
                          onClick={() => navigate(`${DESKS.cashier.path}?account=${r.accountId}`)}
                        >
                          代缴
                        </Button>
                      ) : null,
                  },
                ]
              : []),
          ]}
        />
      </Card>
    </Space>
  );
}
