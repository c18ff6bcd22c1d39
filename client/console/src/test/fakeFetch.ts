import { vi } from "vitest";

export interface FakeCall {
  method: string;
  path: string;
  url: string;
  authorization: string | null;
  /** the JSON body parsed, or the FormData of a multipart upload */
  body: unknown;
}

type Reply = Response | (() => Response) | Error;

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

export function apiError(status: number, code: string, message: string, details?: unknown): Response {
  return json(status, { error: { code, message, ...(details === undefined ? {} : { details }) } });
}

/**
 * A fetch that answers from per-route queues ("POST /api/v1/auth/refresh") and records every call.
 * An unexpected call fails the test loudly.
 */
export function createFakeFetch() {
  const queues = new Map<string, Reply[]>();
  const calls: FakeCall[] = [];

  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input), "http://console.test");
    const method = init?.method ?? "GET";
    const headers = new Headers(init?.headers);
    calls.push({
      method,
      path: url.pathname,
      url: `${url.pathname}${url.search}`,
      authorization: headers.get("authorization"),
      body:
        typeof init?.body === "string" ? JSON.parse(init.body) : init?.body instanceof FormData ? init.body : undefined,
    });
    const key = `${method} ${url.pathname}`;
    const reply = queues.get(key)?.shift();
    if (!reply) throw new Error(`fake fetch: no reply queued for ${key}`);
    if (reply instanceof Error) throw reply;
    return typeof reply === "function" ? reply() : reply;
  });

  return {
    fetch: fetch as unknown as typeof globalThis.fetch,
    calls,
    on(route: string, ...replies: Reply[]) {
      queues.set(route, [...(queues.get(route) ?? []), ...replies]);
      return this;
    },
    callsTo: (route: string) => calls.filter((c) => `${c.method} ${c.path}` === route),
  };
}
