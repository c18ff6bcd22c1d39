import { StaffAlert } from "@warmline/server/src/modules/alerts";
import { seedCalendarFromPackage } from "@warmline/server/src/modules/calendar";
import { HardshipApplication, raiseReviewAlerts } from "@warmline/server/src/modules/hardship";
import { buildRegistry } from "@warmline/server/src/bootstrap";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seasonsWithBills } from "../support/billing";
import { seedSmallCounty } from "../support/county";
import { staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * 审核超时提醒 on MariaDB: an application waiting at one review step for more than N working days (default 3,
 * HARDSHIP_REVIEW_ALERT_WORKDAYS) raises one supervisors' alert per (application, step), counted on the
 * holiday calendar (国庆 2025, 春节 2026 and their make-up days); a wait running into a year without data
 * raises 节假日数据缺失 instead of guessing.
 */

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let agent: Staff;
let community: Staff;
let supervisor: Staff;

beforeAll(async () => {
  srv = await startTestServer();
  county = await seedSmallCounty(srv.deps, 12);
  await seasonsWithBills(srv.url, ["2025-2026"]);
  await seedCalendarFromPackage(srv.deps.ds); // 2024–2026 from the package, as the module does at start
  [agent, community, supervisor] = await Promise.all(
    ["hotline_agent", "community_reviewer", "supervisor"].map((u) => staffLogin(srv.url, u, DEMO_PASSWORD)),
  );
});
afterAll(async () => srv?.close());

/** a hotline application for the i-th account, then its wait set to begin at a Beijing wall-clock time */
async function applyWaitingSince(i: number, beijing: string): Promise<number> {
  const accountId = (county.rows[i] as { id: number }).id;
  const res = await agent.api.post("/api/v1/staff/hardship/applications", {
    accountId,
    category: "dibao",
    certificateNo: "DB6207221234",
    terms: { kind: "instalments", count: 2 },
    contactPhone: "13912345678",
    channel: "hotline",
  });
  expect(res.status, res.text).toBe(201);
  await setWaitingSince(res.body.id, beijing);
  return res.body.id;
}
async function setWaitingSince(id: number, beijing: string) {
  await srv.deps.ds.getRepository(HardshipApplication).update({ id }, { waitingSince: new Date(`${beijing}+08:00`) });
}
const at = (beijing: string) => new Date(`${beijing}+08:00`);
const alertsOf = (id: number) =>
  srv.deps.ds
    .getRepository(StaffAlert)
    .find({ where: { kind: "hardship_review_overdue", subjectId: id }, order: { id: "ASC" } });

describe("overdue review alerts on working days", () => {
  let autumn: number; // waits from Tue 2025-09-30, the eve of 国庆
  let spring: number; // waits from Thu 2026-02-12, before 春节

  it("the job is registered with the hardship module", () => {
    expect(buildRegistry().names()).toContain("hardship.review_alerts");
  });

  it("国庆 2025: waiting from 9-30, 3 working days end on the make-up Saturday 10-11 (not on Fri 10-03)", async () => {
    autumn = await applyWaitingSince(0, "2025-09-30T10:00:00");
    // plain Mon–Fri would call it overdue from 10-06; the holiday runs to 10-08, then 10-09, 10-10, 10-11
    for (const now of ["2025-10-06T09:00:00", "2025-10-10T18:00:00", "2025-10-11T23:59:00"]) {
      const run = await raiseReviewAlerts(srv.deps.ds, 3, at(now));
      expect(run.overdue, now).not.toContain(autumn);
    }
    expect(await alertsOf(autumn)).toHaveLength(0);
    const run = await raiseReviewAlerts(srv.deps.ds, 3, at("2025-10-12T08:00:00"));
    expect(run).toEqual({ overdue: [autumn], missingYears: [] });
    const [alert, ...more] = await alertsOf(autumn);
    expect(more).toHaveLength(0);
    expect(alert).toMatchObject({ audience: "supervisor", subjectType: "hardship_application" });
    expect(alert?.title).toMatch(/^困难申请KN.*待社区初审超时$/);
    expect(alert?.body).toContain("已超过3个工作日（应在2025-10-11前处理）");
    expect(alert?.data).toMatchObject({ status: "pending_community", dueDate: "2025-10-11", workdays: 3 });
  });

  it("reruns raise nothing new (one alert per application and step)", async () => {
    await raiseReviewAlerts(srv.deps.ds, 3, at("2025-10-12T09:00:00"));
    await raiseReviewAlerts(srv.deps.ds, 3, at("2025-10-20T09:00:00"));
    await Promise.all([1, 2, 3].map(() => raiseReviewAlerts(srv.deps.ds, 3, at("2025-10-21T09:00:00"))));
    expect(await alertsOf(autumn)).toHaveLength(1);
  });

  it("the next step waits afresh and gets its own alert", async () => {
    const res = await community.api.post(`/api/v1/staff/hardship/applications/${autumn}/community-review`, {
      decision: "approve",
      reason: "低保证明核实无误",
    });
    expect(res.status, res.text).toBe(200);
    const app = await srv.deps.ds.getRepository(HardshipApplication).findOneByOrFail({ id: autumn });
    expect(app.status).toBe("pending_center");
    await setWaitingSince(autumn, "2025-10-13T09:00:00"); // Mon: due Thu 10-16
    expect((await raiseReviewAlerts(srv.deps.ds, 3, at("2025-10-16T20:00:00"))).overdue).not.toContain(autumn);
    expect((await raiseReviewAlerts(srv.deps.ds, 3, at("2025-10-17T08:00:00"))).overdue).toContain(autumn);
    const alerts = await alertsOf(autumn);
    expect(alerts.map((a) => (a.data as { status: string }).status)).toEqual(["pending_community", "pending_center"]);
    expect(alerts[1]?.title).toContain("待供热中心复核超时");
  });

  it("春节 2026: from Thu 2-12, 3 working days are Fri 2-13, make-up Sat 2-14 and Tue 2-24", async () => {
    spring = await applyWaitingSince(1, "2026-02-12T16:30:00");
    expect((await raiseReviewAlerts(srv.deps.ds, 3, at("2026-02-24T17:00:00"))).overdue).not.toContain(spring);
    expect((await raiseReviewAlerts(srv.deps.ds, 3, at("2026-02-25T00:10:00"))).overdue).toContain(spring);
    // a longer configured wait (5 working days: …2-24, 2-25, 2-26) is not yet overdue on 2-25 for a new step
    const five = await applyWaitingSince(2, "2026-02-12T16:30:00");
    expect((await raiseReviewAlerts(srv.deps.ds, 5, at("2026-02-26T12:00:00"))).overdue).not.toContain(five);
    expect((await raiseReviewAlerts(srv.deps.ds, 5, at("2026-02-27T08:00:00"))).overdue).toContain(five);
  });

  it("decided or withdrawn applications raise nothing", async () => {
    const id = await applyWaitingSince(3, "2026-03-02T09:00:00");
    const w = await agent.api.post(`/api/v1/staff/hardship/applications/${id}/withdraw`, { reason: "居民已缴清" });
    expect(w.status, w.text).toBe(200);
    await raiseReviewAlerts(srv.deps.ds, 3, at("2026-03-20T09:00:00"));
    expect(await alertsOf(id)).toHaveLength(0);
  });

  it("a wait running into 2027 (no holiday data): 节假日数据缺失 is raised once, the application is not judged", async () => {
    const late = await applyWaitingSince(4, "2026-12-29T10:00:00"); // 12-30, 12-31, then 2027
    const now = at("2027-01-06T09:00:00");
    const run = await raiseReviewAlerts(srv.deps.ds, 3, now);
    expect(run.missingYears).toEqual([2027]);
    expect(run.overdue).not.toContain(late);
    await raiseReviewAlerts(srv.deps.ds, 3, now);
    expect(await alertsOf(late)).toHaveLength(0);
    const missing = await srv.deps.ds.getRepository(StaffAlert).findBy({ kind: "calendar_missing" });
    expect(missing.map((a) => [a.subjectId, a.audience])).toEqual([[2027, "supervisor"]]);
    const inbox = await supervisor.api.get("/api/v1/staff/alerts");
    expect(inbox.body.items.map((a: { title: string }) => a.title)).toEqual(
      expect.arrayContaining(["节假日数据缺失：2027年"]),
    );
    // once 2027 is loaded (here: uploaded by hand, 1-01 a holiday), the application is judged: due 1-04
    const admin = await staffLogin(srv.url, "admin", DEMO_PASSWORD);
    const up = await admin.api.post("/api/v1/staff/calendar/years/2027/upload", {
      days: [{ date: "2027-01-01", kind: "holiday", name: "元旦" }],
    });
    expect(up.status, up.text).toBe(200);
    expect((await raiseReviewAlerts(srv.deps.ds, 3, at("2027-01-04T20:00:00"))).overdue).not.toContain(late);
    const after = await raiseReviewAlerts(srv.deps.ds, 3, now);
    expect(after).toMatchObject({ missingYears: [] });
    expect(after.overdue).toContain(late);
    expect((await alertsOf(late))[0]?.data).toMatchObject({ dueDate: "2027-01-04" });
  });
});
