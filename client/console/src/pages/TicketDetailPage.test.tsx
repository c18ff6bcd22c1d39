import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { TicketEventView } from "@warmline/shared";
import { afterEach, describe, expect, it, vi } from "vitest";
import { chooseOption, modal } from "../test/antd";
import { apiError, json } from "../test/fakeFetch";
import { NOW, at, clock, sla, signedInAs, staffWith, ticketDetail } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const DETAIL = "GET /api/v1/staff/tickets/5";
const RESPOND = "POST /api/v1/staff/tickets/5/respond";
const MEASURE = "POST /api/v1/staff/tickets/5/measure";
const RESOLVE = "POST /api/v1/staff/tickets/5/resolve";
const PHOTOS = "POST /api/v1/staff/photos";

const input = (id: string) => document.getElementById(id) as HTMLInputElement;
const detail = () =>
  waitFor(() => {
    const el = document.querySelector(".ticket-detail");
    if (!el?.textContent?.includes("GD20260110000005")) throw new Error("not loaded");
    return el as HTMLElement;
  });
const ok = (dialog: HTMLElement) => within(dialog).getByRole("button", { name: "确定" });
const gone = () => waitFor(() => expect(document.querySelector(".ticket-action-modal")).toBeNull());

function event(id: number, type: TicketEventView["type"], text: string, min: number): TicketEventView {
  return { id, type, at: at(min), actorKind: "staff", actorName: "刘敏", cycle: 0, text, data: null, photos: [] };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("工单详情", () => {
  it("shows every field, the clocks ticking, the timeline, and takes the first response (a refusal is said)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
    const user = userEvent.setup();
    const { fake } = renderApp("/tickets/5");
    signedInAs(fake, staffWith("hotline_agent"));
    const fresh = ticketDetail();
    const responded = ticketDetail(
      {
        actions: ["pause", "note"],
        events: [...fresh.events, event(2, "responded", "已电话联系居民，约定下午上门", 0)],
      },
      {
        status: "responded",
        sla: sla(20, {
          response: clock({ clock: "response", metAt: at(0) }),
          next: { clock: "resolution", dueAt: at(50) },
        }),
      },
    );
    fake.on(DETAIL, json(200, fresh), json(200, fresh));
    fake.on(RESPOND, apiError(409, "TICKET_BAD_STATE", "工单当前状态不能进行该操作"), json(200, responded));

    const root = await detail();
    for (const t of [
      "工单详情 · GD20260110000005",
      "待响应",
      "室温不达标",
      "微信小程序",
      "优先",
      "室温17.5℃低于标准20.0℃",
      "1000234567",
      "城东换热站",
      "王先生",
      "138********",
      "下午都在家",
      "17.5℃",
      "-8.5℃",
      "2026-01-10 14:50:00",
      "家里暖气不热，室温只有17度多",
    ]) {
      expect(root.textContent, t).toContain(t);
    }
    // the SLA clocks count down from their due times
    const clocks = root.querySelector(".ticket-sla-clocks") as HTMLElement;
    expect(within(clocks).getByText("响应时限")).toBeTruthy();
    expect(within(clocks).getByText("00:20:00")).toBeTruthy();
    expect(within(clocks).getByText("00:50:00")).toBeTruthy();
    expect(within(clocks).getByText("2026-01-10 15:20:00")).toBeTruthy();
    // the timeline, with the resident's photo from its signed link
    const timeline = root.querySelector(".ticket-timeline") as HTMLElement;
    expect(within(timeline).getByText("提交诉求")).toBeTruthy();
    expect(within(timeline).getByText("居民")).toBeTruthy();
    expect(within(timeline).getByText("居民通过微信小程序提交诉求")).toBeTruthy();
    expect(timeline.querySelector("img")?.getAttribute("src")).toBe(
      "http://localhost:3000/api/v1/files/cGhvdG86OQ.sig",
    );
    // the reply for a new ticket
    expect(root.textContent).toContain("您好，您反映的问题（工单GD20260110000005）已收到");
    // only what the server allows
    const actions = root.querySelector(".ticket-actions") as HTMLElement;
    expect(
      within(actions)
        .getAllByRole("button")
        .map((b) => b.textContent),
    ).toEqual(["首次响应", "暂停计时", "备注"]);

    await user.click(within(actions).getByRole("button", { name: "首次响应" }));
    const dialog = await modal("首次响应");
    await user.click(ok(dialog));
    expect(await within(dialog).findByText("请填写联系情况")).toBeTruthy();
    expect(fake.callsTo(RESPOND)).toHaveLength(0);

    await user.type(input("respond-note"), "已电话联系居民，约定下午上门");
    await user.click(ok(dialog));
    // someone else moved the ticket meanwhile: said in the dialog, and the ticket is asked for again
    expect(await within(dialog).findByText("工单当前状态不能进行该操作")).toBeTruthy();
    await waitFor(() => expect(fake.callsTo(DETAIL)).toHaveLength(2));

    await user.click(ok(dialog));
    await gone();
    expect(fake.callsTo(RESPOND)[1].body).toEqual({ note: "已电话联系居民，约定下午上门" });
    expect(await screen.findByText("首次响应：已保存")).toBeTruthy();
    await waitFor(() => expect(within(root).getAllByText("已响应").length).toBeGreaterThan(0));
    expect(within(timeline).getByText("已响应（首次联系）")).toBeTruthy();
    expect(within(clocks).getByText("已于 2026-01-10 15:00:00 完成")).toBeTruthy();
    expect(within(actions).queryByRole("button", { name: "首次响应" })).toBeNull();
  }, 60_000);

  it("records a measurement in tenths of a degree with a photo, then resolves the ticket", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/tickets/5");
    signedInAs(fake, staffWith("technician"));
    const onSite = ticketDetail(
      { actions: ["measure", "resolve", "note"], dispatchedStationName: "城东换热站", crew: "维修一班" },
      { status: "on_site" },
    );
    const measured = {
      ...onSite,
      events: [...onSite.events, event(3, "measured", "入户测温 16.5℃（红外测温仪）", 1)],
    };
    const resolved = ticketDetail(
      { actions: ["note"], events: [...measured.events, event(4, "resolved", "处理完成", 2)] },
      { status: "resolved" },
    );
    fake.on(DETAIL, json(200, onSite));
    fake.on(PHOTOS, json(201, { id: 31, url: "/api/v1/files/cGhvdG86MzE.sig", mime: "image/jpeg", size: 3 }));
    fake.on(MEASURE, json(200, measured));
    fake.on(RESOLVE, json(200, resolved));

    const root = await detail();
    expect(root.textContent).toContain("城东换热站 / 维修一班");
    expect(root.textContent).toContain("维修人员已到达现场处理您的工单GD20260110000005。");
    await user.click(screen.getByRole("button", { name: "入户测温" }));
    const dialog = await modal("入户测温");

    // two decimals are refused here
    await user.type(input("measure-temp"), "16.55");
    await user.click(ok(dialog));
    expect(await within(dialog).findByText("温度请填写数字，最多一位小数（如 16.5）")).toBeTruthy();
    expect(fake.callsTo(MEASURE)).toHaveLength(0);

    await user.clear(input("measure-temp"));
    await user.type(input("measure-temp"), "16.5");
    await chooseOption("measure-method", "红外测温仪");
    const file = new File(["jpg"], "现场.jpg", { type: "image/jpeg" });
    await user.upload(dialog.querySelector("input[type=file]") as HTMLInputElement, file);
    await waitFor(() => expect(fake.callsTo(PHOTOS)).toHaveLength(1));
    const sent = fake.callsTo(PHOTOS)[0].body as FormData;
    expect((sent.get("file") as File).name).toBe("现场.jpg");

    await user.click(ok(dialog));
    await gone();
    expect(fake.callsTo(MEASURE)[0].body).toEqual({ indoorTempC10: 165, method: "infrared", photoIds: [31] });
    expect(await within(root).findByText("入户测温 16.5℃（红外测温仪）")).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "处理完成" }));
    const resolveDialog = await modal("处理完成");
    await user.type(input("resolve-note"), "更换阀门后室温恢复到20.5℃");
    await user.click(ok(resolveDialog));
    await gone();
    expect(fake.callsTo(RESOLVE)[0].body).toEqual({ note: "更换阀门后室温恢复到20.5℃" });
    await waitFor(() => expect(within(root).getAllByText("已处理待回访").length).toBeGreaterThan(0));
    expect(screen.queryByRole("button", { name: "处理完成" })).toBeNull();
  }, 60_000);

  it("a cold room still cold: 处理完成 says why, cannot be confirmed, and leads to 入户测温", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/tickets/5");
    signedInAs(fake, staffWith("technician"));
    const reason = "室温不达标工单须在维修后测得室温不低于20.0℃……：维修后最近一次测温17.2℃，低于标准20.0℃";
    const cold = ticketDetail(
      {
        actions: ["measure", "resolve", "note"],
        resolveCheck: { met: false, floorC10: 200, lastReadingC10: 172, reason },
      },
      { status: "on_site" },
    );
    fake.on(DETAIL, json(200, cold));
    await detail();
    await user.click(screen.getByRole("button", { name: "处理完成" }));
    const dialog = await modal("处理完成");
    expect(dialog.textContent).toContain("室温尚未确认达标，暂不能处理完成");
    expect(dialog.textContent).toContain("最近一次测温17.2℃，低于标准20.0℃");
    expect(ok(dialog).hasAttribute("disabled")).toBe(true);
    await user.click(within(dialog).getByRole("button", { name: "录入测温" }));
    const measure = await modal("入户测温");
    expect(measure.querySelector("#measure-temp")).toBeTruthy();
  }, 60_000);

  it("the contact phone: masked, one click shows the full number to dial", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/tickets/5");
    signedInAs(fake, staffWith("dispatcher"));
    fake.on(DETAIL, json(200, ticketDetail({}, { contactPhone: "139********" })));
    fake.on("POST /api/v1/staff/tickets/5/contact-phone", json(200, { ticketId: 5, phone: "13912345678" }));
    const root = await detail();
    expect(root.textContent).toContain("139********");
    await user.click(within(root).getByRole("button", { name: /查看完整号码/ }));
    const dial = await within(root).findByRole("link", { name: /拨打/ });
    expect(dial.getAttribute("href")).toBe("tel:13912345678");
  }, 60_000);

  it("a dispatcher sends the ticket to a station and links it into an incident by its lead's 工单号", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/tickets/5");
    signedInAs(fake, staffWith("dispatcher"));
    const responded = ticketDetail(
      { actions: ["dispatch", "measure", "pause", "resolve", "grade", "link", "note"] },
      { status: "responded", suggestIncident: true },
    );
    const dispatched = ticketDetail(
      {
        actions: ["on_site", "measure", "pause", "resolve", "grade", "link", "note"],
        dispatchedStationName: "城西换热站",
        crew: "维修二班",
      },
      { status: "dispatched", suggestIncident: true },
    );
    const linked = { ...dispatched, incidentId: 3, linkedTicketIds: [3, 5] };
    fake.on(DETAIL, json(200, responded));
    fake.on(
      "GET /api/v1/staff/stations",
      json(200, {
        items: [
          { id: 2, name: "城东换热站" },
          { id: 3, name: "城西换热站" },
        ],
      }),
    );
    const technicians = [
      { id: 7, displayName: "维修员·王师傅", stationId: 3 },
      { id: 8, displayName: "维修员·李师傅", stationId: null },
    ];
    // asked for the proposed station, then for the one chosen
    fake.on(
      "GET /api/v1/staff/technicians",
      json(200, { items: technicians.slice(1) }),
      json(200, { items: technicians }),
    );
    fake.on("POST /api/v1/staff/tickets/5/dispatch", json(200, dispatched));
    fake.on(
      "GET /api/v1/staff/tickets",
      json(200, { items: [], total: 0, page: 1, pageSize: 5 }),
      json(200, {
        items: [ticketDetail({}, { id: 3, ticketNo: "GD20260110000003" })],
        total: 1,
        page: 1,
        pageSize: 5,
      }),
    );
    fake.on("POST /api/v1/staff/tickets/5/link", json(200, linked));

    const root = await detail();
    expect(within(root).getByText("疑似同一事件")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "派单" }));
    const dialog = await modal("派单");
    // the ticket's own station is proposed
    await waitFor(() => expect(dialog.querySelector(".ant-select")?.textContent).toContain("城东换热站"));
    await chooseOption("dispatch-station", "城西换热站");
    // the technicians of the chosen station (and county-wide ones, marked 全县)
    await chooseOption("dispatch-technician", "维修员·王师傅");
    expect(fake.callsTo("GET /api/v1/staff/technicians").map((c) => c.url)).toContain(
      "/api/v1/staff/technicians?stationId=3",
    );
    await user.type(input("dispatch-crew"), "维修二班");
    await user.click(ok(dialog));
    await gone();
    expect(fake.callsTo("POST /api/v1/staff/tickets/5/dispatch")[0].body).toEqual({
      stationId: 3,
      technicianId: 7,
      crew: "维修二班",
    });
    await waitFor(() => expect(root.textContent).toContain("城西换热站 / 维修二班"));

    await user.click(screen.getByRole("button", { name: "合并事件" }));
    const link = await modal("合并事件");
    await user.type(input("link-ticket"), "GD20260110000099");
    await user.click(ok(link));
    expect(await within(link).findByText("未找到该工单号")).toBeTruthy();
    await user.clear(input("link-ticket"));
    await user.type(input("link-ticket"), "GD20260110000003");
    await user.click(ok(link));
    await gone();
    expect(fake.callsTo("GET /api/v1/staff/tickets").map((c) => c.url)).toEqual([
      "/api/v1/staff/tickets?q=GD20260110000099&page=1&pageSize=5",
      "/api/v1/staff/tickets?q=GD20260110000003&page=1&pageSize=5",
    ]);
    expect(fake.callsTo("POST /api/v1/staff/tickets/5/link")[0].body).toEqual({ incidentTicketId: 3 });
    expect((await within(root).findAllByRole("link", { name: "#3" }))[0].getAttribute("href")).toBe("/tickets/3");
  }, 60_000);

  it("says so when the ticket does not exist", async () => {
    const { fake } = renderApp("/tickets/99");
    signedInAs(fake, staffWith("dispatcher"));
    fake.on("GET /api/v1/staff/tickets/99", apiError(404, "TICKET_NOT_FOUND", "工单不存在"));
    expect(await screen.findByText("工单不存在")).toBeTruthy();
  });

  it("a refusal in a step's dialog goes once the staff member edits what they typed", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/tickets/5");
    signedInAs(fake, staffWith("hotline_agent"));
    fake.on(DETAIL, json(200, ticketDetail()), json(200, ticketDetail()));
    fake.on(RESPOND, apiError(409, "TICKET_BAD_STATE", "工单当前状态不能进行该操作"));

    const root = await detail();
    await user.click(
      within(root.querySelector(".ticket-actions") as HTMLElement).getByRole("button", { name: "首次响应" }),
    );
    const dialog = await modal("首次响应");
    await user.type(input("respond-note"), "已电话联系居民");
    await user.click(ok(dialog));
    expect(await within(dialog).findByText("工单当前状态不能进行该操作")).toBeTruthy();
    await user.type(input("respond-note"), "，约定下午上门");
    await waitFor(() => expect(within(dialog).queryByText("工单当前状态不能进行该操作")).toBeNull());
    expect(fake.callsTo(RESPOND)).toHaveLength(1);
  });
});
