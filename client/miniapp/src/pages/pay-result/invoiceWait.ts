import type { PaymentStatusView } from "@warmline/shared";

/**
 * After "paid" the server requests the payment's invoice, usually within a second or two; until then
 * GET /me/payments/:id has invoiceId null. The result page asks a little longer for it, then stops.
 */
export const INVOICE_WAIT_INTERVAL_MS = 1500;
export const INVOICE_WAIT_TIMEOUT_MS = 20_000;

export interface InvoiceWaitOptions {
  /** the payment */
  id: number;
  fetchStatus: (id: number) => Promise<PaymentStatusView>;
  onInvoice: (invoiceId: number) => void;
  /** no invoice within the time limit */
  onGiveUp: () => void;
  intervalMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

/** Asks every `intervalMs` (first after one interval: the page just had an answer without it). */
export function waitForInvoice(options: InvoiceWaitOptions): { stop(): void } {
  const { id, fetchStatus, onInvoice, onGiveUp } = options;
  const intervalMs = options.intervalMs ?? INVOICE_WAIT_INTERVAL_MS;
  const timeoutMs = options.timeoutMs ?? INVOICE_WAIT_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const since = now();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  async function check(): Promise<void> {
    timer = null;
    let invoiceId: number | null = null;
    try {
      invoiceId = (await fetchStatus(id)).invoiceId ?? null;
    } catch {
      // a passing failure: the next question may get through
    }
    if (stopped) return;
    if (invoiceId !== null) {
      stopped = true;
      onInvoice(invoiceId);
      return;
    }
    if (now() - since >= timeoutMs) {
      stopped = true;
      onGiveUp();
      return;
    }
    timer = setTimeout(() => void check(), intervalMs);
  }

  timer = setTimeout(() => void check(), intervalMs);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
