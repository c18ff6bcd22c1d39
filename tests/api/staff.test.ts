import { passwordProblems, STAFF_ROLES } from "@warmline/shared";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { Community, HeatStation } from "@warmline/server/src/modules/accounts";
import { createStaffUser, StaffRoleGrant, StaffUser } from "@warmline/server/src/modules/staff";
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

describe("staff administration (admin)", () => {
  const GOOD = "Kettle-Blue-42";
  const station = async () => (await srv.deps.ds.getRepository(HeatStation).find({ order: { id: "ASC" } }))[0];
  const community = async () => (await srv.deps.ds.getRepository(Community).find({ order: { id: "ASC" } }))[0];
  const audits = async (action: string, targetId: number) =>
    srv.deps.ds.getRepository(AuditLog).findBy({ action, targetType: "staff_user", targetId: String(targetId) });
  const patch = (api: ReturnType<typeof client>, path: string, body: unknown) => api.call("PATCH", path, body);

  it("creates a technician with a station; checks name, roles, scope and password rules; audits it", async () => {
    const admin = await staffLogin(srv.url, "admin", DEMO_PASSWORD);
    const st = await station();
    const body = {
      username: "Tech_Wang",
      displayName: "王师傅",
      phone: "13900001111",
      roles: ["technician"],
      stationId: st.id,
      password: GOOD,
    };
    const noStation = await admin.api.post("/api/v1/staff/users", { ...body, stationId: null });
    expect(noStation.status).toBe(400);
    expect(noStation.body.error.details).toContainEqual({
      path: "stationId",
      message: "调度员、维修员需要指定所属换热站",
      in: "body",
    });
    const weak = await admin.api.post("/api/v1/staff/users", { ...body, password: "tech_wang" });
    expect(weak.status).toBe(400);
    expect(weak.body.error.details.map((d: { path: string }) => d.path)).toEqual(["password", "password", "password"]); // short, 2 kinds, the name
    const unknownStation = await admin.api.post("/api/v1/staff/users", { ...body, stationId: 999_999 });
    expect(unknownStation.status).toBe(400);
    expect(unknownStation.body.error.code).toBe("STAFF_SCOPE_INVALID");
    expect(await srv.deps.ds.getRepository(StaffUser).existsBy({ username: "tech_wang" })).toBe(false);

    const made = await admin.api.post("/api/v1/staff/users", body);
    expect(made.status).toBe(201);
    expect(made.body.temporaryPassword).toBeNull();
    expect(made.body.user).toMatchObject({
      username: "tech_wang", // names are kept in lower case
      displayName: "王师傅",
      phoneMasked: "139********",
      roles: ["technician"],
      stationId: st.id,
      stationName: st.name,
      status: "active",
      mustChangePassword: true,
      lastLoginAt: null,
    });
    const again = await admin.api.post("/api/v1/staff/users", { ...body, username: "TECH_WANG" });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "STAFF_USERNAME_TAKEN", message: "该用户名已被使用" });

    const [row] = await audits("staff.create", made.body.user.id);
    expect(row.actorId).toBe(admin.staff.id);
    expect(row.details).toMatchObject({
      username: "tech_wang",
      roles: ["technician"],
      stationId: st.id,
      generated: false,
    });
    expect(JSON.stringify(row.details)).not.toContain(GOOD);
    // the phone is stored encrypted
    const stored = await srv.deps.ds.getRepository(StaffUser).findOneByOrFail({ id: made.body.user.id });
    expect(stored.phoneEnc).not.toContain("13900001111");

    const list = await admin.api.get("/api/v1/staff/users?q=tech_w");
    expect(list.status).toBe(200);
    expect(list.body.items.map((u: { username: string }) => u.username)).toEqual(["tech_wang"]);
    const byRole = await admin.api.get("/api/v1/staff/users?role=technician&pageSize=100");
    expect(byRole.body.items.map((u: { username: string }) => u.username)).toEqual(["technician", "tech_wang"]);
    const byPhone = await admin.api.get("/api/v1/staff/users?q=13900001111");
    expect(byPhone.body.items.map((u: { username: string }) => u.username)).toEqual(["tech_wang"]);
    expect(list.text).not.toContain("13900001111");
  });

  it("a generated password is shown once, passes the rules, and must be changed at first sign-in", async () => {
    const admin = await staffLogin(srv.url, "admin", DEMO_PASSWORD);
    const co = await community();
    const made = await admin.api.post("/api/v1/staff/users", {
      username: "grid_li",
      displayName: "李网格",
      roles: ["grid_worker"],
      communityId: co.id,
    });
    expect(made.status).toBe(201);
    const temp: string = made.body.temporaryPassword;
    expect(passwordProblems(temp, "grid_li")).toEqual([]);
    expect(made.body.user.communityName).toBe(co.name);

    const login = await client(srv.url).post("/api/v1/auth/staff/login", { username: "grid_li", password: temp });
    expect(login.status).toBe(200);
    expect(login.body.staff.mustChangePassword).toBe(true);
    const user = client(srv.url, login.body.accessToken);
    // only 我是谁 and 修改密码 answer until the password is changed
    expect((await user.get("/api/v1/staff/me")).body.mustChangePassword).toBe(true);
    const blocked = await user.get("/api/v1/staff/accounts");
    expect(blocked.status).toBe(403);
    expect(blocked.body.error).toEqual({ code: "PASSWORD_CHANGE_REQUIRED", message: "请先修改密码后再继续使用" });

    const wrongOld = await user.post("/api/v1/staff/me/password", { currentPassword: "nope", newPassword: GOOD });
    expect(wrongOld.status).toBe(400);
    expect(wrongOld.body.error.code).toBe("CURRENT_PASSWORD_WRONG");
    const withName = await user.post("/api/v1/staff/me/password", {
      currentPassword: temp,
      newPassword: "Grid_Li-2026x",
    });
    expect(withName.status).toBe(400);
    expect(withName.body.error.code).toBe("PASSWORD_TOO_WEAK");
    expect(withName.body.error.details).toEqual([{ path: "newPassword", message: "密码不能包含用户名" }]);
    const same = await user.post("/api/v1/staff/me/password", { currentPassword: temp, newPassword: temp });
    expect(same.body.error.code).toBe("PASSWORD_REUSED");

    const ok = await user.post("/api/v1/staff/me/password", { currentPassword: temp, newPassword: GOOD });
    expect(ok.status).toBe(204);
    // the same token works now
    expect((await user.get("/api/v1/staff/accounts")).status).toBe(200);
    expect((await user.get("/api/v1/staff/me")).body.mustChangePassword).toBe(false);
    expect(
      (await client(srv.url).post("/api/v1/auth/staff/login", { username: "grid_li", password: temp })).status,
    ).toBe(401);
    const again = await staffLogin(srv.url, "grid_li", GOOD);
    expect(again.staff).toMatchObject({ mustChangePassword: false });
    const [row] = await audits("staff.password_change", made.body.user.id);
    expect(row.details).toEqual({ forced: true });
  });

  it("the demo staff are not forced to change; the change needs the old password", async () => {
    const cashier = await staffLogin(srv.url, "cashier", DEMO_PASSWORD);
    expect(cashier.staff).toMatchObject({ mustChangePassword: false });
    expect((await cashier.api.get("/api/v1/staff/payments")).status).toBe(200);
    const missing = await cashier.api.post("/api/v1/staff/me/password", { newPassword: GOOD });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe("VALIDATION_FAILED");
    const wrong = await cashier.api.post("/api/v1/staff/me/password", { currentPassword: "x", newPassword: GOOD });
    expect(wrong.body.error.code).toBe("CURRENT_PASSWORD_WRONG");
    expect((await staffLogin(srv.url, "cashier", DEMO_PASSWORD)).staff.id).toBe(cashier.staff.id);
  });

  it("a reset ends the user's sessions, unlocks the account and forces a change; audited without the password", async () => {
    const admin = await staffLogin(srv.url, "admin", DEMO_PASSWORD);
    const made = await admin.api.post("/api/v1/staff/users", {
      username: "hotline_zhao",
      displayName: "赵坐席",
      roles: ["hotline_agent"],
      password: GOOD,
    });
    const id = made.body.user.id;
    const temp0: string = made.body.temporaryPassword ?? GOOD;
    const s0 = await staffLogin(srv.url, "hotline_zhao", temp0);
    await s0.api.post("/api/v1/staff/me/password", { currentPassword: GOOD, newPassword: "Radiator-7-Warm" });
    const s = await staffLogin(srv.url, "hotline_zhao", "Radiator-7-Warm");
    expect((await s.api.get("/api/v1/staff/accounts")).status).toBe(200);
    await srv.deps.ds.getRepository(StaffUser).update({ id }, { lockedUntil: new Date(Date.now() + 600_000) });
    expect((await admin.api.get("/api/v1/staff/users?q=hotline_zhao")).body.items[0].status).toBe("locked");

    const weak = await admin.api.post(`/api/v1/staff/users/${id}/reset-password`, { password: "short" });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe("PASSWORD_TOO_WEAK");
    const reset = await admin.api.post(`/api/v1/staff/users/${id}/reset-password`, { password: "Boiler-Room-88" });
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ temporaryPassword: null, user: { status: "active", mustChangePassword: true } });
    // the old session: the refresh token is revoked, the access token may only change the password
    expect((await client(srv.url).post("/api/v1/auth/refresh", { refreshToken: s.refreshToken })).status).toBe(401);
    expect((await s.api.get("/api/v1/staff/accounts")).body.error.code).toBe("PASSWORD_CHANGE_REQUIRED");
    expect(
      (
        await client(srv.url).post("/api/v1/auth/staff/login", {
          username: "hotline_zhao",
          password: "Radiator-7-Warm",
        })
      ).status,
    ).toBe(401);
    const fresh = await staffLogin(srv.url, "hotline_zhao", "Boiler-Room-88");
    expect(fresh.staff).toMatchObject({ mustChangePassword: true });
    const generated = await admin.api.post(`/api/v1/staff/users/${id}/reset-password`, {});
    expect(passwordProblems(generated.body.temporaryPassword, "hotline_zhao")).toEqual([]);
    const rows = await audits("staff.password_reset", id);
    expect(rows.map((r) => r.details)).toEqual([
      { generated: false, mustChangePassword: true },
      { generated: true, mustChangePassword: true },
    ]);
    expect(JSON.stringify(rows)).not.toContain("Boiler-Room-88");
    expect((await admin.api.post("/api/v1/staff/users/999999/reset-password", {})).status).toBe(404);
  });

  it("disabling ends the user's session at once; enabling lets them sign in again; both audited", async () => {
    const admin = await staffLogin(srv.url, "admin", DEMO_PASSWORD);
    const made = await admin.api.post("/api/v1/staff/users", {
      username: "cashier_sun",
      displayName: "孙收费",
      roles: ["cashier"],
      password: GOOD,
    });
    const id = made.body.user.id;
    await srv.deps.ds.getRepository(StaffUser).update({ id }, { mustChangePassword: false });
    const s = await staffLogin(srv.url, "cashier_sun", GOOD);
    expect((await s.api.get("/api/v1/staff/payments")).status).toBe(200);

    const off = await admin.api.post(`/api/v1/staff/users/${id}/disable`, { reason: "离职" });
    expect(off.status).toBe(200);
    expect(off.body.status).toBe("disabled");
    // the access token the user holds stops working on the next request, and so does the refresh token
    const me = await s.api.get("/api/v1/staff/me");
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe("UNAUTHENTICATED");
    expect((await s.api.get("/api/v1/staff/payments")).status).toBe(401);
    expect((await client(srv.url).post("/api/v1/auth/refresh", { refreshToken: s.refreshToken })).status).toBe(401);
    const login = await client(srv.url).post("/api/v1/auth/staff/login", { username: "cashier_sun", password: GOOD });
    expect(login.status).toBe(403);
    expect(login.body.error.code).toBe("STAFF_DISABLED");
    expect(
      (await admin.api.get("/api/v1/staff/users?status=disabled")).body.items.map((u: { id: number }) => u.id),
    ).toContain(id);

    const on = await admin.api.post(`/api/v1/staff/users/${id}/enable`, {});
    expect(on.body.status).toBe("active");
    expect((await staffLogin(srv.url, "cashier_sun", GOOD)).staff.id).toBe(id);
    expect((await audits("staff.disable", id)).map((r) => r.details)).toEqual([{ reason: "离职" }]);
    expect(await audits("staff.enable", id)).toHaveLength(1);
  });

  it("role and scope changes apply to the user's current token at once", async () => {
    const admin = await staffLogin(srv.url, "admin", DEMO_PASSWORD);
    const st = await station();
    const made = await admin.api.post("/api/v1/staff/users", {
      username: "disp_qian",
      displayName: "钱调度",
      roles: ["dispatcher", "cashier"],
      stationId: st.id,
      password: GOOD,
    });
    const id = made.body.user.id;
    await srv.deps.ds.getRepository(StaffUser).update({ id }, { mustChangePassword: false });
    const s = await staffLogin(srv.url, "disp_qian", GOOD);
    expect((await s.api.get("/api/v1/staff/payments")).status).toBe(200);
    const noScope = await patch(admin.api, `/api/v1/staff/users/${id}`, {
      displayName: "钱调度",
      roles: ["dispatcher"],
    });
    expect(noScope.status).toBe(400);
    const changed = await patch(admin.api, `/api/v1/staff/users/${id}`, {
      displayName: "钱调度员",
      roles: ["dispatcher"],
      stationId: st.id,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ displayName: "钱调度员", roles: ["dispatcher"] });
    expect((await s.api.get("/api/v1/staff/payments")).status).toBe(403);
    const [row] = await audits("staff.update", id);
    expect(row.details).toMatchObject({ rolesBefore: ["dispatcher", "cashier"], roles: ["dispatcher"] });
    expect(
      (await patch(admin.api, "/api/v1/staff/users/999999", { displayName: "x", roles: ["cashier"] })).status,
    ).toBe(404);
  });

  it("the last active admin can be neither disabled nor lose the role; an admin cannot disable themselves", async () => {
    const admin = await staffLogin(srv.url, "admin", DEMO_PASSWORD);
    const self = admin.staff.id;
    const off = await admin.api.post(`/api/v1/staff/users/${self}/disable`, {});
    expect(off.status).toBe(409);
    expect(off.body.error).toEqual({
      code: "STAFF_LAST_ADMIN",
      message: "这是最后一位在用的系统管理员，不能停用或取消其管理员角色",
    });
    const demote = await patch(admin.api, `/api/v1/staff/users/${self}`, {
      displayName: "管理员",
      roles: ["supervisor"],
    });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe("STAFF_LAST_ADMIN");
    expect((await rolesOfUser(self)).sort()).toEqual(["admin"]);

    // a second admin: now either may lose the role, but nobody disables themselves
    const made = await admin.api.post("/api/v1/staff/users", {
      username: "admin_two",
      displayName: "第二管理员",
      roles: ["admin"],
      password: GOOD,
    });
    const two = made.body.user.id;
    await srv.deps.ds.getRepository(StaffUser).update({ id: two }, { mustChangePassword: false });
    const second = await staffLogin(srv.url, "admin_two", GOOD);
    const selfOff = await second.api.post(`/api/v1/staff/users/${two}/disable`, {});
    expect(selfOff.status).toBe(409);
    expect(selfOff.body.error).toEqual({ code: "STAFF_CANNOT_DISABLE_SELF", message: "不能停用自己的账号" });

    // both at once, each against the other: one wins, one admin stays
    const [a, b] = await Promise.all([
      admin.api.post(`/api/v1/staff/users/${two}/disable`, {}),
      second.api.post(`/api/v1/staff/users/${self}/disable`, {}),
    ]);
    expect([a.status, b.status].filter((s) => s === 200)).toHaveLength(1);
    const activeAdmins = await srv.deps.ds.query(
      "SELECT COUNT(*) AS n FROM staff_users u JOIN staff_roles g ON g.staff_user_id = u.id WHERE g.role = 'admin' AND u.status = 'active'",
    );
    expect(Number(activeAdmins[0].n)).toBe(1);
    // put the demo admin back if the second one won
    if (b.status === 200) {
      await srv.deps.ds.getRepository(StaffUser).update({ id: self }, { status: "active" });
      await srv.deps.ds.getRepository(StaffUser).update({ id: two }, { status: "disabled" });
    }
    expect((await staffLogin(srv.url, "admin", DEMO_PASSWORD)).staff.id).toBe(self);
  });

  it("other roles are refused and nothing is written", async () => {
    const sup = await staffLogin(srv.url, "supervisor", DEMO_PASSWORD);
    const before = await srv.deps.ds.getRepository(StaffUser).count();
    const r = await sup.api.post("/api/v1/staff/users", {
      username: "sneaky",
      displayName: "x",
      roles: ["admin"],
      password: GOOD,
    });
    expect(r.status).toBe(403);
    expect((await sup.api.get("/api/v1/staff/users")).status).toBe(403);
    expect(await srv.deps.ds.getRepository(StaffUser).count()).toBe(before);
  });
});

async function rolesOfUser(id: number): Promise<string[]> {
  return (await srv.deps.ds.getRepository(StaffRoleGrant).findBy({ staffUserId: id })).map((g) => g.role);
}
