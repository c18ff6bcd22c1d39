import { Button, Text, View } from "@tarojs/components";
import { useLoad, useRouter, useUnload } from "@tarojs/taro";
import { formatYuan, type PaymentStatusView, surplusNotice } from "@warmline/shared";
import { useEffect, useRef, useState } from "react";
import { getPaymentStatus } from "../../services/billing";
import { formatDateTime } from "../../utils/format";
import { positiveId } from "../../utils/params";
import { waitForInvoice } from "./invoiceWait";
import { backToBills, openInvoice, openPayments } from "./navigation";
import { initialPollState, type Poller, type PollState, parseHint, startPolling } from "./poll";
import "./index.scss";

interface ResultView {
  icon: string;
  title: string;
  detail: string;
  tone: "paid" | "wait" | "bad" | "surplus";
}

/** the money arrived but paid no bill at all (the bills were already paid): not a 缴费成功 */
function surplusOnly(p: PaymentStatusView | null): boolean {
  return !!p?.surplus && p.surplus.amountFen >= p.amountFen;
}

function describe(state: PollState): ResultView {
  switch (state.phase) {
    case "paid":
      return surplusOnly(state.payment)
        ? { icon: "!", title: "款项已到账，未抵扣账单", detail: "", tone: "surplus" }
        : { icon: "✓", title: "缴费成功", detail: "", tone: "paid" };
    case "closed":
      return { icon: "!", title: "订单已关闭", detail: "该订单未完成支付，如需缴费请重新发起。", tone: "bad" };
    case "cancelled":
      return { icon: "×", title: "已取消支付", detail: "本次未完成支付，账单仍待缴纳。", tone: "bad" };
    case "failed":
      return { icon: "!", title: "支付未完成", detail: "支付没有完成，账单仍待缴纳，可返回重新缴费。", tone: "bad" };
    case "pending":
      return { icon: "…", title: "支付结果确认中，请稍后在缴费记录中查看", detail: "", tone: "wait" };
    case "error":
      return { icon: "!", title: "无法查询支付结果", detail: state.error, tone: "bad" };
    default:
      return {
        icon: "…",
        title: "正在确认支付结果",
        detail: state.error ? `${state.error}，正在重试…` : "请稍候，正在向供热公司确认到账情况",
        tone: "wait",
      };
  }
}

export default function PayResultPage() {
  const { params } = useRouter();
  const id = positiveId(params.id);
  const [state, setState] = useState<PollState>(() => initialPollState(parseHint(params.result), Date.now()));
  const poller = useRef<Poller | null>(null);

  useLoad(() => {
    if (id === null) {
      setState((s) => ({ ...s, phase: "error", error: "支付订单不存在" }));
      return;
    }
    poller.current = startPolling({
      id,
      hint: parseHint(params.result),
      fetchStatus: getPaymentStatus,
      onChange: setState,
    });
  });

  useUnload(() => {
    poller.current?.stop();
  });

  // 电子发票: requested by the server right after "paid"; ask a little longer until the payment has it —
  // unless none will come (the money paid no bill, or staff decide first)
  const paid = state.phase === "paid";
  const invoiceExpected = paid && (state.payment?.invoiceExpected ?? false);
  const surplus = paid ? (state.payment?.surplus ?? null) : null;
  const knownInvoiceId = state.payment?.invoiceId ?? null;
  const [invoiceId, setInvoiceId] = useState<number | null>(null);
  const [invoiceWait, setInvoiceWait] = useState<"waiting" | "gave-up">("waiting");
  useEffect(() => {
    if (!invoiceExpected || id === null) return;
    if (knownInvoiceId !== null) {
      setInvoiceId(knownInvoiceId);
      return;
    }
    const waiter = waitForInvoice({
      id,
      fetchStatus: getPaymentStatus,
      onInvoice: setInvoiceId,
      onGiveUp: () => setInvoiceWait("gave-up"),
    });
    return () => waiter.stop();
  }, [invoiceExpected, knownInvoiceId, id]);

  const accountId = state.payment?.accountId ?? positiveId(params.accountId);
  const view = describe(state);
  const canRefresh = id !== null && (state.phase === "pending" || state.phase === "error");

  return (
    <View className="page page-pay-result">
      <View className={`card result result-${view.tone}`} data-phase={state.phase}>
        <Text className="result-icon">{view.icon}</Text>
        <Text className="result-title">{view.title}</Text>
        {state.phase === "paid" && state.payment ? (
          <>
            <Text className="result-amount">{formatYuan(state.payment.amountFen)}</Text>
            <Text className="result-detail">支付时间 {formatDateTime(state.payment.paidAt)}</Text>
            <Text className="result-detail result-line">订单号 {state.payment.outTradeNo}</Text>
          </>
        ) : null}
        {view.detail ? <Text className="result-detail">{view.detail}</Text> : null}
        {surplus ? (
          <Text className="surplus-notice" data-surplus-state={surplus.state}>
            {surplusNotice(surplus)}
          </Text>
        ) : null}
        {invoiceExpected && invoiceId === null ? (
          <Text className="result-detail invoice-wait">
            {invoiceWait === "waiting" ? "电子发票申请中…" : "电子发票开具后，可在户号的“电子发票”中查看"}
          </Text>
        ) : null}
        {paid && !invoiceExpected && surplus && !surplusOnly(state.payment) ? (
          <Text className="result-detail invoice-final">已抵扣部分的电子发票将在工作人员核实后开具</Text>
        ) : null}
        {paid && state.payment?.invoiceStatus === "failed" ? (
          <Text className="result-detail invoice-final">电子发票开具失败，工作人员处理后将重新开具</Text>
        ) : null}
      </View>

      {canRefresh ? (
        <Button className="btn btn-primary" onClick={() => poller.current?.refresh()}>
          刷新
        </Button>
      ) : null}
      {accountId !== null && (state.phase === "paid" || state.phase === "pending") ? (
        <Button
          className={`btn ${state.phase === "paid" ? "btn-primary" : "btn-plain"}`}
          onClick={() => void openPayments(accountId)}
        >
          缴费记录
        </Button>
      ) : null}
      {invoiceExpected && invoiceId !== null ? (
        <Button className="btn btn-plain view-invoice" onClick={() => void openInvoice(invoiceId)}>
          查看电子发票
        </Button>
      ) : null}
      {state.phase !== "checking" ? (
        <Button className="btn btn-plain" onClick={() => void backToBills(accountId)}>
          {accountId === null ? "返回首页" : "返回账单"}
        </Button>
      ) : null}
    </View>
  );
}
