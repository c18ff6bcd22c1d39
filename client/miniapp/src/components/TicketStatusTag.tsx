import { Text } from "@tarojs/components";
import type { TicketStatus } from "@warmline/shared";
import { ticketStatusClass, ticketStatusLabel } from "../pages/ticket/present";

/** 工单状态: 待响应, 已响应, 已派单, 处理中（已到场）, 已处理待回访, 已办结 */
export function TicketStatusTag({ status }: { status: TicketStatus }) {
  return (
    <Text className={`status ticket-status ${ticketStatusClass(status)}`} data-status={status}>
      {ticketStatusLabel(status)}
    </Text>
  );
}
