import { LEGAL_DEADLINE_LABELS, type LegalCaseView, formatYuan } from "@warmline/shared";
import { Card, Segmented, Space, Table, type TableColumnsType, Tag } from "antd";
import { useState } from "react";
import { Link } from "react-router";
import type { LegalCasePage, LegalDeadlineList } from "../api/legal";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { minTableWidth } from "../components/tableWidth";
import { useLegalCases, useLegalDeadlines } from "../queries/legal";
import { DeadlineTag } from "./LegalCasePage";

const PAGE_SIZE = 20;
type Row = LegalCasePage["items"][number];

/** 法务案件: open or closed cases with their state and deadlines. */
export function LegalCasesPage() {
  const [open, setOpen] = useState<"true" | "false">("true");
  const [page, setPage] = useState(1);
  const list = useLegalCases({ page, pageSize: PAGE_SIZE, open });
  const columns: TableColumnsType<Row> = [
    {
      title: "案件编号",
      dataIndex: "caseNo",
      width: 150,
      render: (v: string, c) => <Link to={`/legal/cases/${c.id}`}>{v}</Link>,
    },
    { title: "户号", dataIndex: "accountNo", width: 110 },
    { title: "户主", dataIndex: "ownerName", width: 90 },
    { title: "小区", dataIndex: "communityName", width: 140 },
    { title: "欠费", dataIndex: "owedFen", width: 110, align: "right", render: (v: number) => formatYuan(v) },
    { title: "状态", dataIndex: "stateLabel", width: 120, render: (v: string) => <Tag>{v}</Tag> },
    {
      title: "期限",
      key: "deadlines",
      render: (_: unknown, c) => (
        <Space orientation="vertical" size={2}>
          {(c.deadlines as LegalCaseView["deadlines"]).map((d) => (
            <span key={d.kind}>
              {LEGAL_DEADLINE_LABELS[d.kind]} <DeadlineTag d={d} />
            </span>
          ))}
        </Space>
      ),
    },
  ];
  return (
    <Card
      title="法务案件"
      extra={
        <Segmented
          value={open}
          onChange={(v) => {
            setOpen(v as "true" | "false");
            setPage(1);
          }}
          options={[
            { value: "true", label: "进行中" },
            { value: "false", label: "已结案" },
          ]}
        />
      }
    >
      {list.error ? <QueryErrorAlert error={list.error} onRetry={() => list.refetch()} /> : null}
      <Table<Row>
        rowKey="id"
        size="middle"
        loading={list.isLoading}
        columns={columns}
        dataSource={list.data?.items ?? []}
        scroll={{ x: minTableWidth(columns) }}
        locale={{ emptyText: "暂无案件" }}
        pagination={{ current: page, pageSize: PAGE_SIZE, total: list.data?.total ?? 0, onChange: setPage }}
      />
    </Card>
  );
}

type DeadlineRow = LegalDeadlineList["items"][number];

/** 法务期限: every deadline of the approved open cases, the nearest first. */
export function LegalDeadlinesPage() {
  const q = useLegalDeadlines();
  const columns: TableColumnsType<DeadlineRow> = [
    {
      title: "案件编号",
      dataIndex: "caseNo",
      width: 150,
      render: (v: string, d) => <Link to={`/legal/cases/${d.caseId}`}>{v}</Link>,
    },
    { title: "户号", dataIndex: "accountNo", width: 110 },
    { title: "期限", dataIndex: "kind", width: 100, render: (k: DeadlineRow["kind"]) => LEGAL_DEADLINE_LABELS[k] },
    { title: "到期与状态", key: "state", render: (_: unknown, d) => <DeadlineTag d={d} /> },
  ];
  return (
    <Card title="法务期限">
      {q.error ? <QueryErrorAlert error={q.error} onRetry={() => q.refetch()} /> : null}
      <Table<DeadlineRow>
        rowKey={(d) => `${d.caseId}:${d.kind}`}
        size="middle"
        loading={q.isLoading}
        columns={columns}
        dataSource={q.data?.items ?? []}
        scroll={{ x: minTableWidth(columns) }}
        locale={{ emptyText: "暂无进行中的期限" }}
        pagination={false}
      />
    </Card>
  );
}
