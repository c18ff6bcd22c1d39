import { ErrorBodySchema, TokenPairSchema } from "@warmline/shared";
import { ApiError, codeForStatus } from "./ApiError";
import { type TokenStore, sessionTokens } from "./tokens";

export { ApiError, isApiError, messageOf } from "./ApiError";

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** a multipart body (photo uploads); the browser sets its content type with the boundary */
  form?: FormData;
  /** what to ask for; default JSON */
  accept?: string;
  /** false: send no token and leave 401s to the caller (sign-in, refresh, sign-out). Default true. */
  auth?: boolean;
  signal?: AbortSignal;
}

export interface ApiClient {
  request<T = unknown>(path: string, options?: RequestOptions): Promise<T>;
  get<T = unknown>(path: string, query?: RequestOptions["query"], signal?: AbortSignal): Promise<T>;
  post<T = unknown>(path: string, body?: unknown, options?: Omit<RequestOptions, "method" | "body">): Promise<T>;
  /** A file the API answers (CSV, Excel export), fetched with the Authorization header like any call. */
  download(path: string, query?: RequestOptions["query"]): Promise<DownloadedFile>;
}

export interface DownloadedFile {
  blob: Blob;
  /** the name from Content-Disposition, when the server sent one */
  filename: string | null;
}

/** The file name of a Content-Disposition header (RFC 5987 filename* first, then filename). */
export function filenameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(disposition);
  return plain ? plain[1].trim() : null;
}

export interface ApiClientDeps {
  tokens: TokenStore;
  fetch?: typeof fetch;
  /** Prefix for every path, e.g. "" for same-origin. */
  baseUrl?: string;
}

export const REFRESH_PATH = "/api/v1/auth/refresh";

function buildUrl(baseUrl: string, path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === "") continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return `${baseUrl}${path}${qs ? `?${qs}` : ""}`;
}

async function readJson(res: Response): Promise<unknown> {
  const type = res.headers.get("content-type") ?? "";
  if (!type.includes("json")) return undefined;
  try {
    return await res.json();
  } catch {
    return undefined;
  }
}

/** Maps a failed response to an ApiError: the server's code and message when it sent our shape. */
export async function toApiError(res: Response): Promise<ApiError> {
  const parsed = ErrorBodySchema.safeParse(await readJson(res));
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new ApiError(res.status, code, message, details);
  }
  return new ApiError(res.status, codeForStatus(res.status));
}

/**
 * The console's HTTP client. Adds the access token; on 401 TOKEN_EXPIRED it refreshes once
 * (one refresh shared by concurrent requests) and repeats the request; any other 401 ends the session.
 */
export function createApiClient(deps: ApiClientDeps): ApiClient {
  const { tokens } = deps;
  const doFetch: typeof fetch = deps.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const baseUrl = deps.baseUrl ?? "";
  let refreshing: Promise<string> | null = null;

  async function send(path: string, o: RequestOptions, accessToken: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { accept: o.accept ?? "application/json" };
    if (o.body !== undefined && !o.form) headers["content-type"] = "application/json";
    if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    try {
      return await doFetch(buildUrl(baseUrl, path, o.query), {
        method: o.method ?? "GET",
        headers,
        body: o.form ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
        signal: o.signal,
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === "AbortError") throw e;
      throw new ApiError(0, "NETWORK_ERROR");
    }
  }

  async function success<T>(res: Response): Promise<T> {
    if (res.status === 204) return undefined as T;
    const body = await readJson(res);
    // e.g. an HTML page from a proxy or SPA fallback where JSON was expected
    if (body === undefined) throw new ApiError(res.status, "BAD_RESPONSE");
    return body as T;
  }

  async function refresh(refreshToken: string): Promise<string> {
    const res = await send(REFRESH_PATH, { method: "POST", body: { refreshToken } }, undefined);
    if (!res.ok) {
      const err = await toApiError(res);
      if (err.status === 401) tokens.clear();
      throw err;
    }
    const pair = TokenPairSchema.safeParse(await readJson(res));
    if (!pair.success) throw new ApiError(res.status, "BAD_RESPONSE");
    tokens.set(pair.data);
    return pair.data.accessToken;
  }

  /** A fresh access token: the one another request (or tab) already got, or one refresh shared by all. */
  function freshAccessToken(expired: string | undefined): Promise<string> {
    const current = tokens.get();
    if (!current) return Promise.reject(new ApiError(401, "UNAUTHENTICATED"));
    if (current.accessToken !== expired) return Promise.resolve(current.accessToken);
    refreshing ??= refresh(current.refreshToken).finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  /** A successful response, after one refresh on 401 TOKEN_EXPIRED; any failure rejects with an ApiError. */
  async function exchange(path: string, o: RequestOptions): Promise<Response> {
    const auth = o.auth ?? true;
    const sent = auth ? tokens.get()?.accessToken : undefined;
    const res = await send(path, o, sent);
    if (res.ok) return res;
    const err = await toApiError(res);
    if (!auth || err.status !== 401) throw err;
    if (err.code !== "TOKEN_EXPIRED") {
      tokens.clear();
      throw err;
    }
    const fresh = await freshAccessToken(sent);
    const again = await send(path, o, fresh);
    if (again.ok) return again;
    const err2 = await toApiError(again);
    if (err2.status === 401) tokens.clear();
    throw err2;
  }

  async function request<T>(path: string, o: RequestOptions = {}): Promise<T> {
    return success<T>(await exchange(path, o));
  }

  async function download(path: string, query?: RequestOptions["query"]): Promise<DownloadedFile> {
    const res = await exchange(path, { query, accept: "*/*" });
    return { blob: await res.blob(), filename: filenameOf(res.headers.get("content-disposition")) };
  }

  return {
    request,
    get: (path, query, signal) => request(path, { query, signal }),
    post: (path, body, options) => request(path, { ...options, method: "POST", body }),
    download,
  };
}

/** Where the API is: "" = the console's own origin (the server serves the console; `pnpm dev` proxies /api). */
export const API_BASE_URL = "";

/** The app's client: same-origin, session tokens from localStorage. */
export const api = createApiClient({ tokens: sessionTokens, baseUrl: API_BASE_URL });
