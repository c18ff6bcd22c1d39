import { useEffect, useState } from "react";

/** Below this width the console is laid out for a phone: the desk menu becomes a drawer. */
export const PHONE_QUERY = "(max-width: 767.98px)";

const matches = () => typeof window !== "undefined" && !!window.matchMedia?.(PHONE_QUERY).matches;

/** Whether the window is phone-sized now; follows rotation and resizing. */
export function usePhone(): boolean {
  const [phone, setPhone] = useState(matches);
  useEffect(() => {
    const mq = window.matchMedia?.(PHONE_QUERY);
    if (!mq) return;
    const update = () => setPhone(mq.matches);
    update();
    mq.addEventListener("change", update);
    return () => mq.removeEventListener("change", update);
  }, []);
  return phone;
}
