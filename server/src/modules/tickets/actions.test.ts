import { TICKET_STATUSES, type TicketCategory, type TicketStatus } from "@warmline/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../http/errors";
import { OutboxJob } from "../../jobs/entities";
import { type SqliteDeps, sqliteDeps } from "../../testing/sqliteDeps";
import { StaffAlert } from "../alerts";
import { OutdoorReading } from "../weather";
import { type ActionInput, allowedActions, TICKET_ACTION_VERBS, TICKET_ACTIONS, type TicketAction } from "./actions";
import { Ticket } from "./entities";
import type { Actor } from "./events";
import { act, createTicket, residentRate } from "./service";
import { eventsOf, recordSlaMarks, slaOf } from "./sla";

/**
 * The workflow's steps on the embedded SQLite database (no HTTP, no Redis): which states allow each step,
 * what each writes, how the SLA clocks follow, and the reopening after an unsatisfied follow-up.
 */

let env: SqliteDeps;
let staff: Actor;

beforeAll(async () => {
  env = await sqliteDeps();
  staff = { kind: "staff", id: env.county.staff.id };
}, 60_000);
afterAll(async () => env?.close());

const MIN = 60_000;
/** a time in the heating season (clocks run around the clock), well in the past of the real clock */
const T0 = new Date("2026-11-20T02:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);

async function newTicket(category: TicketCategory = "no_heat", when = T0): Promise<Ticket> {
  return createTicket(
    env.deps,
    staff,
    {
      channel: "hotline",
      category,
      accountId: env.county.account.id,
      callerPhone: env.county.phone,
      description: "暖气片不热，卧室很冷",
    },
    when,
  );
}

const row = (id: number) => env.deps.ds.getRepository(Ticket).findOneByOrFail({ id });
const log = async (id: number) => (await eventsOf(env.deps.ds, id)).map((e) => e.type);
const sla = async (id: number, now: Date) =>
  slaOf(await row(id), await eventsOf(env.deps.ds, id), now, env.deps.config.sla);

/** the code of the AppError a step is refused with */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  throw new Error("the step was not refused");
}

/** messages to the resident queued for a ticket: [kind, due at] */
async function notices(ticketId: number) {
  const jobs = await env.deps.ds
    .getRepository(OutboxJob)
    .find({ where: { jobName: "tickets.notify" }, order: { id: "ASC" } });
  return jobs
    .map((j) => ({ p: JSON.parse(j.payload) as { ticketId: number; eventId: number; kind: string }, j }))
    .filter(({ p }) => p.ticketId === ticketId)
    .map(({ p, j }) => ({ kind: p.kind, eventId: p.eventId, dedupeKey: j.dedupeKey, availableAt: j.availableAt }));
}

/** A valid body for each step (the state check comes first, so a refused step never reads it). */
function sampleInput<V extends TicketAction>(verb: V, other: number): ActionInput<V> {
  const inputs: { [A in TicketAction]: ActionInput<A> } = {
    respond: { note: "已电话联系居民" },
    dispatch: { stationId: env.county.station.id, crew: "维修一班" },
    on_site: {},
    measure: { indoorTempC10: 172, method: "thermometer" },
    pause: { reason: "居民不在家，约定明早上门" },
    resume: {},
    resolve: { note: "排气阀排气，室温回升至20.5℃" },
    follow_up: { outcome: "reached", satisfied: true, score: 5 },
    grade: { grade: "major", reason: "整栋楼不热" },
    link: { incidentTicketId: other },
    note: { note: "居民要求上门前电话联系" },
  };
  return inputs[verb];
}

/** Takes a new ticket to a status along the usual path (each step a minute apart from T0). */
async function ticketIn(status: TicketStatus): Promise<Ticket> {
  const t = await newTicket();
  const path: TicketAction[] = {
    new: [],
    responded: ["respond"],
    dispatched: ["respond", "dispatch"],
    on_site: ["respond", "dispatch", "on_site"],
    resolved: ["respond", "dispatch", "on_site", "resolve"],
    closed: ["respond", "dispatch", "on_site", "resolve", "follow_up"],
  }[status] as TicketAction[];
  let minute = 1;
  for (const verb of path) await act(env.deps, staff, t.id, verb, sampleInput(verb, t.id), at(minute++));
  return row(t.id);
}

describe("the table of steps", () => {
  it("names each step by its verb, in the console's order", () => {
    expect(Object.keys(TICKET_ACTIONS)).toEqual([...TICKET_ACTION_VERBS]);
    for (const [verb, def] of Object.entries(TICKET_ACTIONS)) expect(def.verb).toBe(verb);
  });

  it("allows each step in its states only (pause after first contact while the clocks run, resume while paused)", () => {
    const allowed = (status: TicketStatus, paused = false) => allowedActions({ status }, paused);
    expect(allowed("new")).toEqual(["respond", "measure", "grade", "link", "note"]);
    expect(allowed("new", true)).toEqual(["respond", "measure", "resume", "grade", "link", "note"]);
    expect(allowed("responded")).toEqual(["dispatch", "measure", "pause", "resolve", "grade", "link", "note"]);
    expect(allowed("dispatched")).toEqual([
      "dispatch",
      "on_site",
      "measure",
      "pause",
      "resolve",
      "grade",
      "link",
      "note",
    ]);
    expect(allowed("on_site", true)).toEqual(["measure", "resume", "resolve", "grade", "link", "note"]);
    expect(allowed("resolved")).toEqual(["follow_up", "grade", "link", "note"]);
    expect(allowed("closed")).toEqual(["note"]);
  });
});

describe("state checks under the row lock", () => {
  it("refuses every step the state does not allow, and writes nothing", async () => {
    const other = await newTicket();
    for (const status of TICKET_STATUSES) {
      const t = await ticketIn(status);
      expect(t.status).toBe(status);
      const before = await log(t.id);
      const refused = TICKET_ACTION_VERBS.filter((v) => !allowedActions(t, false).includes(v));
      expect(refused.length).toBeGreaterThan(0);
      for (const verb of refused) {
        expect(
          await refusal(act(env.deps, staff, t.id, verb, sampleInput(verb, other.id), at(30))),
          `${verb} on ${status}`,
        ).toBe("TICKET_BAD_STATE");
      }
      expect(await log(t.id)).toEqual(before);
      expect((await row(t.id)).status).toBe(status);
    }
  });

  it("answers TICKET_NOT_FOUND for a ticket that does not exist", async () => {
    expect(await refusal(act(env.deps, staff, 999_999, "note", { note: "无此工单" }, at(1)))).toBe("TICKET_NOT_FOUND");
  });

  it("refuses resume while the clocks run and pause while they are paused", async () => {
    const t = await newTicket();
    expect(await refusal(act(env.deps, staff, t.id, "resume", {}, at(1)))).toBe("TICKET_BAD_STATE");
    await act(env.deps, staff, t.id, "respond", { note: "已联系" }, at(1));
    await act(env.deps, staff, t.id, "pause", { reason: "居民不在家" }, at(2));
    expect(await refusal(act(env.deps, staff, t.id, "pause", { reason: "再次暂停" }, at(3)))).toBe("TICKET_BAD_STATE");
    expect(await log(t.id)).toEqual(["created", "responded", "paused"]);
  });
});

describe("each step's events", () => {
  it("the whole workflow: respond, dispatch, on site, measure, resolve, a satisfied follow-up closes it", async () => {
    const t = await newTicket("cold_room");
    const id = t.id;

    const responded = await act(env.deps, staff, id, "respond", { note: "已电话联系居民" }, at(10));
    expect(responded).toMatchObject({ status: "responded", respondedAt: at(10) });

    // a station that does not exist: refused, and the transaction leaves nothing behind
    expect(await refusal(act(env.deps, staff, id, "dispatch", { stationId: 999_999 }, at(12)))).toBe(
      "STATION_NOT_FOUND",
    );
    expect(await log(id)).toEqual(["created", "responded"]);

    await act(env.deps, staff, id, "dispatch", { stationId: env.county.station.id, crew: "维修一班" }, at(15));
    expect(await row(id)).toMatchObject({
      status: "dispatched",
      dispatchedStationId: env.county.station.id,
      crew: "维修一班",
      technicianId: null,
    });
    await act(env.deps, staff, id, "on_site", { note: "已到达" }, at(40));
    await act(
      env.deps,
      staff,
      id,
      "measure",
      { indoorTempC10: 205, outdoorTempC10: -85, method: "thermometer", note: "卧室" },
      at(45),
    );
    await act(env.deps, staff, id, "resolve", { note: "排气阀排气，室温回升至20.5℃" }, at(50));
    await act(env.deps, staff, id, "note", { note: "居民很满意" }, at(55));
    const closed = await act(
      env.deps,
      staff,
      id,
      "follow_up",
      { outcome: "reached", satisfied: true, score: 5, comment: "很及时" },
      at(70),
    );
    expect(closed).toMatchObject({ status: "closed", satisfied: true, score: 5, closedAt: at(70), cycle: 0 });

    const events = await eventsOf(env.deps.ds, id);
    expect(events.map((e) => [e.type, e.at, e.cycle, e.actorKind, e.actorId])).toEqual([
      ["created", at(0), 0, "staff", staff.id],
      ["responded", at(10), 0, "staff", staff.id],
      ["dispatched", at(15), 0, "staff", staff.id],
      ["on_site", at(40), 0, "staff", staff.id],
      ["measured", at(45), 0, "staff", staff.id],
      ["resolved", at(50), 0, "staff", staff.id],
      ["note", at(55), 0, "staff", staff.id],
      ["followed_up", at(70), 0, "staff", staff.id],
      ["closed", at(70), 0, "staff", staff.id],
    ]);
    const data = Object.fromEntries(events.map((e) => [e.type, e.data]));
    expect(data.responded).toEqual({ note: "已电话联系居民" });
    expect(data.dispatched).toEqual({
      stationId: env.county.station.id,
      stationName: "城东换热站",
      crew: "维修一班",
      technicianId: null,
      technicianName: null,
      note: null,
    });
    expect(data.on_site).toEqual({ note: "已到达" });
    expect(data.measured).toEqual({
      indoorTempC10: 205,
      outdoorTempC10: -85,
      method: "thermometer",
      methodLabel: "温度计（室中央1.5米高处）",
      note: "卧室",
    });
    expect(data.resolved).toEqual({ note: "排气阀排气，室温回升至20.5℃" });
    expect(data.note).toEqual({ note: "居民很满意" });
    expect(data.followed_up).toEqual({
      outcome: "reached",
      solved: true,
      level: "satisfied",
      satisfied: true,
      score: 5,
      comment: "很及时",
    });
    expect(data.closed).toBeNull();

    // the outdoor value read on site is a reading at the dispatched station
    const reading = await env.deps.ds.getRepository(OutdoorReading).findOneByOrFail({ at: at(45) });
    expect(reading).toMatchObject({
      tempC10: -85,
      stationId: env.county.station.id,
      source: "measurement",
      recordedBy: staff.id,
    });

    // the resident hears of the response, the dispatch and the resolution, and a follow-up reminder 2 h later
    const byType = new Map(events.map((e) => [e.type, e.id]));
    const sent = await notices(id);
    expect(sent.map((n) => [n.kind, n.eventId, n.dedupeKey])).toEqual([
      ["responded", byType.get("responded"), `ticket_notify:${byType.get("responded")}:responded`],
      ["dispatched", byType.get("dispatched"), `ticket_notify:${byType.get("dispatched")}:dispatched`],
      ["resolved", byType.get("resolved"), `ticket_notify:${byType.get("resolved")}:resolved`],
      ["follow_up_due", byType.get("resolved"), `ticket_notify:${byType.get("resolved")}:follow_up_due`],
    ]);
    const reminder = sent[3].availableAt.getTime() - sent[2].availableAt.getTime();
    expect(reminder).toBeGreaterThan(2 * 3600_000 - 60_000);
    expect(reminder).toBeLessThanOrEqual(2 * 3600_000 + 1_000);

    // every clock met, nothing left to run
    const state = await sla(id, at(80));
    expect(state.response.metAt).toEqual(at(10));
    expect(state.resolution.metAt).toEqual(at(50));
    expect(state.measurement?.metAt).toEqual(at(45));
    expect((await row(id)).slaNextDueAt).toBeNull();
    expect(allowedActions(await row(id), false)).toEqual(["note"]);
  });

  it("a note on a closed ticket is still taken", async () => {
    const t = await ticketIn("closed");
    await act(env.deps, staff, t.id, "note", { note: "结案后补充说明" }, at(30));
    expect((await log(t.id)).slice(-3)).toEqual(["followed_up", "closed", "note"]);
  });

  it("grade sets the resolution budget by the incident grade", async () => {
    const t = await newTicket();
    expect((await row(t.id)).resolutionDueAt).toEqual(at(60));
    await act(env.deps, staff, t.id, "grade", { grade: "major", reason: "整栋楼不热" }, at(5));
    expect(await row(t.id)).toMatchObject({ grade: "major", resolutionDueAt: at(240) });
    const [graded] = (await eventsOf(env.deps.ds, t.id)).filter((e) => e.type === "graded");
    expect(graded.data).toEqual({ grade: "major", reason: "整栋楼不热" });
  });

  it("link joins a ticket to another one's incident; the other leads it when it had none", async () => {
    const lead = await newTicket();
    const first = await newTicket();
    const second = await newTicket();
    expect(await refusal(act(env.deps, staff, first.id, "link", { incidentTicketId: first.id }, at(1)))).toBe(
      "TICKET_NOT_FOUND",
    );
    expect(await refusal(act(env.deps, staff, first.id, "link", { incidentTicketId: 999_999 }, at(1)))).toBe(
      "TICKET_NOT_FOUND",
    );
    await act(env.deps, staff, first.id, "link", { incidentTicketId: lead.id }, at(2));
    // linking to a member joins the same incident
    await act(env.deps, staff, second.id, "link", { incidentTicketId: first.id }, at(3));
    for (const id of [lead.id, first.id, second.id]) {
      expect(await row(id)).toMatchObject({ incidentId: lead.id, suggestIncident: false });
    }
    const linked = async (id: number) => (await eventsOf(env.deps.ds, id)).find((e) => e.type === "linked")?.data;
    expect(await linked(first.id)).toEqual({ incidentId: lead.id, leadTicketNo: lead.ticketNo });
    // the event names the ticket linked to, the incident is the lead's
    expect(await linked(second.id)).toEqual({ incidentId: lead.id, leadTicketNo: first.ticketNo });
    expect(await log(lead.id)).toEqual(["created"]);
  });
});

describe("SLA clock marks", () => {
  it("the first contact stops the response clock; the resolution clock runs on", async () => {
    const t = await newTicket();
    expect(await row(t.id)).toMatchObject({ responseDueAt: at(30), resolutionDueAt: at(60), slaNextDueAt: at(30) });
    await act(env.deps, staff, t.id, "respond", { note: "已联系" }, at(10));
    const state = await sla(t.id, at(20));
    expect(state.response).toMatchObject({ metAt: at(10), usedMs: 10 * MIN, breached: false });
    expect(state.resolution).toMatchObject({ metAt: null, usedMs: 20 * MIN, dueAt: at(60) });
    // the board's next deadline is now the resolution
    expect((await row(t.id)).slaNextDueAt).toEqual(at(60));
    // a second contact does not move the first one
    await act(env.deps, staff, t.id, "dispatch", { stationId: env.county.station.id }, at(12));
    expect((await row(t.id)).respondedAt).toEqual(at(10));
  });

  it("pause (only after first contact) stops the running clocks and resume restarts them where they were", async () => {
    const t = await newTicket();
    // nobody has contacted the resident yet: the 30-minute clock cannot be stopped, nothing is written
    expect(await refusal(act(env.deps, staff, t.id, "pause", { reason: "居民不在家" }, at(1)))).toBe(
      "TICKET_BAD_STATE",
    );
    await act(env.deps, staff, t.id, "respond", { note: "已联系" }, at(3));
    await act(env.deps, staff, t.id, "pause", { reason: "居民不在家" }, at(5));
    expect(await row(t.id)).toMatchObject({ resolutionDueAt: null, slaNextDueAt: null });
    expect((await sla(t.id, at(60))).paused).toBe(true);
    expect((await sla(t.id, at(60))).resolution.usedMs).toBe(5 * MIN);

    await act(env.deps, staff, t.id, "resume", { note: "居民已回家" }, at(65));
    // 55 of the 60-minute resolution budget were left: due at 65 + 55 = 120
    expect(await row(t.id)).toMatchObject({ resolutionDueAt: at(120), slaNextDueAt: at(120) });
    const events = await eventsOf(env.deps.ds, t.id);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ["created", expect.objectContaining({ grade: "general", channel: "hotline" })],
      ["responded", { note: "已联系" }],
      ["paused", { reason: "居民不在家" }],
      ["resumed", { note: "居民已回家" }],
    ]);
  });

  it("resolving a paused ticket resumes it first, then the resolution clock stops", async () => {
    const t = await newTicket();
    await act(env.deps, staff, t.id, "respond", { note: "已联系" }, at(5));
    await act(env.deps, staff, t.id, "pause", { reason: "等待居民开门" }, at(10));
    const resolved = await act(env.deps, staff, t.id, "resolve", { note: "已处理" }, at(40));
    expect(resolved).toMatchObject({ status: "resolved", resolvedAt: at(40) });
    const events = await eventsOf(env.deps.ds, t.id);
    expect(events.slice(-2).map((e) => [e.type, e.at, e.data])).toEqual([
      ["resumed", at(40), { note: "处理完成，恢复计时" }],
      ["resolved", at(40), { note: "已处理" }],
    ]);
    const state = await sla(t.id, at(90));
    expect(state.paused).toBe(false);
    expect(state.resolution).toMatchObject({ metAt: at(40), usedMs: 10 * MIN, breached: false });
    expect((await row(t.id)).slaNextDueAt).toBeNull();
  });

  it("sets timers at 75 % and past 100 % of each running clock", async () => {
    const t = await newTicket();
    const timers = (await env.deps.ds.getRepository(OutboxJob).find({ where: { jobName: "tickets.sla_timer" } }))
      .map((j) => j.dedupeKey ?? "")
      .filter((k) => k.startsWith(`sla:${t.id}:`));
    const ms = (m: number) => at(m).getTime();
    expect(timers.sort()).toEqual(
      [
        `sla:${t.id}:0:response:warn:${ms(22.5)}`,
        `sla:${t.id}:0:response:breach:${ms(30) + 1}`,
        `sla:${t.id}:0:resolution:warn:${ms(45)}`,
        `sla:${t.id}:0:resolution:breach:${ms(60) + 1}`,
      ].sort(),
    );
  });

  it("records a warning and an escalation (with the supervisors' alert) once each", async () => {
    const t = await newTicket();
    const policy = env.deps.config.sla;
    expect(await recordSlaMarks(env.deps.ds, t.id, at(20), policy)).toEqual([]);
    expect(await recordSlaMarks(env.deps.ds, t.id, at(23), policy)).toEqual([`warn:${t.id}:0:response`]);
    expect(await recordSlaMarks(env.deps.ds, t.id, at(31), policy)).toEqual([`esc:${t.id}:0:response`]);
    expect(await recordSlaMarks(env.deps.ds, t.id, at(32), policy)).toEqual([]);
    const marks = (await eventsOf(env.deps.ds, t.id)).filter((e) => e.type === "warned" || e.type === "escalated");
    expect(marks.map((e) => [e.type, e.actorKind, (e.data as { clock: string }).clock])).toEqual([
      ["warned", "system", "response"],
      ["escalated", "system", "response"],
    ]);
    expect((marks[1].data as { dueAt: string }).dueAt).toBe(at(30).toISOString());
    expect(await env.deps.ds.getRepository(StaffAlert).countBy({ subjectType: "ticket", subjectId: t.id })).toBe(1);
    // a late first contact meets the clock, breached
    await act(env.deps, staff, t.id, "respond", { note: "已联系" }, at(40));
    expect((await sla(t.id, at(40))).response).toMatchObject({ metAt: at(40), breached: true });
  });
});

describe("an unsatisfied follow-up", () => {
  it("reopens the ticket in a new cycle with fresh clocks", async () => {
    const t = await ticketIn("resolved");
    const reopened = await act(
      env.deps,
      staff,
      t.id,
      "follow_up",
      { outcome: "reached", satisfied: false, score: 2, comment: "还是不热" },
      at(100),
    );
    expect(reopened).toMatchObject({
      status: "new",
      cycle: 1,
      satisfied: false,
      score: 2,
      respondedAt: null,
      resolvedAt: null,
      closedAt: null,
    });
    const events = await eventsOf(env.deps.ds, t.id);
    expect(events.slice(-2).map((e) => [e.type, e.cycle, e.data])).toEqual([
      [
        "followed_up",
        0,
        { outcome: "reached", solved: false, level: "unsatisfied", satisfied: false, score: 2, comment: "还是不热" },
      ],
      ["reopened", 1, { reason: "还是不热" }],
    ]);
    // the clocks start again from the reopening
    const state = await sla(t.id, at(100));
    expect(state).toMatchObject({ cycle: 1, cycleStartedAt: at(100) });
    expect(state.response).toMatchObject({ metAt: null, usedMs: 0 });
    expect(await row(t.id)).toMatchObject({ responseDueAt: at(130), resolutionDueAt: at(160), cycle: 1 });
    // and the workflow starts over
    expect(allowedActions(reopened, false)).toContain("respond");
    await act(env.deps, staff, t.id, "respond", { note: "再次联系居民" }, at(105));
    expect(await row(t.id)).toMatchObject({ status: "responded", respondedAt: at(105) });
    expect((await eventsOf(env.deps.ds, t.id)).at(-1)?.cycle).toBe(1);
  });

  it("by the resident (their own ticket only): the reason defaults to 回访不满意", async () => {
    const resident = env.county.resident.id;
    const t = await createTicket(
      env.deps,
      { kind: "resident", id: resident },
      {
        channel: "wechat",
        residentUserId: resident,
        accountId: env.county.account.id,
        category: "no_heat",
        description: "暖气片不热",
      },
      T0,
    );
    await act(env.deps, staff, t.id, "respond", { note: "已联系" }, at(5));
    await act(env.deps, staff, t.id, "resolve", { note: "已处理" }, at(30));
    expect(await refusal(residentRate(env.deps, resident + 1, t.id, { satisfied: false, score: 1 }))).toBe(
      "TICKET_NOT_FOUND",
    );
    const rated = await residentRate(env.deps, resident, t.id, { satisfied: false, score: 1 });
    expect(rated).toMatchObject({ status: "new", cycle: 1 });
    const events = await eventsOf(env.deps.ds, t.id);
    expect(events.slice(-2).map((e) => [e.type, e.actorKind, e.actorId, e.data])).toEqual([
      [
        "followed_up",
        "resident",
        resident,
        { outcome: "reached", solved: false, level: "unsatisfied", satisfied: false, score: 1, comment: null },
      ],
      ["reopened", "resident", resident, { reason: "回访不满意" }],
    ]);
  });
});
