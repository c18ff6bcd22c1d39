import { useDidHide, useDidShow } from "@tarojs/taro";
import { useEffect, useRef } from "react";

/**
 * Runs `load` each time the page shows, then again every `intervalMs` while the page is shown and `load`
 * answered true (e.g. the ticket is still open). One timer at a time; none while hidden or after unmount.
 * `reload` runs it now (after an action) and starts the interval over.
 */
export function usePolling(load: () => Promise<boolean>, intervalMs: number): { reload: () => Promise<void> } {
  const visible = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;

  function clearTimer() {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  }

  async function run(): Promise<void> {
    clearTimer();
    let again: boolean;
    try {
      again = await loadRef.current();
    } catch {
      again = true; // a passing failure: ask again later
    }
    if (!visible.current || !again) return;
    clearTimer();
    timer.current = setTimeout(() => void run(), intervalMs);
  }

  useDidShow(() => {
    visible.current = true;
    void run();
  });

  useDidHide(() => {
    visible.current = false;
    clearTimer();
  });

  // unmounted (the page closed): no timer survives it
  useEffect(
    () => () => {
      visible.current = false;
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    },
    [],
  );

  return { reload: run };
}
