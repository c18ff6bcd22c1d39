import type { PaymentStatusView } from "@warmline/shared";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../services/errors";
import { INVOICE_WAIT_INTERVAL_MS, INVOICE_WAIT_TIMEOUT_MS, waitForInvoice } from "./invoiceWait";

const paid = (invoiceId: number | null): PaymentStatusView => ({
  id: 7,
  outTradeNo: "WL7",
  accountId: 3,
  amountFen: 186_840,
  status: "paid",
  paidAt: "2026-11-20T02:00:00.000Z",
  invoiceId,
  invoiceStatus: invoiceId === null ? null : "issued",
  invoiceExpected: true,
  surplus: null,
});

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function run(answers: (() => Promise<PaymentStatusView>)[]) {
  let call = 0;
  const fetchStatus = vi.fn((_id: number) => (answers[Math.min(call++, answers.length - 1)] ?? answers[0])());
  const onInvoice = vi.fn();
  const onGiveUp = vi.fn();
  const waiter = waitForInvoice({ id: 7, fetchStatus, onInvoice, onGiveUp, now: Date.now });
  return { fetchStatus, onInvoice, onGiveUp, waiter };
}

describe("waitForInvoice", () => {
  it("asks again every 1.5 s until the payment has its invoice, then stops", async () => {
    const { fetchStatus, onInvoice, onGiveUp } = run([
      () => Promise.resolve(paid(null)),
      () => Promise.resolve(paid(31)),
    ]);
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchStatus).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(INVOICE_WAIT_INTERVAL_MS);
    expect(fetchStatus).toHaveBeenCalledWith(7);
    expect(onInvoice).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(INVOICE_WAIT_INTERVAL_MS);
    expect(onInvoice).toHaveBeenCalledWith(31);
    await vi.advanceTimersByTimeAsync(INVOICE_WAIT_INTERVAL_MS * 10);
    expect(fetchStatus).toHaveBeenCalledTimes(2);
    expect(onGiveUp).not.toHaveBeenCalled();
  });

  it("rides out passing failures and gives up after the time limit", async () => {
    const { fetchStatus, onInvoice, onGiveUp } = run([
      () => Promise.reject(new ApiError({ code: "NETWORK_ERROR", status: 0, message: "网络连接失败" })),
      () => Promise.resolve(paid(null)),
    ]);
    await vi.advanceTimersByTimeAsync(INVOICE_WAIT_TIMEOUT_MS + INVOICE_WAIT_INTERVAL_MS);
    expect(onGiveUp).toHaveBeenCalledTimes(1);
    expect(onInvoice).not.toHaveBeenCalled();
    const asked = fetchStatus.mock.calls.length;
    expect(asked).toBeGreaterThanOrEqual(12);
    await vi.advanceTimersByTimeAsync(INVOICE_WAIT_INTERVAL_MS * 5);
    expect(fetchStatus).toHaveBeenCalledTimes(asked);
  });

  it("stop() ends the questions and drops a late answer", async () => {
    let answer: (p: PaymentStatusView) => void = () => undefined;
    const { fetchStatus, onInvoice, waiter } = run([() => new Promise((resolve) => (answer = resolve))]);
    await vi.advanceTimersByTimeAsync(INVOICE_WAIT_INTERVAL_MS);
    waiter.stop();
    answer(paid(31));
    await vi.advanceTimersByTimeAsync(INVOICE_WAIT_INTERVAL_MS * 3);
    expect(fetchStatus).toHaveBeenCalledTimes(1);
    expect(onInvoice).not.toHaveBeenCalled();
  });
});
