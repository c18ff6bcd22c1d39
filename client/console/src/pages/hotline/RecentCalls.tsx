import { TICKET_CATEGORY_LABELS, type TicketCategory } from "@warmline/shared";
import { Card, Table, type TableColumnsType } from "antd";
import { Link } from "react-router";
import type { CallView } from "../../api/tickets";
import { QueryErrorAlert } from "../../components/QueryErrorAlert";
import { EMPTY, formatDateTime, orEmpty } from "../../format";
import { useCalls } from "../../queries/tickets";

const columns: TableColumnsType<CallView> = [
  { title: "来电时间", dataIndex: "calledAt", width: 160, render: formatDateTime },
  { title: "来电号码", dataIndex: "callerPhone", width: 130 },
  { title: "户号", dataIndex: "accountNo", width: 120, render: orEmpty },
  { title: "事由", dataIndex: "reason", width: 100, render: (r: TicketCategory) => TICKET_CATEGORY_LABELS[r] ?? r },
  { title: "备注", dataIndex: "notes", ellipsis: { showTitle: true }, render: orEmpty },
  {
    title: "工单",
    dataIndex: "ticketId",
    width: 90,
    render: (id: number | null) => (id ? <Link to={`/tickets/${id}`}>查看工单</Link> : EMPTY),
  },
  { title: "坐席", dataIndex: "agentName", width: 90 },
];

/** 最近来电: the last ten calls of the desk. */
export function RecentCalls() {
  const calls = useCalls({ page: 1, pageSize: 10 });
  return (
    <Card size="small" title="最近来电" className="hotline-calls">
      {calls.isError && <QueryErrorAlert error={calls.error} onRetry={() => void calls.refetch()} />}
      <Table<CallView>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={calls.data?.items ?? []}
        loading={calls.isFetching}
        pagination={false}
        locale={{ emptyText: "暂无来电记录" }}
      />
    </Card>
  );
}
