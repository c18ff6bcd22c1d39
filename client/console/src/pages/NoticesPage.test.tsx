import type { StaffNoticeView } from "@warmline/shared";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { beijingInputToIso, isoToBeijingInput } from "../components/NoticeFormModal";
import { chooseOption, modal, rowWith } from "../test/antd";
import { json } from "../test/fakeFetch";
import { signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const LIST = "GET /api/v1/staff/notices";

function notice(over: Partial<StaffNoticeView> = {}): StaffNoticeView {
  return {
    id: 3,
    title: "供热季开始",
    body: "10月15日起供热",
    kind: "season",
    audience: "all",
    communityIds: [],
    stationIds: [],
    targetNames: [],
    pinned: true,
    publishAt: "2026-10-14T16:00:00.000Z",
    expireAt: null,
    image: null,
    state: "current",
    authorName: "刘敏",
    withdrawnAt: null,
    withdrawReason: null,
    createdAt: "2026-10-14T16:00:00.000Z",
    updatedAt: "2026-10-14T16:00:00.000Z",
    ...over,
  };
}
const page = (items: StaffNoticeView[]) => json(200, { items, total: items.length });
/** the first render signs in and loads the app: slow on a loaded machine */
const shown = (text: string) => screen.findByText(text, undefined, { timeout: 15_000 });

function open(...lists: Response[]) {
  const { fake } = renderApp("/notices");
  signedInAs(fake, staffWith("supervisor"));
  fake.on(
    "GET /api/v1/staff/alerts/summary",
    ...Array.from({ length: 5 }, () => json(200, { open: 0, latestAt: null })),
  );
  fake.on(LIST, ...lists);
  return fake;
}

describe("供热公告", () => {
  it("lists notices with kind, audience, Beijing times and state", async () => {
    open(
      page([
        notice(),
        notice({
          id: 4,
          title: "一站停热",
          kind: "outage",
          audience: "stations",
          stationIds: [2],
          targetNames: ["城东换热站"],
          pinned: false,
          state: "withdrawn",
          withdrawReason: "已恢复",
        }),
      ]),
    );
    await shown("供热季开始");
    const first = await rowWith("供热季开始");
    expect(first.textContent).toContain("置顶");
    expect(first.textContent).toContain("季节通知");
    expect(first.textContent).toContain("全部居民");
    expect(first.textContent).toContain("2026-10-15 00:00");
    expect(first.textContent).toContain("发布中");
    const second = await rowWith("一站停热");
    expect(second.textContent).toContain("指定换热站：城东换热站");
    expect(second.textContent).toContain("已撤回");
    expect(within(second).queryByRole("button", { name: "撤回" })).toBeNull();
  });

  it("publishes an outage notice for a station with a live preview that renders marks, not HTML", async () => {
    const user = userEvent.setup();
    const fake = open(page([]), page([notice({ id: 9, title: "一站抢修停热", kind: "outage" })]));
    fake.on("GET /api/v1/staff/communities", json(200, { items: [] }));
    fake.on("GET /api/v1/staff/stations", json(200, { items: [{ id: 2, name: "城东换热站" }] }));
    fake.on("POST /api/v1/staff/notices", json(201, notice({ id: 9, title: "一站抢修停热", kind: "outage" })));
    await shown("暂无公告");

    await user.click(screen.getByRole("button", { name: /发布公告/ }));
    const dialog = await modal("发布公告");
    fireEvent.change(within(dialog).getByLabelText("标题"), { target: { value: "一站抢修停热" } });
    await chooseOption("kind", "停热检修");
    await user.click(within(dialog).getByText("指定换热站"));
    await chooseOption("stationIds", "城东换热站");
    expect(within(dialog).getByText(/所选换热站供热楼栋的已绑定居民/)).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText("正文"), {
      target: { value: "今日 **9:00–18:00** 停热\n\n- 请关好门窗\n<img src=x onerror=alert(1)>" },
    });
    fireEvent.change(within(dialog).getByLabelText("发布时间（北京时间）"), { target: { value: "2026-12-03T08:00" } });

    const preview = screen.getByTestId("notice-preview");
    await waitFor(() => expect(preview.querySelector("strong")?.textContent).toBe("9:00–18:00"));
    expect(preview.querySelector("li")?.textContent).toBe("请关好门窗");
    expect(preview.querySelector("img")).toBeNull();
    expect(preview.textContent).toContain("<img src=x onerror=alert(1)>");

    await user.click(within(dialog).getByRole("button", { name: /^发\s?布$/ }));
    await waitFor(() => expect(fake.callsTo("POST /api/v1/staff/notices")).toHaveLength(1));
    expect(fake.callsTo("POST /api/v1/staff/notices")[0].body).toEqual({
      title: "一站抢修停热",
      body: "今日 **9:00–18:00** 停热\n\n- 请关好门窗\n<img src=x onerror=alert(1)>",
      kind: "outage",
      audience: "stations",
      communityIds: [],
      stationIds: [2],
      pinned: false,
      publishAt: "2026-12-03T00:00:00.000Z",
      expireAt: null,
      imageId: null,
    });
    await rowWith("一站抢修停热");
  });

  it("withdraws with a reason", async () => {
    const user = userEvent.setup();
    const fake = open(page([notice()]), page([notice({ state: "withdrawn" })]));
    fake.on("POST /api/v1/staff/notices/3/withdraw", json(200, notice({ state: "withdrawn" })));
    await shown("供热季开始");
    const row = await rowWith("供热季开始");
    await user.click(within(row).getByRole("button", { name: "撤回" }));
    const dialog = await modal("撤回公告");
    await user.click(within(dialog).getByRole("button", { name: /^撤\s?回$/ }));
    expect(await within(dialog).findByText("请填写撤回原因")).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText("撤回原因"), { target: { value: "日期有误" } });
    await user.click(within(dialog).getByRole("button", { name: /^撤\s?回$/ }));
    await waitFor(() => expect(fake.callsTo("POST /api/v1/staff/notices/3/withdraw")).toHaveLength(1));
    expect(fake.callsTo("POST /api/v1/staff/notices/3/withdraw")[0].body).toEqual({ reason: "日期有误" });
  });

  it("reads and writes times in Beijing time whatever the browser's zone", () => {
    expect(beijingInputToIso("2026-12-03T08:00")).toBe("2026-12-03T00:00:00.000Z");
    expect(isoToBeijingInput("2026-12-03T00:00:00.000Z")).toBe("2026-12-03T08:00");
    expect(beijingInputToIso("")).toBeUndefined();
  });
});
