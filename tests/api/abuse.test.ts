import { AccountBinding, BindAttempt } from "@warmline/server/src/modules/accounts";
import { StaffAlert } from "@warmline/server/src/modules/alerts";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { createStaffUser } from "@warmline/server/src/modules/staff";
import { TicketPhoto } from "@warmline/server/src/modules/tickets";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSmallCounty } from "../support/county";
import { client } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

/**
 * Abuse resistance (issue 10): guessing a 户号's second factor with many identities, staff lockout as a
 * weapon and user-name enumeration, request rates per client address, and the upload quota. The server
 * trusts one proxy hop, so each test speaks from addresses of its own (X-Forwarded-For).
 */
let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;

beforeAll(async () => {
  srv = await startTestServer({
    TRUST_PROXY: "1",
    RATE_LIMIT_SIGN_IN: "20/60",
    RATE_LIMIT_BIND: "30/600",
    RATE_LIMIT_UPLOAD: "12/600",
    UPLOAD_DAILY_PHOTOS: "3",
    UPLOAD_DAILY_MB: "1",
    STAFF_LOGIN_IP_MAX_FAILURES: "12",
  });
  county = await seedSmallCounty(srv.deps, 60);
});
afterAll(async () => srv?.close());

let lastOctet = 0;
/** a client address no other test uses */
const freshIp = () => {
  lastOctet += 1;
  return `10.${Math.floor(lastOctet / 250)}.${lastOctet % 250}.7`;
};
const from = (ip: string) => ({ "x-forwarded-for": ip });

/** a new resident (a fresh sandbox identity), signed in from `ip`; its requests come from there too */
async function residentFrom(ip: string) {
  const code = await client(srv.url).post("/sandbox/wechat/test/codes", {});
  const res = await client(srv.url).post(
    "/api/v1/auth/resident/login",
    { provider: "wechat", code: code.body.code },
    from(ip),
  );
  expect(res.status).toBe(200);
  const api = client(srv.url, res.body.accessToken);
  return {
    id: res.body.resident.id as number,
    bind: (accountNo: string, factor: string, value: string) =>
      api.post("/api/v1/me/accounts", { accountNo, factor, value }, from(ip)),
    get: (path: string) => api.get(path, from(ip)),
    token: res.body.accessToken as string,
  };
}

const staffLoginFrom = (ip: string, username: string, password: string) =>
  client(srv.url).post("/api/v1/auth/staff/login", { username, password }, from(ip));

async function staffFrom(ip: string, username: string) {
  const res = await staffLoginFrom(ip, username, DEMO_PASSWORD);
  expect(res.status).toBe(200);
  const api = client(srv.url, res.body.accessToken);
  return {
    get: (path: string) => api.get(path, from(ip)),
    post: (path: string, body?: unknown) => api.post(path, body, from(ip)),
  };
}

/** four digits that are not `tail` */
const wrongTails = (tail: string, n: number) =>
  Array.from({ length: n + 1 }, (_, i) => String((Number(tail) + 1 + i * 7) % 10_000).padStart(4, "0"))
    .filter((t) => t !== tail)
    .slice(0, n);

describe("binding: guessing a 户号's second factor with many identities", () => {
  it("30 fresh identities × 5 guesses, then a 31st with the right phone tail: the 户号 stops after 10 failures", async () => {
    const target = county.rows[10];
    const phone = county.allPhones.find((p) => p === srv.deps.vault.decrypt(target.phoneEnc)) as string;
    expect(phone).toBeTruthy();
    const tail = phone.slice(-4);
    const codes: string[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await residentFrom(freshIp());
      for (const guess of wrongTails(tail, 5)) {
        const res = await r.bind(target.accountNo, "phone_tail", guess);
        codes.push(res.body.error.code);
      }
    }
    expect(codes.slice(0, 10)).toEqual(Array(10).fill("BIND_FAILED"));
    expect(new Set(codes.slice(10))).toEqual(new Set(["BIND_ACCOUNT_SUSPENDED"]));

    const lucky = await residentFrom(freshIp());
    const res = await lucky.bind(target.accountNo, "phone_tail", tail);
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe("BIND_ACCOUNT_SUSPENDED");
    expect(res.body.error.message).toMatch(/服务大厅/);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(23 * 3600); // the first counted failure leaves the 24-hour window
    expect(retryAfter).toBeLessThanOrEqual(24 * 3600);
    expect(await srv.deps.ds.getRepository(AccountBinding).countBy({ accountId: target.id })).toBe(0);
    // refused attempts are not recorded: the pause ends when the ten failures leave the window
    expect(await srv.deps.ds.getRepository(BindAttempt).countBy({ accountNo: target.accountNo, success: false })).toBe(
      10,
    );
  });

  it("an unknown 户号 pauses exactly like a real one (no enumeration)", async () => {
    const answers: { status: number; code: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await residentFrom(freshIp());
      for (const guess of ["1111", "2222", "3333"]) {
        const res = await r.bind("99999997", "phone_tail", guess);
        answers.push({ status: res.status, code: res.body.error.code });
      }
    }
    expect(answers.slice(0, 10).every((a) => a.status === 400 && a.code === "BIND_FAILED")).toBe(true);
    expect(answers.slice(10)).toEqual([
      { status: 429, code: "BIND_ACCOUNT_SUSPENDED" },
      { status: 429, code: "BIND_ACCOUNT_SUSPENDED" },
    ]);
  });

  it("a binding after many failures alerts the supervisors, texts the phone on file and tells earlier residents", async () => {
    const target = county.rows[11];
    const phone = srv.deps.vault.decrypt(target.phoneEnc) as string;
    const tail = phone.slice(-4);
    const household = await residentFrom(freshIp());
    expect((await household.bind(target.accountNo, "phone_tail", tail)).status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const r = await residentFrom(freshIp());
      for (const guess of wrongTails(tail, 3))
        expect((await r.bind(target.accountNo, "phone_tail", guess)).status).toBe(400);
    }
    const binder = await residentFrom(freshIp());
    const bound = await binder.bind(target.accountNo, "phone_tail", tail);
    expect(bound.status).toBe(201);

    const sup = await staffFrom(freshIp(), "supervisor");
    const alert = await until(async () => {
      const page = await sup.get("/api/v1/staff/alerts");
      return page.body.items.find(
        (a: { kind: string; title: string }) => a.kind === "bind_after_failures" && a.title.includes(target.accountNo),
      );
    });
    expect(alert.ticket).toBeNull();
    expect(alert.body).toContain("失败 6 次");
    expect(alert.body).toContain(`#${binder.id}`);

    const sms = await until(async () => {
      const res = await client(srv.url).get(`/sandbox/sms/test/messages?phone=${phone}`);
      return res.body.messages.length ? res.body.messages : null;
    });
    expect(sms).toHaveLength(1);
    expect(sms[0].templateCode).toBe(srv.deps.config.sms.templates.bind_alert);
    expect(sms[0].text).toContain(target.accountNo);
    expect(sms[0].text).toContain("如非您本人或家人操作");

    const note = await until(async () => {
      const n = await household.get("/api/v1/me/notifications");
      return n.body.items.find((x: { kind: string }) => x.kind === "account_bound_elsewhere");
    });
    expect(note.body).toContain(target.accountNo);

    // the job ran once per binding, however often it is retried: one alert, one text
    await srv.deps.jobs.kick();
    expect(
      await srv.deps.ds.getRepository(StaffAlert).countBy({ kind: "bind_after_failures", subjectId: target.id }),
    ).toBe(1);
  });

  it("a binding after a few slips of the owner raises nothing", async () => {
    const target = county.rows[12];
    const r = await residentFrom(freshIp());
    expect((await r.bind(target.accountNo, "owner_name", "张冠李戴")).status).toBe(400);
    expect((await r.bind(target.accountNo, "owner_name", target.ownerName)).status).toBe(201);
    await new Promise((done) => setTimeout(done, 500));
    expect(
      await srv.deps.ds.getRepository(StaffAlert).countBy({ subjectType: "heating_account", subjectId: target.id }),
    ).toBe(0);
  });

  it("failed attempts per client address: 20 an hour from one address, whoever signs in there", async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await residentFrom(ip);
      for (let j = 0; j < 4; j++) statuses.push((await r.bind(`8888${i}${j}01`, "owner_name", "某某")).status);
    }
    expect(statuses).toEqual(Array(20).fill(400));
    const next = await residentFrom(ip);
    const refused = await next.bind(county.rows[13].accountNo, "owner_name", county.rows[13].ownerName);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("BIND_RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // another address is not affected
    const elsewhere = await residentFrom(freshIp());
    expect((await elsewhere.bind(county.rows[13].accountNo, "owner_name", county.rows[13].ownerName)).status).toBe(201);
  });

  it("staff lists never show a binding factor: no phone tail, no ID tail", async () => {
    const sup = await staffFrom(freshIp(), "supervisor");
    const target = county.rows[14];
    const res = await sup.get(`/api/v1/staff/accounts/${target.id}`);
    expect(res.status).toBe(200);
    const phone = srv.deps.vault.decrypt(target.phoneEnc) as string;
    const id = srv.deps.vault.decrypt(target.idNumberEnc) as string;
    expect(res.body.phoneMasked).toBe(`${phone.slice(0, 3)}${"*".repeat(phone.length - 3)}`);
    expect(res.body.idNumberMasked).toBe(`${id.slice(0, 3)}${"*".repeat(id.length - 3)}`);
  });
});

describe("staff sign-in: no lockout weapon, no user-name enumeration", () => {
  it("a wrong password answers the same for a known and an unknown name, without remaining attempts", async () => {
    const ip = freshIp();
    const known = await staffLoginFrom(ip, "cashier", "wrong-password");
    const unknown = await staffLoginFrom(ip, "no_such_user", "wrong-password");
    expect(known.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(known.body).toEqual(unknown.body);
    expect(known.body).toEqual({ error: { code: "STAFF_LOGIN_FAILED", message: "用户名或密码错误" } });
  });

  it("from one address, failures must wait; known and unknown names alike; others are not locked out", async () => {
    const ip = freshIp();
    const answers = async (username: string) => {
      const out: { status: number; code: string }[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await staffLoginFrom(ip, username, "wrong-password");
        out.push({ status: r.status, code: r.body.error.code });
      }
      return out;
    };
    const expected = [
      ...Array(3).fill({ status: 401, code: "STAFF_LOGIN_FAILED" }),
      { status: 429, code: "STAFF_LOGIN_THROTTLED" },
    ];
    expect(await answers("dispatcher")).toEqual(expected);
    expect(await answers("ghost_user")).toEqual(expected);
    // the right password waits too, from this address …
    const waiting = await staffLoginFrom(ip, "dispatcher", DEMO_PASSWORD);
    expect(waiting.status).toBe(429);
    expect(waiting.body.error.message).toMatch(/稍后/);
    // … but the account is not locked: the dispatcher signs in from their own desk
    expect((await staffLoginFrom(freshIp(), "dispatcher", DEMO_PASSWORD)).status).toBe(200);

    expect(Number(waiting.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(waiting.headers.get("retry-after"))).toBeLessThanOrEqual(30); // STAFF_LOGIN_DELAY_S
    // (that the waits then grow is server/src/modules/staff/loginThrottle.test.ts)
  });

  it("failures per address across names: the 13th attempt waits, even with a right password", async () => {
    const ip = freshIp();
    for (let i = 0; i < 12; i++) expect((await staffLoginFrom(ip, `nobody_${i}`, "x")).status).toBe(401);
    const r = await staffLoginFrom(ip, "hotline_agent", DEMO_PASSWORD);
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe("STAFF_LOGIN_THROTTLED");
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("a lock needs many failures from several addresses; it alerts the supervisors and an admin unlocks it", async () => {
    const user = await createStaffUser(srv.deps.ds, {
      username: "lock_target",
      displayName: "被锁测试",
      password: DEMO_PASSWORD,
      roles: ["cashier"],
    });
    const answers: string[] = [];
    for (let a = 0; a < 4; a++) {
      const ip = freshIp();
      for (let i = 0; i < 3; i++) answers.push((await staffLoginFrom(ip, "lock_target", "guess")).body.error.code);
    }
    // nothing in the answers says the name exists or got locked
    expect(new Set(answers)).toEqual(new Set(["STAFF_LOGIN_FAILED"]));
    // only the right password learns about the lock
    const locked = await staffLoginFrom(freshIp(), "lock_target", DEMO_PASSWORD);
    expect(locked.status).toBe(423);
    expect(locked.body.error.code).toBe("STAFF_LOCKED");

    const sup = await staffFrom(freshIp(), "supervisor");
    const page = await sup.get("/api/v1/staff/alerts");
    const alert = page.body.items.find(
      (a: { kind: string; title: string }) => a.kind === "staff_locked" && a.title.includes("lock_target"),
    );
    expect(alert).toBeTruthy();
    expect(alert.body).toMatch(/连续 10 次密码错误/);

    // unlocking is the admin's
    expect((await sup.post(`/api/v1/staff/users/${user.id}/unlock`)).status).toBe(403);
    const admin = await staffFrom(freshIp(), "admin");
    expect((await admin.post("/api/v1/staff/users/99999999/unlock")).status).toBe(404);
    const unlock = await admin.post(`/api/v1/staff/users/${user.id}/unlock`);
    expect(unlock.status).toBe(204);
    const row = await srv.deps.ds
      .getRepository(AuditLog)
      .findOneBy({ action: "staff.unlock", targetId: String(user.id) });
    expect(row?.details).toMatchObject({ wasLocked: true });
    expect((await staffLoginFrom(freshIp(), "lock_target", DEMO_PASSWORD)).status).toBe(200);
  });
});

describe("request rates per client address", () => {
  it("sign-in: the 21st request within a minute answers 429 in Chinese with Retry-After; other addresses go on", async () => {
    const ip = freshIp();
    for (let i = 0; i < 20; i++) {
      const r = await client(srv.url).post("/api/v1/auth/refresh", { refreshToken: `bogus-token-${i}` }, from(ip));
      expect(r.status).toBe(401);
    }
    const limited = await client(srv.url).post(
      "/api/v1/auth/staff/login",
      { username: "admin", password: DEMO_PASSWORD },
      from(ip),
    );
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: "RATE_LIMITED", message: "请求过于频繁，请稍后再试" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    const code = await client(srv.url).post("/sandbox/wechat/test/codes", {});
    const resident = await client(srv.url).post(
      "/api/v1/auth/resident/login",
      { provider: "wechat", code: code.body.code },
      from(ip),
    );
    expect(resident.status).toBe(429);
    expect((await staffLoginFrom(freshIp(), "admin", DEMO_PASSWORD)).status).toBe(200);
  });

  it("binding: the 31st request from one address within ten minutes answers 429", async () => {
    const ip = freshIp();
    const r = await residentFrom(ip);
    const target = county.rows[15];
    expect((await r.bind(target.accountNo, "owner_name", target.ownerName)).status).toBe(201);
    for (let i = 0; i < 29; i++)
      expect((await r.bind(target.accountNo, "owner_name", target.ownerName)).status).toBe(409);
    const limited = await r.bind(target.accountNo, "owner_name", target.ownerName);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("photo uploads", () => {
  const jpeg = (bytes: number) => {
    const b = Buffer.alloc(bytes, 0x20);
    b.set([0xff, 0xd8, 0xff, 0xe0]);
    return b;
  };
  const upload = async (path: string, token: string, ip: string, bytes: Buffer) => {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(bytes)], { type: "image/jpeg" }), "p.jpg");
    const res = await fetch(`${srv.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, ...from(ip) },
      body: form,
    });
    const body = (await res.json()) as { id: number; error: { code: string; message: string } };
    return { status: res.status, body, retryAfter: res.headers.get("retry-after") };
  };

  it("a resident holds at most UPLOAD_DAILY_PHOTOS unclaimed photos a day; claimed ones free the quota", async () => {
    const ip = freshIp();
    const r = await residentFrom(ip);
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await upload("/api/v1/me/photos", r.token, ip, jpeg(1000));
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const over = await upload("/api/v1/me/photos", r.token, ip, jpeg(1000));
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({
      code: "UPLOAD_QUOTA_EXCEEDED",
      message: expect.stringMatching(/照片过多/),
    });
    expect(await srv.deps.ds.getRepository(TicketPhoto).countBy({ ownerKind: "resident", ownerId: r.id })).toBe(3);
    // a report took one of them: room for one more
    await srv.deps.ds.getRepository(TicketPhoto).update({ id: ids[0] }, { ticketId: 1 });
    expect((await upload("/api/v1/me/photos", r.token, ip, jpeg(1000))).status).toBe(201);
  });

  it("… and at most UPLOAD_DAILY_MB of them", async () => {
    const ip = freshIp();
    const r = await residentFrom(ip);
    expect((await upload("/api/v1/me/photos", r.token, ip, jpeg(700 * 1024))).status).toBe(201);
    const over = await upload("/api/v1/me/photos", r.token, ip, jpeg(400 * 1024));
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe("UPLOAD_QUOTA_EXCEEDED");
  });

  it("upload requests per client address: the 13th within ten minutes answers 429 (staff too)", async () => {
    const ip = freshIp();
    const staff = await staffLoginFrom(freshIp(), "hotline_agent", DEMO_PASSWORD);
    for (let i = 0; i < 12; i++) {
      expect((await upload("/api/v1/staff/photos", staff.body.accessToken, ip, jpeg(500))).status).toBe(201);
    }
    const limited = await upload("/api/v1/staff/photos", staff.body.accessToken, ip, jpeg(500));
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("RATE_LIMITED");
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
  });
});
