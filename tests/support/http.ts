/** A response body as API tests read it: parsed JSON whose shape each test asserts itself. */
// biome-ignore lint/suspicious/noExplicitAny: test bodies are untyped JSON; each test checks the fields it reads
export type Json = any;

export interface Res<T = Json> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

/** Minimal HTTP client for API tests: JSON in, JSON (or text) out, never throws on a status. */
export function client(base: string, token?: string) {
  async function call<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Res<T>> {
    const h: Record<string, string> = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      h["content-type"] ??= "application/json";
    }
    const res = await fetch(`${base}${path}`, { method, headers: h, body: payload, redirect: "manual" });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, headers: res.headers, text };
  }
  return {
    get: <T = Json>(p: string, h?: Record<string, string>) => call<T>("GET", p, undefined, h),
    post: <T = Json>(p: string, b?: unknown, h?: Record<string, string>) => call<T>("POST", p, b, h),
    put: <T = Json>(p: string, b?: unknown, h?: Record<string, string>) => call<T>("PUT", p, b, h),
    delete: <T = Json>(p: string, h?: Record<string, string>) => call<T>("DELETE", p, undefined, h),
    call,
  };
}

/** Signs a resident in the way the mini-program does: a vendor code from the sandbox, exchanged by the API. */
export async function residentLogin(base: string, identity: { openid?: string; nickname?: string } = {}) {
  const code = await client(base).post<{ code: string }>("/sandbox/wechat/test/codes", identity);
  if (code.status !== 200) throw new Error(`sandbox code: ${code.status} ${code.text}`);
  const res = await client(base).post("/api/v1/auth/resident/login", { provider: "wechat", code: code.body.code });
  if (res.status !== 200) throw new Error(`resident login: ${res.status} ${res.text}`);
  return { ...res.body, api: client(base, res.body.accessToken) } as {
    accessToken: string;
    refreshToken: string;
    resident: { id: number };
    api: ReturnType<typeof client>;
  };
}

export async function staffLogin(base: string, username: string, password: string) {
  const res = await client(base).post("/api/v1/auth/staff/login", { username, password });
  if (res.status !== 200) throw new Error(`staff login ${username}: ${res.status} ${res.text}`);
  return { ...res.body, api: client(base, res.body.accessToken) } as {
    accessToken: string;
    refreshToken: string;
    staff: { id: number; roles: string[] };
    api: ReturnType<typeof client>;
  };
}
