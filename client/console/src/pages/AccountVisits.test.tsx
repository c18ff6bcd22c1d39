import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { VisitView } from "@warmline/shared";
import { describe, expect, it, vi } from "vitest";
import { modal } from "../test/antd";
import { apiError, json } from "../test/fakeFetch";
import { account, openBills, signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

/** The account page's 走访记录 tab: visits with photos, corrections against the row they correct, positions, PDF, 更正. */

const LIST = "GET /api/v1/staff/accounts/42/visits";
const PDF = "GET /api/v1/staff/accounts/42/visits.pdf";
const FIX = "POST /api/v1/staff/visits/501/corrections";
const SLOW = { timeout: 15_000 };

function visit(over: Partial<VisitView> = {}): VisitView {
  return {
    id: 500,
    accountId: 42,
    accountNo: "1000234567",
    address: account.address,
    communityId: 3,
    communityName: "新华小区",
    visitors: [{ id: 7, name: "刘敏" }],
    startedAt: "2026-12-01T02:00:00.000Z",
    endedAt: "2026-12-01T02:20:00.000Z",
    kind: "collection",
    kindLabel: "催缴沟通",
    outcome: "met_owner",
    outcomeLabel: "见到户主",
    indoorTempC10: 212,
    tempMethod: "thermometer",
    outdoorTempC10: -35,
    faultsFound: null,
    faultsFixed: null,
    policyExplained: ["payment_policy"],
    position: { kind: "refuses", label: "拒绝缴费", promisedDate: null, reason: "说暖气不热" },
    notes: "住户情绪激动",
    photos: [
      { id: 81, url: "/api/v1/files/v/81?exp=1&sig=abc", mime: "image/jpeg", size: 2000, role: "photo" },
      { id: 82, url: "/api/v1/files/v/82?exp=1&sig=def", mime: "image/png", size: 900, role: "signature" },
    ],
    location: null,
    correctsId: null,
    correctionReason: null,
    rootId: 500,
    supersededById: 501,
    effects: [],
    createdAt: "2026-12-01T02:21:00.000Z",
    ...over,
  };
}

const original = visit();
const correction = visit({
  id: 501,
  correctsId: 500,
  correctionReason: "住户态度记错",
  supersededById: null,
  position: { kind: "promised", label: "承诺日期", promisedDate: "2026-12-20", reason: null },
  createdAt: "2026-12-01T03:00:00.000Z",
});
const earlier = visit({
  id: 480,
  rootId: 480,
  supersededById: null,
  kind: "care",
  kindLabel: "访民问暖",
  startedAt: "2026-11-15T02:00:00.000Z",
  position: { kind: "hardship", label: "经济困难", promisedDate: null, reason: "老伴住院" },
  photos: [],
  createdAt: "2026-11-15T02:30:00.000Z",
});
const answer = () =>
  json(200, {
    accountId: 42,
    items: [earlier, original, correction],
    positions: [
      { visitId: 480, at: earlier.startedAt, kind: "hardship", label: "经济困难" },
      { visitId: 501, at: correction.startedAt, kind: "promised", label: "承诺日期" },
    ],
  });

function accountPage(...roles: Parameters<typeof staffWith>) {
  const { fake } = renderApp("/accounts/42");
  signedInAs(fake, staffWith(...roles));
  fake.on(
    "GET /api/v1/staff/alerts/summary",
    ...Array.from({ length: 5 }, () => json(200, { open: 0, latestAt: null })),
  );
  fake.on("GET /api/v1/staff/accounts/42", json(200, account));
  fake.on("GET /api/v1/staff/accounts/42/bills", json(200, { items: openBills, totalOwedFen: 378595 }));
  fake.on("GET /api/v1/staff/accounts/42/payments", json(200, { items: [] }));
  return fake;
}

async function openTab(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole("tab", { name: "走访记录" }, SLOW));
  return waitFor(() => {
    const el = document.querySelector(".account-visits");
    if (!el?.querySelector(".account-visit")) throw new Error("no visits yet");
    return el as HTMLElement;
  }, SLOW);
}

describe("account page: 走访记录", () => {
  it("shows each visit with its photos, the correction over the 已更正 original, and the positions timeline", async () => {
    const user = userEvent.setup();
    const fake = accountPage("hotline_agent");
    fake.on(LIST, answer());
    await screen.findByRole("tab", { name: "走访记录" }, SLOW);
    expect(fake.callsTo(LIST)).toHaveLength(0); // loads only when opened
    const tab = await openTab(user);

    const cards = [...tab.querySelectorAll(".account-visit")] as HTMLElement[];
    // two visits (the correction chain counts once), newest first
    expect(cards.map((c) => c.getAttribute("data-visit-id"))).toEqual(["501", "480"]);
    const [fixed, older] = cards as [HTMLElement, HTMLElement];
    expect(within(fixed).getByText("更正记录")).toBeTruthy();
    expect(fixed.textContent).toContain("更正 #500，原因：住户态度记错");
    expect(fixed.textContent).toContain("承诺 2026-12-20 缴费");
    expect(fixed.textContent).toContain("21.2℃（温度计），室外-3.5℃");
    // the original sits under it, marked 已更正, with what it said
    const orig = fixed.querySelector('.account-visit-superseded[data-visit-id="500"]') as HTMLElement;
    expect(orig).toBeTruthy();
    expect(within(orig).getByText("已更正")).toBeTruthy();
    expect(orig.textContent).toContain("拒绝缴费");
    expect(orig.textContent).toContain("说暖气不热");
    // photos through their signed links, the signature labelled
    const imgs = [...fixed.querySelectorAll(":scope > .ant-card-body > .account-visit-body img")] as HTMLImageElement[];
    expect(imgs.map((i) => new URL(i.src).pathname + new URL(i.src).search)).toEqual([
      "/api/v1/files/v/81?exp=1&sig=abc",
      "/api/v1/files/v/82?exp=1&sig=def",
    ]);
    expect(imgs[1]?.alt).toBe("住户签名");
    expect(older.textContent).toContain("访民问暖");
    expect(older.querySelector(".account-visit-superseded")).toBeNull();

    // the positions over time, oldest first
    const timeline = tab.querySelector(".account-visit-positions") as HTMLElement;
    const entries = [...timeline.querySelectorAll(".ant-timeline-item")].map((li) => li.textContent);
    expect(entries).toEqual(["2026-11-15 10:00:00 经济困难", "2026-12-01 10:00:00 承诺日期"]);
    // a hotline agent reads, but does not correct
    expect(within(tab).queryByRole("button", { name: /更正/ })).toBeNull();
  });

  it("导出PDF downloads the account's PDF with the signed-in token", async () => {
    const user = userEvent.setup();
    const fake = accountPage("legal_officer");
    fake.on(LIST, answer());
    const created = vi.spyOn(URL, "createObjectURL").mockReturnValue("blob:console/visits");
    const revoke = vi.spyOn(URL, "revokeObjectURL").mockImplementation(() => undefined);
    const clicks: HTMLAnchorElement[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this);
    });
    fake.on(
      PDF,
      () =>
        new Response(new Blob(["%PDF-1.7"], { type: "application/pdf" }), {
          status: 200,
          headers: { "content-disposition": "attachment; filename*=UTF-8''%E8%B5%B0%E8%AE%BF.pdf" },
        }),
    );
    const tab = await openTab(user);
    await user.click(within(tab).getByRole("button", { name: /导出PDF/ }));
    await waitFor(() => expect(fake.callsTo(PDF)).toHaveLength(1));
    expect(fake.callsTo(PDF)[0]?.authorization).toBe("Bearer A");
    await waitFor(() => expect(created).toHaveBeenCalled());
    expect(await (created.mock.calls[0] as unknown as [Blob])[0].text()).toBe("%PDF-1.7");
    expect(clicks.map((a) => a.download)).toEqual(["走访.pdf"]);
    for (const m of [created, revoke, click]) m.mockRestore();
  });

  it("更正 opens the form pre-filled; saving needs a reason and posts a correction of the current row", async () => {
    const user = userEvent.setup();
    const fake = accountPage("grid_worker");
    fake.on(LIST, answer(), answer());
    const tab = await openTab(user);
    const fixed = tab.querySelector('.account-visit[data-visit-id="501"]') as HTMLElement;
    // only the current row of a chain has 更正 (the 已更正 original has none)
    expect(within(fixed).getAllByRole("button", { name: /更正/ })).toHaveLength(1);
    await user.click(within(fixed).getByRole("button", { name: /更正/ }));
    const dlg = await modal("更正走访记录 #501");
    expect((dlg.querySelector("#fix-temp") as HTMLInputElement).value).toBe("21.2");
    expect((within(dlg).getByLabelText("承诺缴费日期") as HTMLInputElement).value).toBe("2026-12-20");

    await user.click(within(dlg).getByRole("button", { name: "保存更正" }));
    expect((await within(dlg).findByTestId("fix-error")).textContent).toContain("请填写更正原因");
    expect(fake.callsTo(FIX)).toHaveLength(0);

    const temp = dlg.querySelector("#fix-temp") as HTMLInputElement;
    await user.clear(temp);
    await user.type(temp, "17.5");
    await user.type(dlg.querySelector("#fix-reason") as HTMLTextAreaElement, "温度读数记错");
    fake.on(
      FIX,
      json(201, {
        visit: visit({ id: 502, correctsId: 501, rootId: 500, supersededById: null, indoorTempC10: 175 }),
        hardshipOffer: null,
      }),
    );
    await user.click(within(dlg).getByRole("button", { name: "保存更正" }));
    await waitFor(() => expect(fake.callsTo(FIX)).toHaveLength(1));
    const body = fake.callsTo(FIX)[0]?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      reason: "温度读数记错",
      indoorTempC10: 175,
      tempMethod: "thermometer",
      kind: "collection",
      outcome: "met_owner",
      startedAt: correction.startedAt,
      endedAt: correction.endedAt,
      photoIds: [81],
      signaturePhotoId: 82,
      position: { kind: "promised", promisedDate: "2026-12-20", reason: null },
    });
    await waitFor(() => expect(fake.callsTo(LIST)).toHaveLength(2)); // the list is read again
  });

  it("a refused correction shows the server's message and keeps the form", async () => {
    const user = userEvent.setup();
    const fake = accountPage("grid_worker");
    fake.on(LIST, answer());
    const tab = await openTab(user);
    await user.click(
      within(tab.querySelector('.account-visit[data-visit-id="501"]') as HTMLElement).getByRole("button", {
        name: /更正/,
      }),
    );
    const dlg = await modal("更正走访记录 #501");
    await user.type(dlg.querySelector("#fix-reason") as HTMLTextAreaElement, "再改一次");
    fake.on(FIX, apiError(409, "VISIT_ALREADY_CORRECTED", "该记录已被更正，请在最新一条上更正"));
    await user.click(within(dlg).getByRole("button", { name: "保存更正" }));
    expect((await within(dlg).findByTestId("fix-error")).textContent).toContain("该记录已被更正");
    expect(document.querySelector(".ant-modal")).toBeTruthy();
  });

  it("a cashier has no 走访记录 tab", async () => {
    accountPage("cashier");
    await screen.findByRole("tab", { name: "账单" }, SLOW);
    expect(screen.queryByRole("tab", { name: "走访记录" })).toBeNull();
  });
});
