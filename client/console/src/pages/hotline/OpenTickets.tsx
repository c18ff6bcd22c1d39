import { TICKET_CATEGORY_LABELS, type TicketCategory } from "@warmline/shared";
import { Button, Card, Popover, Space, Table, type TableColumnsType } from "antd";
import { Link } from "react-router";
import type { TicketSummaryView } from "../../api/tickets";
import { QueryErrorAlert } from "../../components/QueryErrorAlert";
import { ReplyTemplate } from "../../components/ReplyTemplate";
import { LiveSlaCountdown } from "../../components/SlaCountdown";
import { TicketStatusTag } from "../../components/TicketTags";
import { formatDateTime } from "../../format";
import { useTicketSearch } from "../../queries/tickets";
import { templateKeyFor } from "../../tickets";

interface Props {
  accountNo: string;
  /** a call is being logged */
  attaching: boolean;
  onAttach(t: TicketSummaryView): void;
}

/** 该户未办结工单: the household's open tickets, each with the reply to read and a way to attach the call. */
export function OpenTickets({ accountNo, attaching, onAttach }: Props) {
  const openTickets = useTicketSearch({ open: true, q: accountNo, page: 1, pageSize: 20 }, { enabled: true });
  const columns: TableColumnsType<TicketSummaryView> = [
    {
      title: "工单号",
      dataIndex: "ticketNo",
      width: 170,
      render: (no: string, t) => <Link to={`/tickets/${t.id}`}>{no}</Link>,
    },
    { title: "类别", dataIndex: "category", width: 100, render: (c: TicketCategory) => TICKET_CATEGORY_LABELS[c] },
    {
      title: "状态",
      dataIndex: "status",
      width: 130,
      render: (s: TicketSummaryView["status"]) => <TicketStatusTag status={s} />,
    },
    { title: "提交时间", dataIndex: "createdAt", width: 160, render: formatDateTime },
    { title: "剩余时间", key: "left", width: 180, render: (_, t) => <LiveSlaCountdown sla={t.sla} /> },
    {
      title: "",
      key: "actions",
      width: 190,
      render: (_, t) => {
        const template = templateKeyFor(t.status);
        return (
          <Space size={4}>
            {template && (
              <Popover
                trigger="click"
                title="回复话术"
                content={
                  <div style={{ maxWidth: 360 }}>
                    <ReplyTemplate template={template} ticket={t} />
                  </div>
                }
              >
                <Button size="small">话术</Button>
              </Popover>
            )}
            <Button size="small" type="primary" ghost loading={attaching} onClick={() => onAttach(t)}>
              关联到此工单
            </Button>
          </Space>
        );
      },
    },
  ];
  return (
    <Card size="small" title="该户未办结工单" className="hotline-open-tickets">
      {openTickets.isError && <QueryErrorAlert error={openTickets.error} onRetry={() => void openTickets.refetch()} />}
      <Table<TicketSummaryView>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={openTickets.data?.items ?? []}
        loading={openTickets.isFetching}
        pagination={false}
        locale={{ emptyText: "该户没有未办结的工单" }}
      />
    </Card>
  );
}
