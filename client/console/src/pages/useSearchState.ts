import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router";

export type SearchState = Record<string, string | number | undefined>;

function positiveInt(v: string | null, fallback: number): number {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/**
 * Filters and paging live in the URL, so the back button from a detail page restores the results
 * and a search can be shared as a link.
 */
export function useSearchState(defaultPageSize = 20) {
  const [params, setParams] = useSearchParams();

  const page = positiveInt(params.get("page"), 1);
  const pageSize = Math.min(positiveInt(params.get("pageSize"), defaultPageSize), 100);

  const update = useCallback(
    (next: SearchState) => {
      setParams((prev) => {
        const p = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(next)) {
          if (v === undefined || v === "") p.delete(k);
          else p.set(k, String(v));
        }
        return p;
      });
    },
    [setParams],
  );

  return useMemo(
    () => ({
      params,
      page,
      pageSize,
      update,
      text: (k: string) => params.get(k) ?? "",
      int: (k: string) => positiveInt(params.get(k), 0) || undefined,
    }),
    [params, page, pageSize, update],
  );
}
