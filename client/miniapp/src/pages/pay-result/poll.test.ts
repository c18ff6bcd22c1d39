import type { PaymentStatusView } from "@warmline/shared";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../services/errors";
import {
  initialPollState,
  nextPollState,
  type PollState,
  parseHint,
  POLL_INTERVAL_MS,
  POLL_TIMEOUT_MS,
  startPolling,
} from "./poll";

const payment = (status: PaymentStatusView["status"]): PaymentStatusView => ({
  id: 7,
  outTradeNo: "WL7",
  accountId: 3,
  amountFen: 186_840,
  status,
  paidAt: status === "paid" ? "2026-11-20T02:00:00.000Z" : null,
  invoiceId: null,
  invoiceStatus: null,
  invoiceExpected: status === "paid",
  surplus: null,
});

describe("nextPollState", () => {
  const start = initialPollState(null, 0);

  it("is success only when the server says paid", () => {
    expect(nextPollState(start, { type: "status", payment: payment("created"), at: 10 }).phase).toBe("checking");
    expect(nextPollState(start, { type: "status", payment: payment("paid"), at: 10 })).toMatchObject({
      phase: "paid",
      payment: { amountFen: 186_840 },
    });
  });

  it("does not believe the cashier's result=paid", () => {
    const hinted = initialPollState("paid", 0);
    expect(nextPollState(hinted, { type: "status", payment: payment("created"), at: 10 }).phase).toBe("checking");
  });

  it("closed and expired orders are 订单已关闭", () => {
    expect(nextPollState(start, { type: "status", payment: payment("closed"), at: 1 }).phase).toBe("closed");
    expect(nextPollState(start, { type: "status", payment: payment("expired"), at: 1 }).phase).toBe("closed");
  });

  it("a cancelled sheet ends the wait once the server has no money, but the server's paid still wins", () => {
    const cancelled = initialPollState("cancelled", 0);
    expect(nextPollState(cancelled, { type: "status", payment: payment("created"), at: 1 }).phase).toBe("cancelled");
    expect(nextPollState(cancelled, { type: "status", payment: payment("paid"), at: 1 }).phase).toBe("paid");
    const failed = initialPollState("failed", 0);
    expect(nextPollState(failed, { type: "status", payment: payment("created"), at: 1 }).phase).toBe("failed");
  });

  it("gives up waiting after the time limit", () => {
    const at = POLL_TIMEOUT_MS;
    expect(nextPollState(start, { type: "status", payment: payment("created"), at: at - 1 }).phase).toBe("checking");
    expect(nextPollState(start, { type: "status", payment: payment("created"), at }).phase).toBe("pending");
    expect(nextPollState(start, { type: "failure", message: "网络", retryable: true, at }).phase).toBe("pending");
  });

  it("keeps checking through passing failures and stops on lasting ones", () => {
    expect(nextPollState(start, { type: "failure", message: "网络连接失败", retryable: true, at: 1 })).toMatchObject({
      phase: "checking",
      error: "网络连接失败",
    });
    expect(nextPollState(start, { type: "failure", message: "支付订单不存在", retryable: false, at: 1 })).toMatchObject(
      {
        phase: "error",
        error: "支付订单不存在",
      },
    );
  });

  it("刷新 starts a new round; late answers after the page stopped waiting change nothing", () => {
    const pending: PollState = { ...start, phase: "pending", attempts: 40 };
    expect(nextPollState(pending, { type: "status", payment: payment("paid"), at: 1 })).toBe(pending);
    expect(nextPollState(pending, { type: "refresh", at: 90_000 })).toMatchObject({
      phase: "checking",
      since: 90_000,
      attempts: 0,
    });
  });

  it("reads only known hints", () => {
    expect(parseHint("cancelled")).toBe("cancelled");
    expect(parseHint("paid")).toBe("paid");
    expect(parseHint("success")).toBeNull();
    expect(parseHint(undefined)).toBeNull();
  });
});

describe("startPolling", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function run(answers: (() => Promise<PaymentStatusView>)[], hint: Parameters<typeof initialPollState>[0] = null) {
    let call = 0;
    const fetchStatus = vi.fn((_id: number) => (answers[Math.min(call++, answers.length - 1)] ?? answers[0])());
    const states: PollState[] = [];
    const poller = startPolling({ id: 7, hint, fetchStatus, onChange: (s) => states.push(s), now: Date.now });
    return { fetchStatus, states, poller, last: () => states[states.length - 1] };
  }

  it("asks at once and every 1.5 s until the server says paid, then stops", async () => {
    const created = () => Promise.resolve(payment("created"));
    const paid = () => Promise.resolve(payment("paid"));
    const { fetchStatus, last } = run([created, created, paid]);
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchStatus).toHaveBeenCalledTimes(1);
    expect(fetchStatus).toHaveBeenCalledWith(7);
    expect(last().phase).toBe("checking");
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS - 1);
    expect(fetchStatus).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchStatus).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS);
    expect(fetchStatus).toHaveBeenCalledTimes(3);
    expect(last().phase).toBe("paid");
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 10);
    expect(fetchStatus).toHaveBeenCalledTimes(3);
  });

  it("waits about 60 s, then shows 确认中; 刷新 asks again", async () => {
    const created = () => Promise.resolve(payment("created"));
    const { fetchStatus, last, poller } = run([created]);
    await vi.advanceTimersByTimeAsync(POLL_TIMEOUT_MS + POLL_INTERVAL_MS);
    expect(last().phase).toBe("pending");
    const asked = fetchStatus.mock.calls.length;
    expect(asked).toBeGreaterThanOrEqual(40);
    expect(asked).toBeLessThanOrEqual(42);
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 5);
    expect(fetchStatus).toHaveBeenCalledTimes(asked);
    poller.refresh();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchStatus).toHaveBeenCalledTimes(asked + 1);
    expect(last().phase).toBe("checking");
  });

  it("never has two requests in flight: a slow answer delays the next question", async () => {
    const slow = () => new Promise<PaymentStatusView>((resolve) => setTimeout(() => resolve(payment("created")), 5000));
    const { fetchStatus } = run([slow]);
    await vi.advanceTimersByTimeAsync(4999);
    expect(fetchStatus).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1 + POLL_INTERVAL_MS);
    expect(fetchStatus).toHaveBeenCalledTimes(2);
  });

  it("刷新 while a question is on its way does not send a second one", async () => {
    const answers: ((p: PaymentStatusView) => void)[] = [];
    const held = () => new Promise<PaymentStatusView>((resolve) => answers.push(resolve));
    const { fetchStatus, poller, last } = run([held]);
    await vi.advanceTimersByTimeAsync(0);
    poller.refresh();
    poller.refresh();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchStatus).toHaveBeenCalledTimes(1);
    answers[0](payment("paid"));
    await vi.advanceTimersByTimeAsync(0);
    expect(last().phase).toBe("paid");
  });

  it("retries network failures and stops on a missing order", async () => {
    const offline = () => Promise.reject(new ApiError({ code: "NETWORK_ERROR", status: 0, message: "网络连接失败" }));
    const missing = () =>
      Promise.reject(new ApiError({ code: "PAYMENT_NOT_FOUND", status: 404, message: "支付订单不存在" }));
    const { fetchStatus, last } = run([offline, missing]);
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toMatchObject({ phase: "checking", error: "网络连接失败" });
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS);
    expect(last()).toMatchObject({ phase: "error", error: "支付订单不存在" });
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 5);
    expect(fetchStatus).toHaveBeenCalledTimes(2);
  });

  it("with a cancelled sheet asks once and shows 已取消支付", async () => {
    const { fetchStatus, last } = run([() => Promise.resolve(payment("created"))], "cancelled");
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 3);
    expect(fetchStatus).toHaveBeenCalledTimes(1);
    expect(last().phase).toBe("cancelled");
  });

  it("stop() ends the questions and drops a late answer", async () => {
    let answer: (p: PaymentStatusView) => void = () => undefined;
    const pendingAnswer = () => new Promise<PaymentStatusView>((resolve) => (answer = resolve));
    const { fetchStatus, states, poller } = run([pendingAnswer]);
    await vi.advanceTimersByTimeAsync(0);
    poller.stop();
    answer(payment("paid"));
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 3);
    expect(fetchStatus).toHaveBeenCalledTimes(1);
    expect(states).toEqual([]);
  });
});
