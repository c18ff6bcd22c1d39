import { STAFF_ROLES } from "@warmline/shared";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { createStaffUser } from "@warmline/server/src/modules/staff";
import { bindByName, seedSmallCounty } from "../support/county";
import { client, residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;

beforeAll(async () => {
  // the account lock on its own: the waits per client address (abuse.test.ts) are raised out of its way
  srv = await startTestServer({
    STAFF_MAX_FAILED_LOGINS: "5",
    STAFF_LOGIN_FREE_FAILURES: "50",
    STAFF_LOGIN_IP_MAX_FAILURES: "500",
  });
  county = await seedSmallCounty(srv.deps, 80);
});
afterAll(async () => srv?.close());

describe("staff sign-in", () => {
  it("signs in with username and password and reports the roles", async () => {
    const s = await staffLogin(srv.url, "hotline_agent", DEMO_PASSWORD);
    expect(s.staff.roles).toEqual(["hotline_agent"]);
    const me = await s.api.get("/api/v1/staff/me");
    expect(me.status).toBe(200);
    expect(me.body.username).toBe("hotline_agent");
  });

  it("counts wrong passwords, locks at the limit without saying so, and audits it", async () => {
    await createStaffUser(srv.deps.ds, {
      username: "locktest",
      displayName: "锁定测试",
      password: DEMO_PASSWORD,
      roles: ["cashier"],
    });
    const api = client(srv.url);
    const unknown = await api.post("/api/v1/auth/staff/login", { username: "nobody_here", password: "wrong" });
    for (let i = 0; i < 5; i++) {
      const r = await api.post("/api/v1/auth/staff/login", { username: "locktest", password: "wrong" });
      // the same answer as for a name that does not exist: no remaining attempts, no hint of the lock
      expect(r.status).toBe(401);
      expect(r.body).toEqual(unknown.body);
    }
    expect(unknown.body).toEqual({ error: { code: "STAFF_LOGIN_FAILED", message: "用户名或密码错误" } });
    // only the right password learns that the account is locked
    const right = await api.post("/api/v1/auth/staff/login", { username: "locktest", password: DEMO_PASSWORD });
    expect(right.status).toBe(423);
    expect(right.body.error.code).toBe("STAFF_LOCKED");
    const wrongWhileLocked = await api.post("/api/v1/auth/staff/login", { username: "locktest", password: "wrong" });
    expect(wrongWhileLocked.body).toEqual(unknown.body);
    const actions = (await srv.deps.ds.getRepository(AuditLog).find({ where: { targetType: "staff_user" } })).map(
      (a) => a.action,
    );
    expect(actions.filter((a) => a === "staff.login_failed")).toHaveLength(4);
    expect(actions).toContain("staff.locked");
    expect(actions.filter((a) => a === "staff.login_locked")).toHaveLength(2);
  });

  it("unknown users fail like wrong passwords", async () => {
    const r = await client(srv.url).post("/api/v1/auth/staff/login", { username: "nobody", password: "x" });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("STAFF_LOGIN_FAILED");
  });

  it("a resident token cannot call staff routes, a staff token cannot call resident routes", async () => {
    const r = await residentLogin(srv.url);
    expect((await r.api.get("/api/v1/staff/accounts")).status).toBe(403);
    const s = await staffLogin(srv.url, "dispatcher", DEMO_PASSWORD);
    expect((await s.api.get("/api/v1/me/accounts")).status).toBe(403);
  });

  it("role gates: only supervisor and admin read the audit log", async () => {
    const agent = await staffLogin(srv.url, "hotline_agent", DEMO_PASSWORD);
    expect((await agent.api.get("/api/v1/staff/audit-logs")).status).toBe(403);
    const sup = await staffLogin(srv.url, "supervisor", DEMO_PASSWORD);
    const logs = await sup.api.get("/api/v1/staff/audit-logs");
    expect(logs.status).toBe(200);
    expect(logs.body.total).toBeGreaterThan(0);
  });
});

describe("tokens", () => {
  it("rotates refresh tokens; a reused old one is refused and revokes the family", async () => {
    const s = await staffLogin(srv.url, "dispatcher", DEMO_PASSWORD);
    const api = client(srv.url);
    const r1 = await api.post("/api/v1/auth/refresh", { refreshToken: s.refreshToken });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(s.refreshToken);
    const reuse = await api.post("/api/v1/auth/refresh", { refreshToken: s.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe("REFRESH_TOKEN_INVALID");
    // the thief's use killed the legitimate newer token too
    const r2 = await api.post("/api/v1/auth/refresh", { refreshToken: r1.body.refreshToken });
    expect(r2.status).toBe(401);
  });

  it("logout revokes the refresh token", async () => {
    const r = await residentLogin(srv.url);
    expect((await client(srv.url).post("/api/v1/auth/logout", { refreshToken: r.refreshToken })).status).toBe(204);
    expect((await client(srv.url).post("/api/v1/auth/refresh", { refreshToken: r.refreshToken })).status).toBe(401);
  });

  it("an expired access token answers TOKEN_EXPIRED; a forged one UNAUTHENTICATED", async () => {
    const key = new TextEncoder().encode(srv.deps.config.auth.tokenSecret);
    const expired = await new SignJWT({ kind: "resident" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("1")
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key);
    const r = await client(srv.url, expired).get("/api/v1/me");
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("TOKEN_EXPIRED");
    const forged = await new SignJWT({ kind: "staff", roles: ["admin"] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("1")
      .setExpirationTime("10m")
      .sign(new TextEncoder().encode("x".repeat(40)));
    const f = await client(srv.url, forged).get("/api/v1/staff/me");
    expect(f.status).toBe(401);
    expect(f.body.error.code).toBe("UNAUTHENTICATED");
  });
});

describe("account desk", () => {
  it("finds an account by 户号, by full phone, and by address text; results are masked", async () => {
    const s = await staffLogin(srv.url, "hotline_agent", DEMO_PASSWORD);
    const h = county.households[0];
    const byNo = await s.api.get(`/api/v1/staff/accounts?q=${h.account.accountNo}`);
    expect(byNo.body.items.map((a: { id: number }) => a.id)).toContain(h.account.id);
    const byPhone = await s.api.get(`/api/v1/staff/accounts?q=${h.phone}`);
    expect(byPhone.body.items.map((a: { id: number }) => a.id)).toEqual([h.account.id]);
    expect(byPhone.body.items[0].phoneMasked).toBe("138********");
    const byAddress = await s.api.get(`/api/v1/staff/accounts?q=${encodeURIComponent(h.account.address)}`);
    expect(byAddress.body.items[0].id).toBe(h.account.id);
    const paged = await s.api.get("/api/v1/staff/accounts?page=2&pageSize=10");
    expect(paged.body.items).toHaveLength(10);
    expect(paged.body.total).toBe(county.rows.length);
    const none = await s.api.get("/api/v1/staff/accounts?q=%25%25%25");
    expect(none.body.total).toBe(0);
  });

  it("reveals a phone to the hotline agent with an audit row; refuses the ID number", async () => {
    const s = await staffLogin(srv.url, "hotline_agent", DEMO_PASSWORD);
    const h = county.households[0];
    const ok = await s.api.post(`/api/v1/staff/accounts/${h.account.id}/reveal`, {
      fields: ["phone"],
      reason: "回访电话",
    });
    expect(ok.status).toBe(200);
    expect(ok.body.phone).toBe(h.phone);
    const audit = await srv.deps.ds
      .getRepository(AuditLog)
      .findOneByOrFail({ action: "pii.reveal", actorId: s.staff.id, targetId: String(h.account.id) });
    expect(audit.details).toMatchObject({ fields: ["phone"], reason: "回访电话" });
    const denied = await s.api.post(`/api/v1/staff/accounts/${h.account.id}/reveal`, {
      fields: ["idNumber"],
      reason: "核实身份",
    });
    expect(denied.status).toBe(403);
    expect(denied.text).not.toContain(h.idNumber);
    const noReason = await s.api.post(`/api/v1/staff/accounts/${h.account.id}/reveal`, {
      fields: ["phone"],
      reason: "",
    });
    expect(noReason.status).toBe(400);
  });

  it("no full ID number or phone appears in any response to a role that may not see it", async () => {
    const bodies: string[] = [];
    const statuses: number[] = [];
    const h = county.households[0];
    const resident = await residentLogin(srv.url);
    await bindByName(resident.api, h);
    for (const path of [
      "/api/v1/me",
      "/api/v1/me/accounts",
      `/api/v1/me/accounts/${h.account.id}`,
      "/api/v1/me/notifications",
    ]) {
      const r = await resident.api.get(path);
      statuses.push(r.status);
      bodies.push(r.text);
    }
    for (const role of STAFF_ROLES) {
      const s = await staffLogin(srv.url, role, DEMO_PASSWORD);
      for (const path of [
        "/api/v1/staff/me",
        "/api/v1/staff/accounts?pageSize=100",
        `/api/v1/staff/accounts?q=${h.phone}`,
        `/api/v1/staff/accounts?q=${h.idNumber}`,
        `/api/v1/staff/accounts/${h.account.id}`,
        "/api/v1/staff/communities",
        "/api/v1/staff/audit-logs?pageSize=100",
      ]) {
        const r = await s.api.get(path);
        statuses.push(r.status);
        bodies.push(r.text);
      }
      // the reveal answers only what the role may see
      const reveal = await s.api.post(`/api/v1/staff/accounts/${h.account.id}/reveal`, {
        fields: ["idNumber"],
        reason: "测试权限",
      });
      if (!["community_reviewer", "center_reviewer", "legal_officer", "admin"].includes(role)) bodies.push(reveal.text);
      else expect(reveal.body.idNumber).toBe(h.idNumber);
    }
    const all = bodies.join("\n");
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(all.length).toBeGreaterThan(10_000);
    for (const phone of county.allPhones) expect(all).not.toContain(phone);
    for (const id of county.allIds) expect(all).not.toContain(id);
    expect(all).toContain("138********"); // the masked form is there: the scan looked at real data
    // and no masked value gives a binding factor away: neither a phone's last 4 nor an ID's last 6
    for (const phone of county.allPhones) expect(all).not.toContain(`*${phone.slice(-4)}`);
    for (const id of county.allIds) expect(all).not.toContain(`*${id.slice(-4)}`);
  });
});
