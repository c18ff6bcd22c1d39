import { useQuery, useQueryClient } from "@tanstack/react-query";
import {
  TYPICAL_CASE_REVIEWER_ROLES,
  TYPICAL_CASE_STATE_LABELS,
  TYPICAL_CASE_STATES,
  TypicalCasePageSchema,
  type TypicalCaseState,
  type TypicalCaseView,
} from "@warmline/shared";
import { Card, Segmented, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import { useState } from "react";
import { Link } from "react-router";
import { api } from "../api/api";
import { parseWith } from "../api/parse";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole } from "../auth/roles";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { minTableWidth } from "../components/tableWidth";
import { formatDateTime } from "../format";
import { TYPICAL_STATE_COLORS, TypicalReviewButtons } from "./legal/TypicalCasePanel";

const PAGE_SIZE = 20;

/**
 * 典型案例审核: the typical cases of the legal desk by state; a supervisor reads each draft in full and
 * approves it (published to the community's notice board) or sends it back with a reason.
 */
export function LegalTypicalCasesPage() {
  const { staff } = useAuth();
  const reviewer = hasAnyRole(staff?.roles, TYPICAL_CASE_REVIEWER_ROLES);
  const qc = useQueryClient();
  const [state, setState] = useState<TypicalCaseState>("draft");
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ["legal", "typical-cases", state, page],
    queryFn: async ({ signal }) =>
      parseWith(
        TypicalCasePageSchema,
        await api.get("/api/v1/staff/legal/typical-cases", { state, page, pageSize: PAGE_SIZE }, signal),
      ),
  });
  const refresh = () => void qc.invalidateQueries({ queryKey: ["legal", "typical-cases"] });
  const columns: TableColumnsType<TypicalCaseView> = [
    {
      title: "案件",
      dataIndex: "caseNo",
      width: 150,
      render: (v: string, t) => <Link to={`/legal/cases/${t.caseId}`}>{v}</Link>,
    },
    { title: "小区", dataIndex: "communityName", width: 120 },
    {
      title: "内容",
      key: "text",
      render: (_: unknown, t) => (
        <Space orientation="vertical" size={2}>
          <Typography.Text strong>{t.title}</Typography.Text>
          <Typography.Paragraph style={{ whiteSpace: "pre-wrap", marginBottom: 0 }}>{t.body}</Typography.Paragraph>
          {t.rejectReason && t.state === "rejected" ? (
            <Typography.Text type="danger">不通过原因：{t.rejectReason}</Typography.Text>
          ) : null}
        </Space>
      ),
    },
    {
      title: "状态",
      dataIndex: "state",
      width: 110,
      render: (_: unknown, t) => <Tag color={TYPICAL_STATE_COLORS[t.state]}>{t.stateLabel}</Tag>,
    },
    {
      title: "撰写 / 审核",
      key: "who",
      width: 170,
      render: (_: unknown, t) => (
        <Space orientation="vertical" size={0}>
          <span>撰写：{t.authorName}</span>
          {t.reviewerName ? (
            <span>
              审核：{t.reviewerName}
              {t.reviewedAt ? `（${formatDateTime(t.reviewedAt)}）` : ""}
            </span>
          ) : null}
        </Space>
      ),
    },
    ...(reviewer
      ? [
          {
            title: "审核",
            key: "review",
            width: 200,
            render: (_: unknown, t: TypicalCaseView) => <TypicalReviewButtons item={t} onDone={refresh} />,
          },
        ]
      : []),
  ];
  return (
    <Card
      title="典型案例审核"
      extra={
        <Segmented
          value={state}
          onChange={(v) => {
            setState(v as TypicalCaseState);
            setPage(1);
          }}
          options={TYPICAL_CASE_STATES.map((s) => ({ value: s, label: TYPICAL_CASE_STATE_LABELS[s] }))}
        />
      }
    >
      {list.error ? <QueryErrorAlert error={list.error} onRetry={() => list.refetch()} /> : null}
      <Table<TypicalCaseView>
        rowKey="id"
        size="middle"
        loading={list.isLoading}
        columns={columns}
        dataSource={list.data?.items ?? []}
        scroll={{ x: minTableWidth(columns) }}
        locale={{ emptyText: "暂无典型案例" }}
        pagination={{ current: page, pageSize: PAGE_SIZE, total: list.data?.total ?? 0, onChange: setPage }}
      />
    </Card>
  );
}
