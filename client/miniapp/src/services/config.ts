/**
 * Origin the API lives on, injected at build time (config/index.ts): '' on H5 (same origin as the
 * page), TARO_APP_API_BASE (default http://127.0.0.1:8080) for the mini-programs.
 */
export const apiBase: string = typeof API_BASE === "string" ? API_BASE.replace(/\/+$/, "") : "";

/** The page's own origin on H5 (where apiBase is ''); '' where there is none. */
function pageOrigin(): string {
  return typeof window !== "undefined" && typeof window.location?.origin === "string" ? window.location.origin : "";
}

/**
 * An absolute URL for a path the API hands out (e.g. a file link "/api/v1/files/…"): on the API's origin,
 * which on H5 is the page's own. URLs that are absolute already are kept.
 */
export function resolveApiUrl(path: string, base: string = apiBase, origin: string = pageOrigin()): string {
  if (/^https?:\/\//i.test(path)) return path;
  const root = (base || origin).replace(/\/+$/, "");
  return `${root}${path.startsWith("/") ? path : `/${path}`}`;
}
