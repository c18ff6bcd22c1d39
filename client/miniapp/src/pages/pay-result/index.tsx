import { Button, Text, View } from "@tarojs/components";
import { useLoad, useRouter, useUnload } from "@tarojs/taro";
import { formatYuan } from "@warmline/shared";
import { useRef, useState } from "react";
import { getPaymentStatus } from "../../services/billing";
import { formatDateTime } from "../../utils/format";
import { positiveId } from "../../utils/params";
import { backToBills, openPayments } from "./navigation";
import { initialPollState, type Poller, type PollState, parseHint, startPolling } from "./poll";
import "./index.scss";

interface ResultView {
  icon: string;
  title: string;
  detail: string;
  tone: "paid" | "wait" | "bad";
}

function describe(state: PollState): ResultView {
  switch (state.phase) {
    case "paid":
      return { icon: "✓", title: "缴费成功", detail: "", tone: "paid" };
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
      {state.phase !== "checking" ? (
        <Button className="btn btn-plain" onClick={() => void backToBills(accountId)}>
          {accountId === null ? "返回首页" : "返回账单"}
        </Button>
      ) : null}
    </View>
  );
}
