import type { OutdoorList, OutdoorReadingView } from "@warmline/shared";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useAuth } from "../auth/AuthContext";
import { Providers } from "../Providers";
import { chooseOption, modal } from "../test/antd";
import { apiError, createFakeFetch, json } from "../test/fakeFetch";
import { NOW, at, signedInAs, staffWith } from "../test/fixtures";
import { OutdoorCard } from "./OutdoorCard";

const LIST = "GET /api/v1/staff/outdoor-readings";
const RECORD = "POST /api/v1/staff/outdoor-readings";
const STATIONS = "GET /api/v1/staff/stations";

function reading(over: Partial<OutdoorReadingView> = {}): OutdoorReadingView {
  return {
    id: 11,
    tempC10: -125,
    at: at(-30),
    stationId: 2,
    stationName: "城东换热站",
    source: "manual",
    recordedBy: "张三",
    ...over,
  };
}

const list = (over: Partial<OutdoorList> = {}) => json(200, { current: null, floorC10: 200, items: [], ...over });
/** −12.5 ℃ half an hour ago at 城东换热站: the 18 ℃ floor applies */
const cold = reading();
const coldList = () =>
  list({
    current: cold,
    floorC10: 180,
    items: [
      cold,
      reading({ id: 10, tempC10: -140, at: at(-300), stationId: null, stationName: null, source: "sensor" }),
      reading({ id: 9, tempC10: -65, at: at(-600), recordedBy: null, source: "measurement" }),
    ],
  });
const stations = () =>
  json(200, {
    items: [
      { id: 2, name: "城东换热站" },
      { id: 3, name: "城西换热站" },
    ],
  });

/** Like the app's RequireAuth: the card is shown once the signed-in staff member is known. */
function SignedIn({ children }: { children: ReactNode }) {
  return useAuth().staff ? children : null;
}

function renderCard(...roles: Parameters<typeof staffWith>) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
  const fake = createFakeFetch();
  vi.stubGlobal("fetch", fake.fetch);
  signedInAs(fake, staffWith(...roles));
  render(
    <Providers>
      <SignedIn>
        <OutdoorCard />
      </SignedIn>
    </Providers>,
  );
  return { fake, user: userEvent.setup() };
}

const card = () => document.querySelector(".outdoor-card") as HTMLElement;

afterEach(() => {
  vi.useRealTimers();
});

describe("室外气温", () => {
  it("shows the reading that applies, when and where it was read, the 18 ℃ floor and the last 24 hours' range", async () => {
    const { fake } = renderCard("dispatcher");
    fake.on(LIST, coldList());

    expect(await screen.findByText("−12.5 ℃")).toBeTruthy();
    expect(fake.callsTo(LIST)[0].url).toBe("/api/v1/staff/outdoor-readings?hours=24");
    const text = card().textContent ?? "";
    expect(text).toContain("室外气温−12.5 ℃");
    expect(text).toContain("读数时间 2026-01-10 14:30:00 · 人工登记 · 城东换热站 · 登记人 张三");
    expect(screen.getByText("当前室温标准 18 ℃")).toBeTruthy();
    expect(screen.getByText("低于−10℃，标准按18℃")).toBeTruthy();
    expect(text).toContain("近24小时 最低 −14.0 ℃ · 最高 −6.5 ℃（3 次读数）");
    expect(within(card()).getByRole("button", { name: /登记气温/ })).toBeTruthy();
  });

  it("says the 20 ℃ floor applies when there is no reading of the last 3 hours", async () => {
    const { fake } = renderCard("supervisor");
    fake.on(LIST, list());

    expect(await screen.findByText("近3小时无气温读数，室温标准按 20 ℃")).toBeTruthy();
    expect(screen.queryByText(/标准按18℃/)).toBeNull();
    expect(screen.queryByText(/当前室温标准/)).toBeNull();
  });

  it("a dispatcher records −8.5 ℃ now: tenths and the time are sent, 已登记, and the reading is asked for again", async () => {
    const { fake, user } = renderCard("dispatcher");
    const mild = reading({ id: 12, tempC10: -85, at: at(0), stationId: null, stationName: null, recordedBy: "刘敏" });
    fake.on(LIST, coldList(), list({ current: mild, floorC10: 200, items: [mild, cold] }));
    fake.on(STATIONS, stations());
    fake.on(RECORD, json(201, mild));

    await screen.findByText("−12.5 ℃");
    await user.click(within(card()).getByRole("button", { name: /登记气温/ }));
    const dialog = await modal("登记气温");
    // now, in Beijing time
    expect((within(dialog).getByLabelText("读数时间") as HTMLInputElement).value).toBe("2026-01-10T15:00");
    await user.type(within(dialog).getByLabelText("室外温度（℃）"), "-8.5");
    await user.click(within(dialog).getByRole("button", { name: "登记" }));

    await waitFor(() => expect(fake.callsTo(RECORD)).toHaveLength(1));
    expect(fake.callsTo(RECORD)[0].body).toEqual({ tempC10: -85, at: "2026-01-10T07:00:00.000Z" });
    expect(await screen.findByText("已登记")).toBeTruthy();
    await waitFor(() => expect(fake.callsTo(LIST)).toHaveLength(2));
    expect(await screen.findByText("−8.5 ℃")).toBeTruthy();
    expect(screen.getByText("当前室温标准 20 ℃")).toBeTruthy();
    expect(screen.queryByText("低于−10℃，标准按18℃")).toBeNull();
    await waitFor(() => expect(document.querySelector(".record-outdoor-modal")).toBeNull());
  });

  it("a hotline agent sees the reading but has no 登记气温", async () => {
    const { fake } = renderCard("hotline_agent");
    fake.on(LIST, coldList());

    expect(await screen.findByText("−12.5 ℃")).toBeTruthy();
    expect(screen.queryByRole("button", { name: /登记气温/ })).toBeNull();
  });

  it("checks the reading before sending, and shows the server's refusal in the dialog", async () => {
    const { fake, user } = renderCard("technician");
    fake.on(LIST, coldList());
    fake.on(STATIONS, stations());
    fake.on(RECORD, apiError(400, "OUTDOOR_TIME_INVALID", "读数时间不能晚于现在，也不能早于7天前"));

    await screen.findByText("−12.5 ℃");
    await user.click(within(card()).getByRole("button", { name: /登记气温/ }));
    const dialog = await modal("登记气温");
    await user.click(within(dialog).getByRole("button", { name: "登记" }));
    expect(await within(dialog).findByText("请填写室外温度")).toBeTruthy();

    const temp = within(dialog).getByLabelText("室外温度（℃）");
    await user.type(temp, "-8.55");
    await user.click(within(dialog).getByRole("button", { name: "登记" }));
    expect(await within(dialog).findByText("温度以0.1℃为单位")).toBeTruthy();
    await user.clear(temp);
    await user.type(temp, "-60");
    await user.click(within(dialog).getByRole("button", { name: "登记" }));
    expect(await within(dialog).findByText("室外温度读数不合理")).toBeTruthy();
    expect(fake.callsTo(RECORD)).toHaveLength(0);

    await user.clear(temp);
    await user.type(temp, "-8.5");
    await chooseOption("outdoor-station", "城西换热站");
    fireEvent.change(within(dialog).getByLabelText("读数时间"), { target: { value: "2026-01-10T14:20" } });
    await user.click(within(dialog).getByRole("button", { name: "登记" }));

    await waitFor(() => expect(fake.callsTo(RECORD)).toHaveLength(1));
    expect(fake.callsTo(RECORD)[0].body).toEqual({ tempC10: -85, at: "2026-01-10T06:20:00.000Z", stationId: 3 });
    expect((await within(dialog).findByRole("alert")).textContent).toContain("读数时间不能晚于现在，也不能早于7天前");
    // nothing changed: the dialog stays open and the reading is not asked for again
    expect(document.querySelector(".record-outdoor-modal")).toBeTruthy();
    expect(screen.queryByText("已登记")).toBeNull();
    expect(fake.callsTo(LIST)).toHaveLength(1);
    // the refusal was about the time sent: it goes as soon as the time is changed
    fireEvent.change(within(dialog).getByLabelText("读数时间"), { target: { value: "2026-01-10T14:10" } });
    await waitFor(() => expect(within(dialog).queryByRole("alert")).toBeNull());
  });

  it("says so quietly when the readings cannot be loaded", async () => {
    const { fake } = renderCard("dispatcher");
    fake.on(LIST, apiError(403, "FORBIDDEN", "没有权限"));

    expect(await screen.findByText("气温读数加载失败")).toBeTruthy();
    expect(screen.queryByText(/当前室温标准/)).toBeNull();
    // recording still works from the button
    expect(within(card()).getByRole("button", { name: /登记气温/ })).toBeTruthy();
  });
});
