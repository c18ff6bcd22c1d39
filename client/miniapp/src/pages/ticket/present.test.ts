import type { ClockViewDto, SlaView, TicketEventView } from "@warmline/shared";
import { describe, expect, it } from "vitest";
import { formatDateTime } from "../../utils/format";
import {
  budgetText,
  clockLine,
  clockLines,
  countdownTo,
  formatDuration,
  liveClock,
  ratingText,
  shortTime,
  slaCountdown,
  stablePhotoUrls,
  temperatureText,
  ticketStatusClass,
  ticketStatusLabel,
  timeline,
  recheckRating,
  validateRating,
} from "./present";

/** 2026-11-27 10:00 in Shanghai */
const T0 = Date.parse("2026-11-27T02:00:00Z");
const at = (minutes: number, seconds = 0) => T0 + minutes * 60_000 + seconds * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

function clock(over: Partial<ClockViewDto> & Pick<ClockViewDto, "clock">): ClockViewDto {
  return {
    budgetMinutes: 30,
    usedMinutes: 0,
    remainingMinutes: 30,
    dueAt: null,
    warnAt: null,
    metAt: null,
    paused: false,
    warned: false,
    breached: false,
    ...over,
  };
}

function sla(over: Partial<SlaView> = {}): SlaView {
  return {
    cycle: 0,
    grade: "general",
    paused: false,
    response: clock({ clock: "response", dueAt: iso(at(30)) }),
    resolution: clock({ clock: "resolution", budgetMinutes: 60, dueAt: iso(at(60)) }),
    measurement: null,
    next: { clock: "response", dueAt: iso(at(30)) },
    computedAt: iso(T0),
    ...over,
  };
}

describe("labels", () => {
  it("shows the status in Chinese with a class per status", () => {
    expect(ticketStatusLabel("new")).toBe("待响应");
    expect(ticketStatusLabel("resolved")).toBe("已处理待回访");
    expect(ticketStatusLabel("closed")).toBe("已办结");
    expect(ticketStatusClass("on_site")).toBe("status-ticket-on_site");
  });

  it("shows readings in ℃ with one decimal", () => {
    expect(temperatureText(165)).toBe("16.5℃");
    expect(temperatureText(170)).toBe("17.0℃");
    expect(temperatureText(5)).toBe("0.5℃");
    expect(temperatureText(-35)).toBe("-3.5℃");
    expect(temperatureText(null)).toBe("—");
  });

  it("says budgets in minutes and hours", () => {
    expect(budgetText(30)).toBe("30分钟");
    expect(budgetText(60)).toBe("1小时");
    expect(budgetText(90)).toBe("1小时30分钟");
    expect(budgetText(1440)).toBe("24小时");
  });
});

describe("countdowns (fixed clocks)", () => {
  it("formats mm:ss under an hour and h:mm:ss from an hour on", () => {
    expect(formatDuration(754)).toBe("12:34");
    expect(formatDuration(0)).toBe("00:00");
    expect(formatDuration(59 * 60 + 59)).toBe("59:59");
    expect(formatDuration(3600)).toBe("1:00:00");
    expect(formatDuration(23 * 3600 + 5 * 60 + 7)).toBe("23:05:07");
  });

  it("counts down to the due time, rounding seconds up", () => {
    const due = iso(at(30));
    expect(countdownTo(due, at(17, 26)).text).toBe("剩余 12:34");
    expect(countdownTo(due, at(17, 26) + 400).text).toBe("剩余 12:34");
    expect(countdownTo(due, at(29, 59) + 1).text).toBe("剩余 00:01");
    expect(countdownTo(due, at(30))).toEqual({ state: "overdue", text: "已超时 00:00", clock: null });
  });

  it("counts up once overdue", () => {
    expect(countdownTo(iso(at(30)), at(33, 10), "response")).toEqual({
      state: "overdue",
      text: "已超时 03:10",
      clock: "response",
    });
  });

  it("takes the clock that runs out first (sla.next), or says the clocks are paused", () => {
    expect(slaCountdown(sla(), at(17, 26))).toEqual({ state: "running", text: "剩余 12:34", clock: "response" });
    expect(slaCountdown(sla({ paused: true, next: null }), at(5))).toEqual({
      state: "paused",
      text: "已暂停计时",
      clock: null,
    });
    expect(slaCountdown(sla({ next: null }), at(5)).state).toBe("none");
  });
});

describe("clock lines", () => {
  it("shows the 30-minute promise with the time left", () => {
    expect(clockLine(sla().response, at(0, 2))).toEqual({
      clock: "response",
      title: "30分钟内响应",
      value: "剩余 29:58",
      state: "running",
      late: false,
    });
  });

  it("shows when the clock was met, in Beijing time", () => {
    const met = clock({ clock: "response", metAt: "2026-11-27T02:12:00Z", usedMinutes: 12 });
    expect(clockLine(met, at(40))).toMatchObject({ state: "met", value: "已于 10:12 响应", late: false });
    // on another day with the date
    expect(clockLine(met, at(24 * 60))).toMatchObject({ value: "已于 11-27 10:12 响应" });
    const late = clock({ clock: "resolution", budgetMinutes: 60, metAt: "2026-11-27T03:30:00Z", breached: true });
    expect(clockLine(late, at(100))).toMatchObject({
      title: "1小时内处理完成",
      value: "已于 11:30 处理完成",
      late: true,
    });
  });

  it("shows overdue and paused clocks", () => {
    expect(clockLine(sla().resolution, at(63, 10))).toMatchObject({ state: "overdue", value: "已超时 03:10" });
    const paused = clock({ clock: "resolution", budgetMinutes: 60, paused: true });
    expect(clockLine(paused, at(5))).toMatchObject({ state: "paused", value: "已暂停计时" });
  });

  it("adds the measurement visit for cold rooms, and puts the live countdown on the next clock", () => {
    const measurement = clock({ clock: "measurement", budgetMinutes: 1440, dueAt: iso(at(1440)) });
    const view = sla({ measurement });
    const lines = clockLines(view, at(1));
    expect(lines.map((l) => l.title)).toEqual(["30分钟内响应", "1小时内处理完成", "24小时内入户测温"]);
    expect(lines[2]?.value).toBe("剩余 23:59:00");
    expect(liveClock(view, lines)).toBe("response");
    const paused = sla({
      paused: true,
      next: null,
      response: clock({ clock: "response", metAt: iso(at(10)) }),
      resolution: clock({ clock: "resolution", budgetMinutes: 60, paused: true }),
    });
    expect(liveClock(paused, clockLines(paused, at(20)))).toBe("resolution");
    const done = sla({ next: null, response: clock({ clock: "response", metAt: iso(at(10)) }) });
    expect(liveClock(done, [clockLine(done.response, at(20))])).toBeNull();
  });
});

describe("timeline", () => {
  const event = (id: number, type: TicketEventView["type"], atMs: number, text: string): TicketEventView => ({
    id,
    type,
    at: iso(atMs),
    actorKind: "staff",
    actorName: null,
    cycle: 0,
    text,
    data: null,
    photos: [],
  });

  it("lists the events newest first with their labels and Beijing time", () => {
    const entries = timeline(
      [
        event(1, "created", at(0), "居民通过微信小程序提交诉求"),
        event(2, "responded", at(8), "已电话联系居民"),
        event(3, "dispatched", at(8), "派单至 城东换热站 / 维修一班"),
      ],
      formatDateTime,
    );
    expect(entries.map((e) => [e.label, e.time, e.text])).toEqual([
      ["已派单", "2026-11-27 10:08", "派单至 城东换热站 / 维修一班"],
      ["已响应（首次联系）", "2026-11-27 10:08", "已电话联系居民"],
      ["提交诉求", "2026-11-27 10:00", "居民通过微信小程序提交诉求"],
    ]);
  });

  it("drops a text that only repeats the label", () => {
    expect(timeline([event(1, "closed", at(0), "办结")], formatDateTime)[0]?.text).toBe("");
  });

  it("shortTime is HH:mm today and MM-DD HH:mm otherwise", () => {
    expect(shortTime("2026-11-27T02:12:00Z", at(0))).toBe("10:12");
    // 2026-11-27 23:50 Shanghai is still the 27th there
    expect(shortTime("2026-11-27T15:50:00Z", at(0))).toBe("23:50");
    expect(shortTime("2026-11-27T16:10:00Z", at(0))).toBe("11-28 00:10");
  });
});

describe("rating", () => {
  it("needs a choice and a score, and sends no empty comment", () => {
    expect(validateRating({ satisfied: null, score: 5, comment: "" })).toEqual({ message: "请选择是否满意" });
    expect(validateRating({ satisfied: true, score: 0, comment: "" })).toEqual({ message: "请点击星星为本次服务评分" });
    expect(validateRating({ satisfied: true, score: 5, comment: "  " })).toEqual({
      input: { satisfied: true, score: 5 },
    });
    expect(validateRating({ satisfied: false, score: 2, comment: " 还是不热 " })).toEqual({
      input: { satisfied: false, score: 2, comment: "还是不热" },
    });
  });

  it("shows a given rating in one line", () => {
    expect(ratingText(true, 5)).toBe("满意 · 5星");
    expect(ratingText(false, 2)).toBe("不满意 · 2星");
    expect(ratingText(null, null)).toBe("");
  });
});

describe("stablePhotoUrls", () => {
  const photo = (id: number, sig: string) => ({
    id,
    url: `/api/v1/files/p${id}.jpg?sig=${sig}`,
    mime: "image/jpeg",
    size: 1,
  });

  it("keeps a photo's link for a while so refreshes do not reload it, then takes the fresh one", () => {
    const first = stablePhotoUrls(new Map(), [photo(1, "a")], at(0));
    const again = stablePhotoUrls(first, [photo(1, "b"), photo(2, "b")], at(1));
    expect(again.get(1)?.url).toBe("/api/v1/files/p1.jpg?sig=a");
    expect(again.get(2)?.url).toBe("/api/v1/files/p2.jpg?sig=b");
    const later = stablePhotoUrls(again, [photo(1, "c")], at(5));
    expect(later.get(1)?.url).toBe("/api/v1/files/p1.jpg?sig=c");
    expect(later.has(2)).toBe(false);
  });
});

describe("recheckRating", () => {
  it("the message goes as soon as the rating can be sent, or says what is still missing", () => {
    const shown = "请选择是否满意";
    expect(recheckRating(shown, { satisfied: true, score: 5, comment: "" })).toBe("");
    expect(recheckRating(shown, { satisfied: true, score: 0, comment: "" })).toBe("请点击星星为本次服务评分");
    expect(recheckRating("网络连接失败", { satisfied: false, score: 2, comment: "还是不热" })).toBe("");
  });

  it("stays quiet while nothing was shown", () => {
    expect(recheckRating("", { satisfied: null, score: 0, comment: "" })).toBe("");
  });
});
