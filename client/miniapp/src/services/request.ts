import Taro from "@tarojs/taro";
import type { TokenPair } from "@warmline/shared";
import { apiBase } from "./config";
import { ApiError, networkError, toApiError } from "./errors";
import { goToLogin } from "./navigation";
import { clearTokens, getTokens, saveTokens } from "./tokens";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RequestOptions {
  method?: HttpMethod;
  data?: unknown;
  /** Send the access token and handle 401 (refresh or sign out). Default true. */
  auth?: boolean;
  /**
   * The request moves money: it is never sent a second time by this layer. An expired token is still
   * refreshed, but the caller gets the TOKEN_EXPIRED error and the resident confirms again.
   */
  noRetry?: boolean;
}

/** What came back: the HTTP status and the body (parsed JSON, or text that toApiError parses). */
export interface RawResponse {
  status: number;
  data: unknown;
}

export const REFRESH_PATH = "/api/v1/auth/refresh";

/** The HTTP status carried by a rejected request, if the rejection still holds a response. */
export function statusOf(err: unknown): number | null {
  if (!err || typeof err !== "object") return null;
  const { statusCode, status } = err as { statusCode?: unknown; status?: unknown };
  const value = typeof statusCode === "number" ? statusCode : status;
  return typeof value === "number" && value >= 100 ? value : null;
}

async function send(path: string, method: HttpMethod, data: unknown, accessToken?: string): Promise<RawResponse> {
  const header: Record<string, string> = { Accept: "application/json" };
  if (data !== undefined) header["Content-Type"] = "application/json";
  if (accessToken) header.Authorization = `Bearer ${accessToken}`;
  try {
    const res = await Taro.request({ url: `${apiBase}${path}`, method, data: data as never, header, dataType: "json" });
    return { status: res.statusCode, data: res.data };
  } catch (err) {
    // Alipay rejects on HTTP error statuses but still hands over the response.
    const status = statusOf(err);
    if (status !== null) return { status, data: (err as { data?: unknown }).data };
    throw networkError(err);
  }
}

let renewing: Promise<boolean> | null = null;

async function refreshWith(refreshToken: string): Promise<boolean> {
  const res = await send(REFRESH_PATH, "POST", { refreshToken });
  const pair = res.data as Partial<TokenPair> | null;
  if (res.status < 200 || res.status >= 300 || !pair || typeof pair.accessToken !== "string") return false;
  saveTokens(pair as TokenPair);
  return true;
}

/**
 * Gets a fresh token pair after `expiredToken` was refused. One refresh at a time: the server rotates
 * refresh tokens, so a second concurrent refresh with the old one would fail and sign the resident out.
 */
async function renewSession(expiredToken: string | undefined): Promise<boolean> {
  const current = getTokens();
  if (!current) return false;
  if (current.accessToken !== expiredToken && !renewing) return true; // renewed meanwhile by another request
  renewing ??= refreshWith(current.refreshToken).finally(() => {
    renewing = null;
  });
  return renewing;
}

function endSession(): void {
  clearTokens();
  goToLogin();
}

function result<T>(res: RawResponse): T {
  if (res.status >= 200 && res.status < 300) return (res.status === 204 ? undefined : res.data) as T;
  throw toApiError(res.status, res.data);
}

/**
 * Sends something with the access token (`sendWith` does the sending: a JSON request, a file upload) and
 * deals with 401: one refresh of the session and one more try, or sign out. Errors thrown as ApiError.
 */
export async function withSession<T>(
  sendWith: (accessToken: string | undefined) => Promise<RawResponse>,
  noRetry = false,
): Promise<T> {
  const sentToken = getTokens()?.accessToken;
  const first = await sendWith(sentToken);
  if (first.status !== 401) return result<T>(first);

  const refused = toApiError(first.status, first.data);
  if (refused.code !== "TOKEN_EXPIRED" || !(await renewSession(sentToken))) {
    endSession();
    throw refused;
  }
  if (noRetry) {
    throw new ApiError({
      code: refused.code,
      status: refused.status,
      message: "登录已自动续期，请重新确认操作",
      details: refused.details,
    });
  }
  const second = await sendWith(getTokens()?.accessToken);
  if (second.status === 401) {
    endSession();
    throw toApiError(second.status, second.data);
  }
  return result<T>(second);
}

/** Calls the API: JSON in and out, errors thrown as ApiError. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = "GET", data, auth = true, noRetry = false } = options;
  if (!auth) return result<T>(await send(path, method, data));
  return withSession<T>((token) => send(path, method, data, token), noRetry);
}
