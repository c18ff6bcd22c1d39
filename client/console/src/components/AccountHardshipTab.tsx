import { useQuery } from "@tanstack/react-query";
import {
  formatYuan,
  HARDSHIP_PLAN_KIND_LABELS,
  HARDSHIP_STATUS_LABELS,
  type HardshipApplicationView,
  type HardshipStatus,
  type PaymentPlanView,
} from "@warmline/shared";
import { Alert, Card, Empty, Skeleton, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import { Link } from "react-router";
import { isApiError } from "../api/api";
import { hardshipFlagHistory } from "../api/accountHardship";
import { useAuth } from "../auth/AuthContext";
import { HARDSHIP_DESK_ROLES, hasAnyRole } from "../auth/roles";
import { formatDateTime } from "../format";
import { hardshipKeys, useAccountHardship } from "../queries/hardship";
import { HardshipPlan, HardshipStatusTag, categoryText, termsText } from "./HardshipParts";
import { QueryErrorAlert } from "./QueryErrorAlert";

const STATUS_COLORS: Record<HardshipStatus, string> = {
  none: "default",
  applying: "orange",
  plan_active: "blue",
  deferred: "cyan",
  defaulted: "red",
};

/** the query key of an account's flag history (refreshed when the flags are saved) */
export const flagHistoryKey = (accountId: number) => [...hardshipKeys.account(accountId), "flags"] as const;

/**
 * 困难缓缴/分期 on the account page: the household's standing, its applications (a link to each for the
 * hardship desk), every plan with its instalments, and who changed the hardship category / special groups.
 */
export function AccountHardshipTab({ accountId }: { accountId: number }) {
  const { staff } = useAuth();
  const view = useAccountHardship(accountId);
  const history = useQuery({
    queryKey: flagHistoryKey(accountId),
    queryFn: ({ signal }) => hardshipFlagHistory(accountId, signal),
    staleTime: 0,
  });
  const mayOpen = hasAnyRole(staff?.roles, HARDSHIP_DESK_ROLES);
  // a community reviewer outside their community gets the same 404 as for a missing application
  const outOfScope = isApiError(view.error) && view.error.status === 404;

  const columns: TableColumnsType<HardshipApplicationView> = [
    {
      title: "申请编号",
      dataIndex: "applicationNo",
      width: 190,
      render: (no: string, a) => (mayOpen ? <Link to={`/hardship/applications/${a.id}`}>{no}</Link> : no),
    },
    { title: "状态", dataIndex: "status", width: 140, render: (s) => <HardshipStatusTag status={s} /> },
    { title: "类别", dataIndex: "category", width: 140, render: (c: string, a) => categoryText(c, a.categoryReason) },
    {
      title: "申请/批准方案",
      key: "terms",
      width: 200,
      render: (_: unknown, a) =>
        !a.grantedTerms
          ? termsText(a.requestedTerms)
          : termsText(a.grantedTerms) === termsText(a.requestedTerms)
            ? `${termsText(a.grantedTerms)}（按申请批准）`
            : `${termsText(a.requestedTerms)} → 批准${termsText(a.grantedTerms)}`,
    },
    { title: "涉及本金", dataIndex: "principalFen", width: 120, align: "right", render: (f: number) => formatYuan(f) },
    { title: "提交时间", dataIndex: "submittedAt", width: 170, render: formatDateTime },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} className="account-hardship">
      {outOfScope ? (
        <Alert type="info" showIcon title="该户不在您负责的社区，困难申请与计划不显示" />
      ) : (
        <>
          {view.isError && <QueryErrorAlert error={view.error} onRetry={() => void view.refetch()} />}
          {view.isPending && <Skeleton active paragraph={{ rows: 4 }} />}
          {view.data && (
            <>
              <Space size="middle" className="account-hardship-status">
                <Typography.Text>困难状态</Typography.Text>
                <Tag color={STATUS_COLORS[view.data.status]}>
                  {view.data.status === "none" ? "无申请或计划" : HARDSHIP_STATUS_LABELS[view.data.status]}
                </Tag>
              </Space>
              <Card size="small" title="困难缓缴/分期申请">
                <Table<HardshipApplicationView>
                  className="account-hardship-apps"
                  rowKey="id"
                  size="small"
                  pagination={false}
                  columns={columns}
                  dataSource={view.data.applications}
                  locale={{ emptyText: "暂无申请" }}
                />
              </Card>
              {view.data.plans.length === 0 ? (
                <Card size="small" title="分期/缓缴计划">
                  <Empty description="暂无计划" />
                </Card>
              ) : (
                view.data.plans.map((p) => <PlanCard key={p.id} plan={p} apps={view.data?.applications ?? []} />)
              )}
            </>
          )}
        </>
      )}
      <Card size="small" title="困难类别与特殊群体修改记录" className="hardship-flag-history">
        {history.isError && <QueryErrorAlert error={history.error} onRetry={() => void history.refetch()} />}
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          loading={history.isPending}
          dataSource={history.data ?? []}
          locale={{ emptyText: "暂无修改记录" }}
          columns={[
            { title: "时间", dataIndex: "at", width: 170, render: formatDateTime },
            { title: "操作人", dataIndex: "actorName", width: 160, render: (n: string | null) => n ?? "—" },
            {
              title: "修改内容",
              dataIndex: "changes",
              render: (cs: { field: string; before: string | null; after: string | null }[]) => (
                <Space orientation="vertical" size={0}>
                  {cs.map((c) => (
                    <span key={c.field}>
                      {c.field === "hardshipCategory" ? "困难类别" : "特殊群体"}：{c.before ?? "—"} → {c.after ?? "—"}
                    </span>
                  ))}
                </Space>
              ),
            },
            { title: "原因", dataIndex: "reason", width: 240, render: (r: string | null) => r ?? "—" },
          ]}
        />
      </Card>
    </Space>
  );
}

function PlanCard({ plan, apps }: { plan: PaymentPlanView; apps: HardshipApplicationView[] }) {
  const app = apps.find((a) => a.id === plan.applicationId);
  const title = `${HARDSHIP_PLAN_KIND_LABELS[plan.kind]}计划 #${plan.id}${
    plan.kind === "deferral" ? `（缓缴 ${plan.deferralMonths ?? "—"} 个月）` : `（分 ${plan.instalments.length} 期）`
  }`;
  return (
    <Card
      size="small"
      title={title}
      className="account-hardship-plan"
      data-plan-id={plan.id}
      extra={app ? <Typography.Text type="secondary">申请 {app.applicationNo}</Typography.Text> : null}
    >
      <HardshipPlan plan={plan} />
      {plan.reinstated && (
        <Typography.Text type="secondary" style={{ display: "block", marginTop: 8 }}>
          已恢复执行过一次（违约后不可再次恢复）
        </Typography.Text>
      )}
    </Card>
  );
}
