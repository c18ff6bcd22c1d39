import { Alert } from "antd";
import { Link } from "react-router";
import type { CallView } from "../../api/tickets";

/** What just happened, shown above the form until the next call. */
export type Outcome =
  | { kind: "call"; call: CallView; ticketNo?: string }
  | { kind: "ticket"; id: number; ticketNo: string };

export function OutcomeAlert({ outcome, onClose }: { outcome: Outcome; onClose(): void }) {
  if (outcome.kind === "ticket") {
    return (
      <Alert
        className="hotline-outcome"
        type="success"
        showIcon
        closable={{ onClose }}
        title={
          <span>
            已新建工单 <Link to={`/tickets/${outcome.id}`}>{outcome.ticketNo}</Link>
          </span>
        }
      />
    );
  }
  const { call, ticketNo } = outcome;
  return (
    <Alert
      className="hotline-outcome"
      type="success"
      showIcon
      closable={{ onClose }}
      title={
        ticketNo
          ? `来电已登记并关联到工单 ${ticketNo}`
          : `来电已登记（${call.callerPhone}${call.accountNo ? ` · 户号 ${call.accountNo}` : " · 未关联户号"}）`
      }
    />
  );
}
