import { useCallback, useState } from "react";
import type { PaymentView } from "../api/payments";

/**
 * The payment a drawer shows: the row as the list last delivered it, or a newer answer the server gave
 * after an action (处理异常款) until the list catches up — or when the payment has left the list.
 */
export function useOpenPayment(list: readonly PaymentView[] | undefined, listUpdatedAt: number) {
  const [held, setHeld] = useState<{ payment: PaymentView; at: number } | null>(null);
  const inList = held ? list?.find((p) => p.id === held.payment.id) : undefined;
  const shown = held ? (inList && listUpdatedAt > held.at ? inList : held.payment) : null;
  const open = useCallback((payment: PaymentView) => setHeld({ payment, at: Date.now() }), []);
  const close = useCallback(() => setHeld(null), []);
  return { shown, open, close };
}
