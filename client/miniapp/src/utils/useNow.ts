import { useDidHide, useDidShow } from "@tarojs/taro";
import { useEffect, useState } from "react";

/**
 * The current time for countdowns, ticking every `intervalMs` while `active` and the page is shown. The
 * timer stops when the page hides (another page on top, the app in the background) or unmounts.
 */
export function useNow(active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  const [shown, setShown] = useState(true);

  useDidShow(() => {
    setShown(true);
    setNow(Date.now());
  });

  useDidHide(() => {
    setShown(false);
  });

  useEffect(() => {
    if (!active || !shown) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, shown, intervalMs]);

  return now;
}
