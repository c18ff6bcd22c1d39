import type { PaymentStatusView } from "@warmline/shared";
import { ApiError, describeError } from "../../services/errors";

/**
 * The result page's state machine. Success is shown only when the server says "paid"; what the payment
 * sheet or the cashier page reported (the hint) can only make the page stop waiting sooner.
 */

/** What the client saw: the cashier's result=paid|cancelled, or the mini-program sheet's outcome. */
export type ResultHint = "paid" | "cancelled" | "failed" | null;

export type PollPhase =
  /** asking the server, every `intervalMs` */
  | "checking"
  /** the server has the money: 缴费成功 */
  | "paid"
  /** closed or expired on the server: 订单已关闭 */
  | "closed"
  /** the resident left the sheet and the server has no money: 已取消支付 */
  | "cancelled"
  /** the sheet failed and the server has no money: 支付未完成 */
  | "failed"
  /** no answer within the time limit: 支付结果确认中 (刷新 starts another round) */
  | "pending"
  /** the payment cannot be looked up (not found, not yours) */
  | "error";

export interface PollState {
  phase: PollPhase;
  hint: ResultHint;
  /** the server's last answer */
  payment: PaymentStatusView | null;
  /** start of the current round of checks, ms */
  since: number;
  /** server answers and failures in this round */
  attempts: number;
  /** the last failure: a passing one while checking, the reason in "error" */
  error: string;
}

export type PollEvent =
  | { type: "status"; payment: PaymentStatusView; at: number }
  | { type: "failure"; message: string; retryable: boolean; at: number }
  | { type: "refresh"; at: number };

export const POLL_INTERVAL_MS = 1500;
export const POLL_TIMEOUT_MS = 60_000;

export function parseHint(value: string | undefined): ResultHint {
  return value === "paid" || value === "cancelled" || value === "failed" ? value : null;
}

export function initialPollState(hint: ResultHint, now: number): PollState {
  return { phase: "checking", hint, payment: null, since: now, attempts: 0, error: "" };
}

/** While unpaid on the server: a resident's cancel or a failed sheet ends the wait, time runs out, or wait on. */
function waiting(state: PollState, at: number, timeoutMs: number): PollPhase {
  if (state.hint === "cancelled" || state.hint === "failed") return state.hint;
  return at - state.since >= timeoutMs ? "pending" : "checking";
}

export function nextPollState(state: PollState, event: PollEvent, timeoutMs = POLL_TIMEOUT_MS): PollState {
  if (event.type === "refresh") {
    // a new round; the cashier's word is not asked again
    return { ...state, phase: "checking", hint: null, since: event.at, attempts: 0, error: "" };
  }
  if (state.phase !== "checking") return state; // answers that arrive after the page stopped waiting
  const attempts = state.attempts + 1;
  if (event.type === "failure") {
    if (!event.retryable) return { ...state, phase: "error", attempts, error: event.message };
    const phase = event.at - state.since >= timeoutMs ? "pending" : "checking";
    return { ...state, phase, attempts, error: event.message };
  }
  const { payment } = event;
  const base = { ...state, payment, attempts, error: "" };
  switch (payment.status) {
    case "paid":
      return { ...base, phase: "paid" };
    case "closed":
    case "expired":
      return { ...base, phase: "closed" };
    default:
      return { ...base, phase: waiting(state, event.at, timeoutMs) };
  }
}

/** Failures worth asking again: no connection, server trouble, rate limits. */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  return err.status === 0 || err.status === 429 || err.status >= 500;
}

export interface PollerOptions {
  id: number;
  hint: ResultHint;
  fetchStatus: (id: number) => Promise<PaymentStatusView>;
  onChange: (state: PollState) => void;
  intervalMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

export interface Poller {
  /** 刷新: another round of checks */
  refresh(): void;
  /** the page is gone: no more requests, late answers are dropped */
  stop(): void;
  readonly state: PollState;
}

/** Asks the server now and then every `intervalMs` while the state is "checking"; one request at a time. */
export function startPolling(options: PollerOptions): Poller {
  const { id, fetchStatus, onChange } = options;
  const intervalMs = options.intervalMs ?? POLL_INTERVAL_MS;
  const timeoutMs = options.timeoutMs ?? POLL_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  let state = initialPollState(options.hint, now());
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight = false;
  let stopped = false;
  let round = 0;

  const apply = (event: PollEvent) => {
    state = nextPollState(state, event, timeoutMs);
    onChange(state);
  };

  const schedule = () => {
    if (!stopped && state.phase === "checking" && !timer) {
      timer = setTimeout(() => {
        timer = null;
        void check();
      }, intervalMs);
    }
  };

  async function check(): Promise<void> {
    if (stopped || inFlight || state.phase !== "checking") return;
    inFlight = true;
    const myRound = round;
    let event: PollEvent;
    try {
      event = { type: "status", payment: await fetchStatus(id), at: now() };
    } catch (err) {
      event = { type: "failure", message: describeError(err), retryable: isRetryable(err), at: now() };
    }
    inFlight = false;
    if (stopped) return;
    // an answer from before 刷新 still counts as the server's word, but the new round's clock stands
    apply(myRound === round ? event : { ...event, at: state.since });
    schedule();
  }

  void check();
  return {
    refresh() {
      if (stopped) return;
      round++;
      if (timer) clearTimeout(timer);
      timer = null;
      apply({ type: "refresh", at: now() });
      if (inFlight) return; // the answer on its way continues the round
      void check();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
    get state() {
      return state;
    },
  };
}
