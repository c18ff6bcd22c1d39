import { EnvironmentOutlined, ReloadOutlined } from "@ant-design/icons";
import { type MyTicketTab, TICKET_CATEGORY_LABELS } from "@warmline/shared";
import { Button, Card, Empty, Skeleton, Space, Tabs, Typography } from "antd";
import { Link, useSearchParams } from "react-router";
import type { TicketSummaryView } from "../api/tickets";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { SlaCountdown } from "../components/SlaCountdown";
import { PriorityTag, TicketStatusTag } from "../components/TicketTags";
import { useNow } from "../components/useNow";
import { formatDateTime } from "../format";
import { useMyTickets } from "../queries/tickets";
import { type SlaLevel, slaLevel } from "../tickets";
import "./myTickets.css";

const TABS: { key: MyTicketTab; label: string; empty: string }[] = [
  { key: "open", label: "待处理", empty: "暂无派给您的待处理工单" },
  { key: "done", label: "近期已完成", empty: "近30天没有已完成的工单" },
];

const CARD_CLASS: Record<SlaLevel, string> = {
  breached: "my-ticket-breached",
  warned: "my-ticket-warned",
  paused: "my-ticket-paused",
  ok: "",
};

/** One ticket as a tappable card: what, where, how urgent, and how long until its next deadline. */
function TicketCard({ t, now, open }: { t: TicketSummaryView; now: number; open: boolean }) {
  const level = open ? slaLevel(t.sla, now) : "ok";
  return (
    <Link to={`/tickets/${t.id}`} className="my-ticket-link" data-ticket-no={t.ticketNo} data-due={t.sla.next?.dueAt}>
      <Card size="small" hoverable className={`my-ticket ${CARD_CLASS[level]}`.trim()}>
        <div className="my-ticket-head">
          <Typography.Text strong className="my-ticket-no">
            {t.ticketNo}
          </Typography.Text>
          <TicketStatusTag status={t.status} />
        </div>
        <div className="my-ticket-what">
          <span className="my-ticket-category">{TICKET_CATEGORY_LABELS[t.category] ?? t.category}</span>
          <PriorityTag priority={t.priority} reasons={t.priorityReasons} />
        </div>
        <div className="my-ticket-address">
          <EnvironmentOutlined /> {t.address}
        </div>
        <div className="my-ticket-due">
          {open ? (
            <>
              <Typography.Text type="secondary">剩余时间</Typography.Text>
              <SlaCountdown sla={t.sla} now={now} />
            </>
          ) : (
            <Typography.Text type="secondary">提交于 {formatDateTime(t.createdAt)}</Typography.Text>
          )}
        </div>
      </Card>
    </Link>
  );
}

function TicketCards({ tab }: { tab: MyTicketTab }) {
  const now = useNow();
  const list = useMyTickets(tab);
  const empty = TABS.find((x) => x.key === tab)?.empty;
  return (
    <div className="my-ticket-list" data-tab={tab}>
      {list.isError && <QueryErrorAlert error={list.error} onRetry={() => void list.refetch()} />}
      {list.isPending && <Skeleton active paragraph={{ rows: 4 }} />}
      {list.data && list.data.items.length === 0 && <Empty description={empty} />}
      {list.data?.items.map((t) => (
        <TicketCard key={t.id} t={t} now={now} open={tab === "open"} />
      ))}
      {list.data && list.data.total > list.data.items.length && (
        <Typography.Text type="secondary">
          仅显示前 {list.data.items.length} 条（共 {list.data.total} 条）
        </Typography.Text>
      )}
    </div>
  );
}

/**
 * 我的工单: the tickets dispatched to me, the one due first on top (overdue ones before all), each a card to tap
 * for the detail and its steps; the recently finished ones on a second tab. Asked for again every 15 s.
 */
export function MyTicketsPage() {
  const [params, setParams] = useSearchParams();
  const tab: MyTicketTab = params.get("tab") === "done" ? "done" : "open";
  const open = useMyTickets("open");
  return (
    <Card
      className="my-tickets"
      title="我的工单"
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} loading={open.isFetching} onClick={() => void open.refetch()}>
            刷新
          </Button>
        </Space>
      }
    >
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === "done" ? { tab: "done" } : {}, { replace: true })}
        items={TABS.map((x) => ({
          key: x.key,
          label: x.key === "open" && open.data ? `${x.label}（${open.data.total}）` : x.label,
          children: <TicketCards tab={x.key} />,
        }))}
      />
    </Card>
  );
}
