import type { StaffUser } from "@warmline/shared";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { TABLE_WIDTH_AT_1440 } from "../components/tableWidth";
import { chooseOption, declaredTableWidth, modal, rowWith } from "../test/antd";
import { apiError, json } from "../test/fakeFetch";
import { signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const LIST = "GET /api/v1/staff/users";
const CREATE = "POST /api/v1/staff/users";

function staffUser(over: Partial<StaffUser> = {}): StaffUser {
  return {
    id: 10,
    username: "admin",
    displayName: "系统管理员·周",
    phoneMasked: null,
    roles: ["admin"],
    stationId: null,
    stationName: null,
    communityId: null,
    communityName: null,
    status: "active",
    lockedUntil: null,
    mustChangePassword: false,
    lastLoginAt: "2026-01-10T01:30:00.000Z",
    createdAt: "2025-10-01T00:00:00.000Z",
    ...over,
  };
}

/** the list once it has loaded (antd's first render is slow on a busy machine) */
const loaded = (text: string) => screen.findByText(text, undefined, { timeout: 20_000 }).then(() => rowWith(text));

const page = (items: StaffUser[]) => json(200, { items, total: items.length, page: 1, pageSize: 20 });

function openAsAdmin(...lists: Response[]) {
  const user = userEvent.setup();
  const { fake } = renderApp("/staff");
  signedInAs(fake, { ...staffWith("admin"), id: 10 });
  fake.on(LIST, ...lists);
  fake.on("GET /api/v1/staff/stations", json(200, { items: [{ id: 3, name: "城东换热站" }] }));
  fake.on(
    "GET /api/v1/staff/communities",
    json(200, { items: [{ id: 5, code: "C05", name: "新华社区", district: null, accountCount: 120 }] }),
  );
  return { user, fake };
}

describe("员工管理", () => {
  it("lists staff with roles, scope, status and last sign-in, and fits a 1440 px screen", async () => {
    openAsAdmin(
      page([
        staffUser(),
        staffUser({
          id: 11,
          username: "tech_wang",
          displayName: "王师傅",
          roles: ["technician"],
          stationId: 3,
          stationName: "城东换热站",
          phoneMasked: "139********",
          status: "locked",
          mustChangePassword: true,
          lastLoginAt: null,
        }),
      ]),
    );
    const row = await loaded("tech_wang");
    for (const text of ["王师傅", "维修员", "城东换热站", "139********", "已锁定", "待改密码", "从未登录", "解锁"])
      expect(within(row).getByText(text)).toBeTruthy();
    expect(within(await rowWith("系统管理员·周")).getByText("2026-01-10 09:30:00")).toBeTruthy();
    expect(screen.getAllByText("员工管理").length).toBeGreaterThan(0); // the menu entry and the title
    const wrapper = document.querySelector(".staff-table") as Element;
    expect(declaredTableWidth(wrapper)).toBeLessThanOrEqual(TABLE_WIDTH_AT_1440);
  }, 60_000);

  it("creates a technician: the station is asked for, the generated password is shown once", async () => {
    const { user, fake } = openAsAdmin(page([staffUser()]), page([staffUser()]));
    await loaded("系统管理员·周");
    await user.click(screen.getByRole("button", { name: /新建工作人员/ }));
    const dialog = await modal("新建工作人员");
    await user.type(within(dialog).getByLabelText("用户名"), "tech_wang");
    await user.type(within(dialog).getByLabelText("姓名"), "王师傅");
    await chooseOption("roles", "维修员");
    // a technician works for a station: the form asks for it before anything is sent
    await user.click(within(dialog).getByRole("button", { name: "创建" }).closest("button") as HTMLElement);
    expect(await within(dialog).findByText("调度员、维修员需要指定所属换热站")).toBeTruthy();
    expect(fake.callsTo(CREATE)).toHaveLength(0);
    await chooseOption("stationId", "城东换热站");
    fake.on(
      CREATE,
      json(201, {
        user: staffUser({ id: 12, username: "tech_wang", displayName: "王师傅", roles: ["technician"], stationId: 3 }),
        temporaryPassword: "Xk7#pQ2mWz9r",
      }),
    );
    fireEvent.click(within(dialog).getByRole("button", { name: "创建" }));
    await waitFor(() => expect(fake.callsTo(CREATE)).toHaveLength(1));
    expect(fake.callsTo(CREATE)[0].body).toEqual({
      username: "tech_wang",
      displayName: "王师傅",
      phone: null,
      roles: ["technician"],
      stationId: 3,
      communityId: null,
    });
    // the form's dialog may still be closing: look among every open one
    const shown = await waitFor(() => {
      const el = [...document.querySelectorAll(".ant-modal")].find((m) =>
        m.querySelector(".ant-modal-title")?.textContent?.startsWith("临时密码"),
      );
      if (!el) throw new Error("no 临时密码 dialog");
      return el as HTMLElement;
    });
    expect(within(shown).getByText("Xk7#pQ2mWz9r")).toBeTruthy();
    expect(within(shown).getByText(/只显示这一次/)).toBeTruthy();
  }, 60_000);

  it("a typed temporary password must follow the rules before it is sent", async () => {
    const { user, fake } = openAsAdmin(page([staffUser()]));
    await loaded("系统管理员·周");
    await user.click(screen.getByRole("button", { name: /新建工作人员/ }));
    const dialog = await modal("新建工作人员");
    await user.type(within(dialog).getByLabelText("用户名"), "cashier_sun");
    await user.type(within(dialog).getByLabelText("姓名"), "孙收费");
    await chooseOption("roles", "收费员");
    await user.click(within(dialog).getByLabelText("手动设置"));
    await user.type(within(dialog).getByLabelText("临时密码"), "cashier_sun1");
    fireEvent.click(within(dialog).getByRole("button", { name: "创建" }));
    expect(await within(dialog).findByText("密码不能包含用户名")).toBeTruthy();
    expect(fake.callsTo(CREATE)).toHaveLength(0);
  }, 60_000);

  it("shows the server's refusal to disable the last admin", async () => {
    const { user, fake } = openAsAdmin(page([staffUser()]), page([staffUser()]));
    fake.on(
      "POST /api/v1/staff/users/10/disable",
      apiError(409, "STAFF_LAST_ADMIN", "这是最后一位在用的系统管理员，不能停用或取消其管理员角色"),
    );
    const row = await loaded("系统管理员·周");
    await user.click(within(row).getByRole("button", { name: /^停\s?用$/ }));
    // the confirmation's own 停用 (antd spaces two-character button labels: 停 用)
    const confirm = await screen.findAllByRole("button", { name: /^停\s?用$/ });
    await user.click(confirm[confirm.length - 1]);
    expect(await screen.findByText("这是最后一位在用的系统管理员，不能停用或取消其管理员角色")).toBeTruthy();
  }, 60_000);

  it("is refused to other roles without asking the server", async () => {
    const { fake } = renderApp("/staff");
    signedInAs(fake, staffWith("supervisor"));
    expect(await screen.findByText("没有权限")).toBeTruthy();
    expect(fake.callsTo(LIST)).toHaveLength(0);
  }, 60_000);
});
