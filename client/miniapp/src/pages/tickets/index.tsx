import { Button, Text, View } from "@tarojs/components";
import Taro from "@tarojs/taro";
import type { TicketSummaryView } from "@warmline/shared";
import { useState } from "react";
import { Kv } from "../../components/Kv";
import { TicketStatusTag } from "../../components/TicketStatusTag";
import { PAGES } from "../../constants";
import { describeError } from "../../services/errors";
import { listTickets } from "../../services/tickets";
import { formatDateTime } from "../../utils/format";
import { useNow } from "../../utils/useNow";
import { usePolling } from "../../utils/usePolling";
import { categoryLabel, isOpen, REFRESH_MS, slaCountdown, TICK_MS } from "../ticket/present";
import "./index.scss";

function TicketCard({ ticket, now, onOpen }: { ticket: TicketSummaryView; now: number; onOpen: () => void }) {
  const countdown = isOpen(ticket.status) ? slaCountdown(ticket.sla, now) : null;
  return (
    <View className="card ticket-card" data-ticket-id={ticket.id} data-status={ticket.status} onClick={onOpen}>
      <View className="card-title">
        <Text className="ticket-category">{categoryLabel(ticket.category)}</Text>
        <TicketStatusTag status={ticket.status} />
      </View>
      <Kv label="工单号" valueClass="ticket-no">
        {ticket.ticketNo}
      </Kv>
      <Kv label="提交时间">{formatDateTime(ticket.createdAt)}</Kv>
      <Kv label="地址">{ticket.address}</Kv>
      {countdown && countdown.state !== "none" ? (
        <View className="ticket-countdown-row">
          <Text
            className={`sla-countdown sla-${countdown.state}`}
            data-state={countdown.state}
            data-clock={countdown.clock ?? ""}
          >
            {countdown.text}
          </Text>
        </View>
      ) : null}
      <Text className="link ticket-more">查看进度 ›</Text>
    </View>
  );
}

export default function TicketsPage() {
  const [tickets, setTickets] = useState<TicketSummaryView[] | null>(null);
  const [error, setError] = useState("");

  // while some ticket is open: countdowns tick, and the list is asked again every 15 s
  usePolling(async () => {
    try {
      const items = await listTickets();
      setTickets(items);
      setError("");
      return items.some((t) => isOpen(t.status));
    } catch (err) {
      setError(describeError(err));
      return true;
    }
  }, REFRESH_MS);
  const now = useNow(tickets?.some((t) => isOpen(t.status)) ?? false, TICK_MS);

  const report = () => Taro.navigateTo({ url: PAGES.report });

  return (
    <View className="page page-tickets">
      {error ? <Text className="error-text">{error}</Text> : null}
      {tickets && tickets.length === 0 ? <View className="card empty">您还没有提交过报修或诉求</View> : null}
      {tickets?.map((ticket) => (
        <TicketCard
          key={ticket.id}
          ticket={ticket}
          now={now}
          onOpen={() => Taro.navigateTo({ url: `${PAGES.ticket}?id=${ticket.id}` })}
        />
      ))}
      {tickets ? (
        <Button className="btn btn-primary" onClick={() => void report()}>
          我要报修
        </Button>
      ) : null}
    </View>
  );
}
