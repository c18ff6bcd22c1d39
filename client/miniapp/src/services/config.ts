/**
 * Origin the API lives on, injected at build time (config/index.ts): '' on H5 (same origin as the
 * page), TARO_APP_API_BASE (default http://127.0.0.1:8080) for the mini-programs.
 */
export const apiBase: string = typeof API_BASE === "string" ? API_BASE.replace(/\/+$/, "") : "";
