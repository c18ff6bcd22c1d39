import { beforeEach, describe, expect, it, vi } from "vitest";

/** A fake Taro: in-memory storage, a scripted `request`, recorded navigation. */
const taro = vi.hoisted(() => {
  const storage = new Map<string, unknown>();
  type Call = { url: string; method: string; data?: unknown; header: Record<string, string> };
  type Reply = { statusCode: number; data?: unknown } | { reject: unknown };
  return {
    storage,
    calls: [] as Call[],
    handler: (_call: Call): Reply => ({ statusCode: 200, data: {} }),
    route: "pages/home/index",
    api: {
      request: vi.fn(),
      getStorageSync: vi.fn((key: string) => (storage.has(key) ? storage.get(key) : "")),
      setStorageSync: vi.fn((key: string, value: unknown) => void storage.set(key, value)),
      removeStorageSync: vi.fn((key: string) => void storage.delete(key)),
      reLaunch: vi.fn(() => Promise.resolve()),
      getCurrentPages: vi.fn(() => [{ route: "" }]),
    },
  };
});
vi.mock("@tarojs/taro", () => ({ default: taro.api }));

import { ApiError } from "./errors";
import { REFRESH_PATH, request } from "./request";
import { getTokens } from "./tokens";

const TOKENS_KEY = "warmline.tokens";
const err = (code: string, message = "提示", details?: unknown) => ({ error: { code, message, details } });

function signIn(accessToken = "access-1", refreshToken = "refresh-1") {
  taro.storage.set(TOKENS_KEY, { accessToken, refreshToken, expiresAt: 0 });
}

/** A server where access tokens in `valid` work and one refresh token rotates into the next pair. */
function serverWithExpiringToken(opts: { refreshOk?: boolean } = {}) {
  const valid = new Set(["access-2"]);
  taro.handler = (call) => {
    if (call.url.endsWith(REFRESH_PATH)) {
      if (opts.refreshOk === false) return { statusCode: 401, data: err("REFRESH_TOKEN_INVALID", "登录状态已失效") };
      return { statusCode: 200, data: { accessToken: "access-2", refreshToken: "refresh-2", expiresIn: 900 } };
    }
    const token = call.header.Authorization?.replace("Bearer ", "");
    if (!token || !valid.has(token)) return { statusCode: 401, data: err("TOKEN_EXPIRED", "登录已过期") };
    return { statusCode: 200, data: { path: call.url, token } };
  };
}

const callsTo = (suffix: string) => taro.calls.filter((c) => c.url.endsWith(suffix));

beforeEach(() => {
  taro.storage.clear();
  taro.calls.length = 0;
  taro.api.reLaunch.mockClear();
  taro.api.getCurrentPages.mockImplementation(() => [{ route: "pages/home/index" }]);
  taro.api.request.mockImplementation(async (options: Record<string, unknown>) => {
    const call = {
      url: String(options.url),
      method: String(options.method),
      data: options.data,
      header: { ...(options.header as Record<string, string>) },
    };
    taro.calls.push(call);
    await Promise.resolve();
    const reply = taro.handler(call);
    if ("reject" in reply) throw reply.reject;
    return reply;
  });
});

describe("request", () => {
  it("prefixes the API base, sends the bearer token and returns the body", async () => {
    signIn();
    taro.handler = () => ({ statusCode: 200, data: { id: 7 } });
    await expect(request("/api/v1/me")).resolves.toEqual({ id: 7 });
    expect(taro.calls[0]).toMatchObject({
      url: "http://api.test/api/v1/me",
      method: "GET",
      header: { Authorization: "Bearer access-1" },
    });
  });

  it("returns undefined for 204", async () => {
    signIn();
    taro.handler = () => ({ statusCode: 204, data: "" });
    await expect(request("/api/v1/me/accounts/1", { method: "DELETE" })).resolves.toBeUndefined();
  });

  it("maps an error body to an ApiError with code, message, status and details", async () => {
    signIn();
    taro.handler = () => ({
      statusCode: 400,
      data: err("BIND_FAILED", "户号或验证信息不正确", { remainingAttempts: 2 }),
    });
    const error = await request("/api/v1/me/accounts", { method: "POST", data: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: "BIND_FAILED",
      message: "户号或验证信息不正确",
      status: 400,
      details: { remainingAttempts: 2 },
    });
  });

  it("keeps the status of an error that is not in the API's shape", async () => {
    signIn();
    taro.handler = () => ({ statusCode: 502, data: "<html>Bad Gateway</html>" });
    const error = await request("/api/v1/me").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "HTTP_ERROR", status: 502, message: "系统繁忙，请稍后再试" });
  });

  it("reads the response out of a rejection that carries one (Alipay on HTTP errors)", async () => {
    signIn();
    taro.handler = () => ({
      reject: { error: 19, status: 409, data: JSON.stringify(err("ALREADY_BOUND", "您已绑定该户号")) },
    });
    const error = await request("/api/v1/me/accounts", { method: "POST", data: {} }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ALREADY_BOUND", status: 409, message: "您已绑定该户号" });
  });

  it("turns a failed connection into NETWORK_ERROR and keeps the session", async () => {
    signIn();
    taro.handler = () => ({ reject: new TypeError("Failed to fetch") });
    const error = await request("/api/v1/me").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NETWORK_ERROR", status: 0 });
    expect(getTokens()?.accessToken).toBe("access-1");
    expect(taro.api.reLaunch).not.toHaveBeenCalled();
  });
});

describe("expired access token", () => {
  it("refreshes once, stores the new pair and repeats the request once", async () => {
    signIn();
    serverWithExpiringToken();
    await expect(request("/api/v1/me")).resolves.toMatchObject({ token: "access-2" });
    expect(callsTo(REFRESH_PATH)).toHaveLength(1);
    expect(callsTo(REFRESH_PATH)[0]).toMatchObject({ method: "POST", data: { refreshToken: "refresh-1" } });
    expect(callsTo("/api/v1/me").map((c) => c.header.Authorization)).toEqual(["Bearer access-1", "Bearer access-2"]);
    expect(getTokens()).toMatchObject({ accessToken: "access-2", refreshToken: "refresh-2" });
  });

  it("shares one refresh between concurrent requests (the server rotates refresh tokens)", async () => {
    signIn();
    serverWithExpiringToken();
    const results = await Promise.all([
      request("/api/v1/me"),
      request("/api/v1/me/accounts"),
      request("/api/v1/me/notifications"),
    ]);
    expect(results).toHaveLength(3);
    expect(callsTo(REFRESH_PATH)).toHaveLength(1);
  });

  it("does not repeat a request flagged noRetry, but still renews the session", async () => {
    signIn();
    serverWithExpiringToken();
    const error = await request("/api/v1/me/payments", { method: "POST", data: { amount: 100 }, noRetry: true }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "TOKEN_EXPIRED", status: 401 });
    expect(callsTo("/api/v1/me/payments")).toHaveLength(1);
    expect(getTokens()?.accessToken).toBe("access-2");
    expect(taro.api.reLaunch).not.toHaveBeenCalled();
  });

  it("signs out when the refresh is refused", async () => {
    signIn();
    serverWithExpiringToken({ refreshOk: false });
    const error = await request("/api/v1/me").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "TOKEN_EXPIRED", status: 401 });
    expect(callsTo("/api/v1/me")).toHaveLength(1);
    expect(taro.storage.has(TOKENS_KEY)).toBe(false);
    expect(taro.api.reLaunch).toHaveBeenCalledWith({ url: "/pages/login/index" });
  });

  it("repeats only once: a second 401 signs out without another refresh", async () => {
    signIn();
    taro.handler = (call) =>
      call.url.endsWith(REFRESH_PATH)
        ? { statusCode: 200, data: { accessToken: "access-2", refreshToken: "refresh-2", expiresIn: 900 } }
        : { statusCode: 401, data: err("TOKEN_EXPIRED") };
    const error = await request("/api/v1/me").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "TOKEN_EXPIRED", status: 401 });
    expect(callsTo(REFRESH_PATH)).toHaveLength(1);
    expect(callsTo("/api/v1/me")).toHaveLength(2);
    expect(taro.storage.has(TOKENS_KEY)).toBe(false);
    expect(taro.api.reLaunch).toHaveBeenCalledTimes(1);
  });
});

describe("other 401s", () => {
  it("clear the tokens and go to the login page without refreshing", async () => {
    signIn();
    taro.handler = () => ({ statusCode: 401, data: err("UNAUTHENTICATED", "请先登录") });
    const error = await request("/api/v1/me").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "UNAUTHENTICATED", status: 401, message: "请先登录" });
    expect(callsTo(REFRESH_PATH)).toHaveLength(0);
    expect(taro.storage.has(TOKENS_KEY)).toBe(false);
    expect(taro.api.reLaunch).toHaveBeenCalledWith({ url: "/pages/login/index" });
  });

  it("do not navigate again when the login page is already shown", async () => {
    taro.api.getCurrentPages.mockImplementation(() => [{ route: "pages/login/index" }]);
    taro.handler = () => ({ statusCode: 401, data: err("UNAUTHENTICATED") });
    await request("/api/v1/me").catch(() => undefined);
    expect(taro.api.reLaunch).not.toHaveBeenCalled();
  });

  it("are plain errors for requests without auth (e.g. a bad login code)", async () => {
    signIn();
    taro.handler = () => ({ statusCode: 401, data: err("LOGIN_CODE_INVALID", "登录凭证无效或已过期") });
    const error = await request("/api/v1/auth/resident/login", { method: "POST", data: {}, auth: false }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "LOGIN_CODE_INVALID", status: 401 });
    expect(taro.calls[0].header.Authorization).toBeUndefined();
    expect(getTokens()).not.toBeNull();
    expect(taro.api.reLaunch).not.toHaveBeenCalled();
  });
});
