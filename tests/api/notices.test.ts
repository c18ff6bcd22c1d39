import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Building, type HeatingAccount } from "@warmline/server/src/modules/accounts";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { Notification } from "@warmline/server/src/modules/notifications";
import { MessageDelivery } from "@warmline/server/src/modules/tickets";
import { OutboxJob } from "@warmline/server/src/jobs/entities";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { seedSmallCounty } from "../support/county";
import { client, residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

/**
 * 供热公告 on MariaDB: staff publish, edit and withdraw (audited); residents see the current notices for
 * their bound accounts' communities and stations plus those to everyone, pinned first; a 停热检修 notice for
 * a station reaches that station's residents in 我的消息 and, while a consent is left, by subscribe message,
 * once per notice and resident.
 */

let srv: TestServer;
let sup: Awaited<ReturnType<typeof staffLogin>>;
type Resident = Awaited<ReturnType<typeof residentLogin>> & { openid: string };
/** bound in station s1 (with a consent for notices), bound in s1 (no consent), bound in s2, not bound */
let inS1: Resident;
let inS1NoConsent: Resident;
let inS2: Resident;
let unbound: Resident;
let s1: number;
let s2: number;
let communityOfS2: number;

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const HOUR = 3600_000;
const iso = (ms: number) => new Date(Date.now() + ms).toISOString();

async function resident(name: string, account?: HeatingAccount): Promise<Resident> {
  const openid = `o-notice-${name}-${Date.now()}`;
  const r = await residentLogin(srv.url, { openid });
  if (account) {
    const bound = await r.api.post("/api/v1/me/accounts", {
      accountNo: account.accountNo,
      factor: "owner_name",
      value: account.ownerName,
    });
    expect(bound.status).toBe(201);
  }
  return { ...r, openid };
}

beforeAll(async () => {
  srv = await startTestServer();
  const county = await seedSmallCounty(srv.deps, 60);
  const buildings = new Map((await srv.deps.ds.getRepository(Building).find()).map((b) => [b.id, b] as const));
  const stationOf = (a: HeatingAccount) => buildings.get(a.buildingId ?? 0)?.stationId ?? null;
  const active = county.rows.filter((a) => a.status === "active" && stationOf(a) !== null);
  const first = active[0] as HeatingAccount;
  s1 = stationOf(first) as number;
  const sameStation = active.find((a) => a.id !== first.id && stationOf(a) === s1) as HeatingAccount;
  const other = active.find((a) => stationOf(a) !== s1 && a.communityId !== first.communityId) as HeatingAccount;
  s2 = stationOf(other) as number;
  communityOfS2 = other.communityId;
  sup = await staffLogin(srv.url, "supervisor", DEMO_PASSWORD);
  inS1 = await resident("s1", first);
  inS1NoConsent = await resident("s1b", sameStation);
  inS2 = await resident("s2", other);
  unbound = await resident("none");
});
afterAll(async () => srv?.close());

const publish = (body: Record<string, unknown>) =>
  sup.api.post("/api/v1/staff/notices", { body: "正文", kind: "other", audience: "all", ...body });
const titles = async (r: Resident) =>
  ((await r.api.get("/api/v1/me/notices")).body.items as { title: string }[]).map((n) => n.title);
const wechatMessages = async (openid: string) =>
  (await client(srv.url).get(`/sandbox/wechat/test/messages?touser=${openid}`)).body.messages as {
    templateId: string;
    page: string;
    data: Record<string, string>;
  }[];
/** every job of the outbox has run (the fan-out and its per-resident messages) */
const outboxSettled = () =>
  until(async () => {
    const open = await srv.deps.ds
      .getRepository(OutboxJob)
      .createQueryBuilder("j")
      .where("j.status IN ('pending', 'dispatched')")
      .andWhere("j.available_at <= :now", { now: new Date() })
      .andWhere("j.job_name LIKE 'notify.notice%'")
      .getCount();
    return open === 0;
  });

describe("staff: publish, edit, withdraw", () => {
  it("refuses bad input with field messages and unknown targets, never a 500", async () => {
    const noStation = await publish({ title: "停热", audience: "stations", stationIds: [] });
    expect(noStation.status).toBe(400);
    expect(noStation.body.error.code).toBe("VALIDATION_FAILED");
    expect(JSON.stringify(noStation.body.error.details)).toContain("请至少选择一个换热站");
    const unknown = await publish({ title: "停热", audience: "stations", stationIds: [999_999] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe("NOTICE_TARGET_UNKNOWN");
    const late = await publish({ title: "x", publishAt: iso(HOUR), expireAt: iso(0) });
    expect(late.status).toBe(400);
    expect((await publish({ title: "", body: "" })).status).toBe(400);
    expect((await publish({ title: "图", imageId: 999_999 })).body.error.code).toBe("NOTICE_IMAGE_NOT_FOUND");
    const technician = await staffLogin(srv.url, "technician", DEMO_PASSWORD);
    expect((await technician.api.post("/api/v1/staff/notices", { title: "x" })).status).toBe(403);
  });

  it("publishes with an image, edits (audited, fields named) and withdraws; a withdrawn notice is final", async () => {
    const up = await fetch(`${srv.url}/api/v1/staff/notice-images`, {
      method: "POST",
      headers: { authorization: `Bearer ${sup.accessToken}` },
      body: (() => {
        const f = new FormData();
        f.append("file", new Blob([PNG], { type: "image/png" }), "a.png");
        return f;
      })(),
    });
    expect(up.status).toBe(201);
    const image = (await up.json()) as { id: number; url: string };
    const notText = await fetch(`${srv.url}/api/v1/staff/notice-images`, {
      method: "POST",
      headers: { authorization: `Bearer ${sup.accessToken}` },
      body: (() => {
        const f = new FormData();
        f.append("file", new Blob(["<svg onload=alert(1)>"], { type: "image/png" }), "a.png");
        return f;
      })(),
    });
    expect(notText.status).toBe(415);

    const created = await publish({ title: "开放日邀请", kind: "open_day", imageId: image.id, body: "**周六**开放" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: "current", authorName: expect.any(String), image: { id: image.id } });
    const id = created.body.id as number;
    const pic = await fetch(`${srv.url}${created.body.image.url}`);
    expect(pic.status).toBe(200);
    expect(pic.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await pic.arrayBuffer()).equals(PNG)).toBe(true);

    const edited = await sup.api.put(`/api/v1/staff/notices/${id}`, {
      ...created.body,
      imageId: image.id,
      title: "开放日邀请（改期）",
      pinned: true,
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ title: "开放日邀请（改期）", pinned: true });
    const audits = await srv.deps.ds.getRepository(AuditLog).findBy({ targetType: "notice", targetId: String(id) });
    expect(audits.map((a) => a.action).sort()).toEqual(["notice.create", "notice.update"]);
    expect(audits.find((a) => a.action === "notice.update")?.details).toMatchObject({
      changedFields: ["title", "pinned"],
    });

    expect((await sup.api.post(`/api/v1/staff/notices/${id}/withdraw`, {})).status).toBe(400);
    const w = await sup.api.post(`/api/v1/staff/notices/${id}/withdraw`, { reason: "活动取消" });
    expect(w.status).toBe(200);
    expect(w.body).toMatchObject({ state: "withdrawn", withdrawReason: "活动取消" });
    expect((await sup.api.put(`/api/v1/staff/notices/${id}`, created.body)).body.error.code).toBe("NOTICE_WITHDRAWN");
    expect((await sup.api.post(`/api/v1/staff/notices/${id}/withdraw`, { reason: "再撤" })).status).toBe(409);
    expect(await titles(unbound)).not.toContain("开放日邀请（改期）");
    const list = await sup.api.get("/api/v1/staff/notices?state=withdrawn");
    expect(list.body.items.map((n: { id: number }) => n.id)).toContain(id);
  });
});

describe("residents see what is current and addressed to them", () => {
  it("everyone's, their community's and their station's notices; pinned first; not the scheduled or expired", async () => {
    const tag = Date.now();
    const toAll = await publish({ title: `全体${tag}`, kind: "season" });
    const pinned = await publish({ title: `置顶${tag}`, kind: "knowledge", pinned: true, publishAt: iso(-48 * HOUR) });
    const toS2Community = await publish({
      title: `小区${tag}`,
      audience: "communities",
      communityIds: [communityOfS2],
    });
    const toS1 = await publish({ title: `一站${tag}`, audience: "stations", stationIds: [s1], kind: "knowledge" });
    await publish({ title: `未来${tag}`, publishAt: iso(HOUR) });
    await publish({ title: `过期${tag}`, publishAt: iso(-3 * HOUR), expireAt: iso(-HOUR) });
    for (const r of [toAll, pinned, toS2Community, toS1]) expect(r.status).toBe(201);

    const mine = (r: Resident) => titles(r).then((t) => t.filter((x) => x.endsWith(String(tag))));
    expect(await mine(inS1)).toEqual([`置顶${tag}`, `一站${tag}`, `全体${tag}`]);
    expect(await mine(inS2)).toEqual([`置顶${tag}`, `小区${tag}`, `全体${tag}`]);
    expect(await mine(unbound)).toEqual([`置顶${tag}`, `全体${tag}`]);

    // the detail answers the same 404 for a notice not addressed to the resident and for none at all
    expect((await inS1.api.get(`/api/v1/me/notices/${toS1.body.id}`)).body.title).toBe(`一站${tag}`);
    const foreign = await inS2.api.get(`/api/v1/me/notices/${toS1.body.id}`);
    const missing = await inS2.api.get("/api/v1/me/notices/99999999");
    expect([foreign.status, foreign.body.error.code]).toEqual([404, "NOTICE_NOT_FOUND"]);
    expect([missing.status, missing.body.error.code]).toEqual([404, "NOTICE_NOT_FOUND"]);
    expect((await client(srv.url).get("/api/v1/me/notices")).status).toBe(401);
  });

  it("the list carries the season's dates and the 24-hour hotline", async () => {
    const res = await unbound.api.get("/api/v1/me/notices");
    expect(res.body.hotline).toBe("0936-4466666");
    expect(res.body.season).toMatchObject({ startDate: expect.stringMatching(/^\d{4}-10-15$/) });
  });
});

describe("停热检修 for a station: messages to its residents", () => {
  it("in-app to each resident of the station; a subscribe message where a consent is left; once each", async () => {
    const consent = await inS1.api.post("/api/v1/me/message-subscriptions", {
      results: [{ template: "heating_notice", accepted: true }],
    });
    expect(consent.body.counts).toEqual({ heating_notice: 1, refund_result: 0, hardship_progress: 0 });
    const before = (await wechatMessages(inS1.openid)).length;

    const res = await publish({
      title: "一站管网抢修停热",
      kind: "outage",
      audience: "stations",
      stationIds: [s1],
      body: "因管网抢修，**今日 9:00–18:00** 停热。\n\n- 请关好门窗\n- 如有疑问请致电热线",
    });
    expect(res.status).toBe(201);
    const id = res.body.id as number;
    const inApp = (r: Resident) =>
      srv.deps.ds.getRepository(Notification).findBy({ residentUserId: r.resident.id, kind: "notice_outage" });
    await until(async () => (await inApp(inS1NoConsent)).length === 1 && (await inApp(inS1)).length === 1);
    await outboxSettled();

    const sent = (await wechatMessages(inS1.openid)).slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      templateId: srv.deps.config.residentMessages.wechat.heating_notice,
      page: `pages/notices/detail/index?id=${id}`,
      data: { thing1: "一站管网抢修停热" },
    });
    expect((await inApp(inS1))[0]).toMatchObject({ title: "停热检修：一站管网抢修停热" });
    expect((await inApp(inS1))[0].body).toContain("今日 9:00–18:00 停热");
    const after = await inS1.api.get("/api/v1/me/message-subscriptions");
    expect(after.body.counts.heating_notice).toBe(0);
    // no consent: the in-app message only (no SMS for notices)
    expect(await wechatMessages(inS1NoConsent.openid)).toHaveLength(0);
    const skipped = await srv.deps.ds
      .getRepository(MessageDelivery)
      .findOneByOrFail({ uniqueKey: `notice:${id}:${inS1NoConsent.resident.id}` });
    expect(skipped).toMatchObject({ status: "skipped", channel: "none" });
    // elsewhere: nothing
    expect(await inApp(inS2)).toHaveLength(0);
    expect(await inApp(unbound)).toHaveLength(0);

    // an edit publishes again: residents already told get nothing more, even with a new consent
    await inS1.api.post("/api/v1/me/message-subscriptions", {
      results: [{ template: "heating_notice", accepted: true }],
    });
    const edit = await sup.api.put(`/api/v1/staff/notices/${id}`, { ...res.body, title: "一站管网抢修停热（延长）" });
    expect(edit.status).toBe(200);
    await until(async () => {
      const jobs = await srv.deps.ds.getRepository(OutboxJob).findBy({ jobName: "notify.notice_outage" });
      return jobs.filter((j) => JSON.parse(String(j.payload)).noticeId === id).length === 2;
    });
    await outboxSettled();
    expect((await wechatMessages(inS1.openid)).slice(before)).toHaveLength(1);
    expect(await inApp(inS1)).toHaveLength(1);
    expect((await inS1.api.get("/api/v1/me/message-subscriptions")).body.counts.heating_notice).toBe(1);
  });

  it("a scheduled outage notice is sent at its publication, not before", async () => {
    const res = await publish({
      title: "二站计划检修",
      kind: "outage",
      audience: "stations",
      stationIds: [s2],
      publishAt: iso(3 * HOUR),
    });
    expect(res.status).toBe(201);
    const job = await srv.deps.ds
      .getRepository(OutboxJob)
      .createQueryBuilder("j")
      .where("j.job_name = 'notify.notice_outage'")
      .orderBy("j.id", "DESC")
      .getOneOrFail();
    expect(job.availableAt.getTime()).toBe(new Date(res.body.publishAt).getTime());
    expect(await titles(inS2)).not.toContain("二站计划检修");
  });
});
