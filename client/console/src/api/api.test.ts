import { beforeEach, describe, expect, it } from "vitest";
import { apiError, createFakeFetch, json } from "../test/fakeFetch";
import { ApiError, createApiClient, filenameOf } from "./api";
import { createTokenStore, type TokenStore } from "./tokens";

const ME = "GET /api/v1/staff/me";
const REFRESH = "POST /api/v1/auth/refresh";
const staff = { id: 1, username: "zhang", displayName: "张三", roles: ["hotline_agent"] };

let tokens: TokenStore;
let fake: ReturnType<typeof createFakeFetch>;
let client: ReturnType<typeof createApiClient>;

beforeEach(() => {
  tokens = createTokenStore(null);
  tokens.set({ accessToken: "A1", refreshToken: "R1" });
  fake = createFakeFetch();
  client = createApiClient({ tokens, fetch: fake.fetch });
});

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => {
      throw new Error("expected the request to fail");
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

describe("api client: requests", () => {
  it("sends the access token and drops empty query values", async () => {
    fake.on("GET /api/v1/staff/accounts", json(200, { items: [], total: 0, page: 1, pageSize: 20 }));
    await client.get("/api/v1/staff/accounts", { q: "", communityId: 3, page: 1, address: undefined });
    expect(fake.calls[0].url).toBe("/api/v1/staff/accounts?communityId=3&page=1");
    expect(fake.calls[0].authorization).toBe("Bearer A1");
  });

  it("returns undefined for 204", async () => {
    fake.on("POST /api/v1/auth/logout", new Response(null, { status: 204 }));
    await expect(client.post("/api/v1/auth/logout", { refreshToken: "R1" }, { auth: false })).resolves.toBeUndefined();
    expect(fake.calls[0].authorization).toBeNull();
  });
});

describe("api client: error mapping", () => {
  it("keeps the server's code, Chinese message, status and details", async () => {
    fake.on(
      "POST /api/v1/auth/staff/login",
      apiError(401, "STAFF_LOGIN_FAILED", "用户名或密码错误", { remainingAttempts: 2 }),
    );
    const e = await rejection(
      client.post("/api/v1/auth/staff/login", { username: "a", password: "b" }, { auth: false }),
    );
    expect(e).toMatchObject({ status: 401, code: "STAFF_LOGIN_FAILED", message: "用户名或密码错误" });
    expect(e.details).toEqual({ remainingAttempts: 2 });
    // a failed sign-in is not a session problem
    expect(tokens.get()).not.toBeNull();
    expect(fake.callsTo(REFRESH)).toHaveLength(0);
  });

  it("maps a non-JSON failure (proxy page) to a Chinese message by status", async () => {
    fake.on(ME, new Response("<html>Bad Gateway</html>", { status: 502, headers: { "content-type": "text/html" } }));
    const e = await rejection(client.get(ME.slice(4)));
    expect(e).toMatchObject({ status: 502, code: "SERVICE_UNAVAILABLE", message: "服务暂时不可用，请稍后再试" });
  });

  it("maps a network failure to NETWORK_ERROR", async () => {
    fake.on(ME, new TypeError("Failed to fetch"));
    const e = await rejection(client.get("/api/v1/staff/me"));
    expect(e).toMatchObject({ status: 0, code: "NETWORK_ERROR", message: "网络连接失败，请检查网络后重试" });
  });

  it("rejects an HTML page where JSON was expected", async () => {
    fake.on(ME, new Response("<!doctype html>", { status: 200, headers: { "content-type": "text/html" } }));
    const e = await rejection(client.get("/api/v1/staff/me"));
    expect(e.code).toBe("BAD_RESPONSE");
  });

  it("fills in the message for a known code when the server sent none", async () => {
    fake.on(ME, json(403, { error: { code: "FORBIDDEN", message: "" } }));
    const e = await rejection(client.get("/api/v1/staff/me"));
    expect(e.message).toBe("没有权限执行此操作");
  });
});

describe("api client: session", () => {
  it("refreshes once on TOKEN_EXPIRED and repeats the request with the new token", async () => {
    fake
      .on(ME, apiError(401, "TOKEN_EXPIRED", "登录已过期，请重新登录"), json(200, staff))
      .on(REFRESH, json(200, { accessToken: "A2", refreshToken: "R2", expiresIn: 900 }));

    await expect(client.get("/api/v1/staff/me")).resolves.toEqual(staff);

    expect(fake.calls.map((c) => `${c.method} ${c.path}`)).toEqual([ME, REFRESH, ME]);
    expect(fake.calls[1].body).toEqual({ refreshToken: "R1" });
    expect(fake.calls[1].authorization).toBeNull();
    expect(fake.calls[2].authorization).toBe("Bearer A2");
    expect(tokens.get()).toEqual({ accessToken: "A2", refreshToken: "R2" });
  });

  it("shares one refresh between concurrent requests (rotation would refuse a second)", async () => {
    fake
      .on(ME, apiError(401, "TOKEN_EXPIRED", "登录已过期"), apiError(401, "TOKEN_EXPIRED", "登录已过期"))
      .on(ME, json(200, staff), json(200, staff))
      .on(REFRESH, json(200, { accessToken: "A2", refreshToken: "R2", expiresIn: 900 }));

    await Promise.all([client.get("/api/v1/staff/me"), client.get("/api/v1/staff/me")]);
    expect(fake.callsTo(REFRESH)).toHaveLength(1);
    expect(
      fake
        .callsTo(ME)
        .slice(2)
        .map((c) => c.authorization),
    ).toEqual(["Bearer A2", "Bearer A2"]);
  });

  it("does not refresh twice: a second TOKEN_EXPIRED ends the session", async () => {
    fake
      .on(ME, apiError(401, "TOKEN_EXPIRED", "登录已过期"), apiError(401, "TOKEN_EXPIRED", "登录已过期"))
      .on(REFRESH, json(200, { accessToken: "A2", refreshToken: "R2", expiresIn: 900 }));

    const e = await rejection(client.get("/api/v1/staff/me"));
    expect(e.code).toBe("TOKEN_EXPIRED");
    expect(fake.callsTo(REFRESH)).toHaveLength(1);
    expect(tokens.get()).toBeNull();
  });

  it("ends the session when the refresh is refused", async () => {
    fake
      .on(ME, apiError(401, "TOKEN_EXPIRED", "登录已过期"))
      .on(REFRESH, apiError(401, "REFRESH_TOKEN_INVALID", "登录状态已失效，请重新登录"));

    const e = await rejection(client.get("/api/v1/staff/me"));
    expect(e).toMatchObject({ code: "REFRESH_TOKEN_INVALID", message: "登录状态已失效，请重新登录" });
    expect(fake.callsTo(ME)).toHaveLength(1);
    expect(tokens.get()).toBeNull();
  });

  it("keeps the session when the refresh fails for a network reason", async () => {
    fake.on(ME, apiError(401, "TOKEN_EXPIRED", "登录已过期")).on(REFRESH, new TypeError("Failed to fetch"));
    const e = await rejection(client.get("/api/v1/staff/me"));
    expect(e.code).toBe("NETWORK_ERROR");
    expect(tokens.get()).toEqual({ accessToken: "A1", refreshToken: "R1" });
  });

  it("ends the session without refreshing on any other 401", async () => {
    fake.on(ME, apiError(401, "UNAUTHENTICATED", "请先登录"));
    const e = await rejection(client.get("/api/v1/staff/me"));
    expect(e).toMatchObject({ status: 401, code: "UNAUTHENTICATED", message: "请先登录" });
    expect(fake.callsTo(REFRESH)).toHaveLength(0);
    expect(tokens.get()).toBeNull();
  });

  it("leaves the session alone on 403", async () => {
    fake.on("GET /api/v1/staff/audit-logs", apiError(403, "FORBIDDEN", "没有权限执行此操作"));
    const e = await rejection(client.get("/api/v1/staff/audit-logs"));
    expect(e.status).toBe(403);
    expect(tokens.get()).not.toBeNull();
  });
});

describe("api client: files", () => {
  it("uploads multipart without a JSON content type, with the token", async () => {
    const seen: Headers[] = [];
    const upload = createApiClient({
      tokens,
      fetch: async (input, init) => {
        seen.push(new Headers(init?.headers));
        return fake.fetch(input, init);
      },
    });
    fake.on("POST /api/v1/staff/photos", json(201, { id: 31, url: "/f", mime: "image/jpeg", size: 3 }));
    const form = new FormData();
    form.append("file", new File(["jpg"], "a.jpg", { type: "image/jpeg" }));
    await upload.request("/api/v1/staff/photos", { method: "POST", form });
    expect(fake.calls[0].body).toBe(form);
    expect(seen[0].get("content-type")).toBeNull();
    expect(seen[0].get("authorization")).toBe("Bearer A1");
  });

  it("downloads a file with the token, refreshing an expired one, and reads its name", async () => {
    const CSV = "GET /api/v1/staff/reports/service-rates.csv";
    fake.on(CSV, apiError(401, "TOKEN_EXPIRED", "登录已过期"));
    fake.on(REFRESH, json(200, { accessToken: "A2", refreshToken: "R2", expiresIn: 900 }));
    fake.on(
      CSV,
      new Response("a,b\n", {
        status: 200,
        headers: { "content-type": "text/csv", "content-disposition": 'attachment; filename="rates.csv"' },
      }),
    );
    const file = await client.download("/api/v1/staff/reports/service-rates.csv", { from: "2025-10-15" });
    expect(await file.blob.text()).toBe("a,b\n");
    expect(file.filename).toBe("rates.csv");
    expect(fake.callsTo(CSV).map((c) => c.authorization)).toEqual(["Bearer A1", "Bearer A2"]);
    expect(fake.callsTo(CSV)[1].url).toBe("/api/v1/staff/reports/service-rates.csv?from=2025-10-15");
  });

  it("turns a refused download into the server's message", async () => {
    fake.on("GET /api/v1/staff/reports/service-rates.xlsx", apiError(403, "FORBIDDEN", "您没有权限进行此操作"));
    const e = await rejection(client.download("/api/v1/staff/reports/service-rates.xlsx"));
    expect(e).toMatchObject({ status: 403, code: "FORBIDDEN", message: "您没有权限进行此操作" });
  });

  it("reads RFC 5987 names first", () => {
    expect(filenameOf(`attachment; filename="a.csv"; filename*=UTF-8''%E4%B8%89%E7%8E%87.csv`)).toBe("三率.csv");
    expect(filenameOf("attachment; filename=report.xlsx")).toBe("report.xlsx");
    expect(filenameOf(null)).toBeNull();
  });
});
