import { cleanup, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";
import { DESKS, deskOf, homePath } from "./desks";

/** Menu entries as the signed-in staff member sees them. */
async function menuFor(...roles: Parameters<typeof staffWith>) {
  const { fake } = renderApp("/cashier");
  signedInAs(fake, staffWith(...roles));
  await screen.findByRole("menuitem", { name: /账户查询/ });
  const items = screen.getAllByRole("menuitem").map((el) => el.textContent ?? "");
  return { items, fake };
}

describe("desks by role", () => {
  it("a cashier sees 收费台 but not 供热季", async () => {
    const { items } = await menuFor("cashier");
    expect(items.some((t) => t.includes("收费台"))).toBe(true);
    expect(items.some((t) => t.includes("供热季"))).toBe(false);
    expect(items.some((t) => t.includes("审计日志"))).toBe(false);
    // the desk itself opens
    await waitFor(() => expect(document.getElementById("cashier-search")).toBeTruthy());
  });

  it("a hotline agent has no 收费台, and the route refuses without asking the server", async () => {
    const { items, fake } = await menuFor("hotline_agent");
    expect(items.some((t) => t.includes("收费台"))).toBe(false);
    expect(items.some((t) => t.includes("供热季"))).toBe(false);
    expect(await screen.findByText("没有权限")).toBeTruthy();
    expect(document.getElementById("cashier-search")).toBeNull();
    expect(fake.calls.filter((c) => c.path !== "/api/v1/staff/me")).toHaveLength(0);
  });

  it("a grid worker has 收费台 but not 供热季", async () => {
    const grid = await menuFor("grid_worker");
    expect(grid.items.some((t) => t.includes("收费台"))).toBe(true);
    expect(grid.items.some((t) => t.includes("供热季"))).toBe(false);
    // 特殊群体 (their communities, with 代缴) but not the supervisors' 走访分工
    expect(grid.items.some((t) => t.includes("特殊群体"))).toBe(true);
    expect(grid.items.some((t) => t.includes("走访分工"))).toBe(false);
  });

  it("a supervisor has 收费台, 供热季 and 审计日志", async () => {
    const { items } = await menuFor("supervisor");
    expect(items.map((t) => t.trim())).toEqual([
      "我的工单",
      "账户查询",
      "热线受理",
      "SLA 看板",
      "回访队列",
      "收费台",
      "缴费查询",
      "异常款项",
      "对账",
      "发票管理",
      "供热季",
      "三率报表",
      "困难初审",
      "困难复核",
      "困难汇总",
      "升级提醒",
      "供热公告",
      "审计日志",
      "节假日日历",
      "报停/复供",
      "走访进度",
      "特殊群体",
      "走访分工",
      "催缴活动",
      "催缴阶梯",
      "催缴复核",
      "走访任务",
      "恶意欠费候选",
      "法务案件",
      "法务期限",
      "典型案例审核",
      "法务报表",
    ]);
  });

  it("a legal officer has the 法务 desks and the inbox; a cashier has no 法务 desk", async () => {
    const legal = await menuFor("legal_officer");
    for (const desk of ["恶意欠费候选", "法务案件", "法务期限", "典型案例审核", "法务报表", "升级提醒"])
      expect(legal.items.some((t) => t.includes(desk))).toBe(true);
    cleanup();
    const cashier = await menuFor("cashier");
    expect(cashier.items.some((t) => t.includes("法务"))).toBe(false);
    expect(deskOf("/legal/cases/12")?.label).toBe("法务案件");
  });

  it("hardship review desks: 困难初审 for community reviewers, 困难复核 and 困难汇总 for centre reviewers", async () => {
    const community = await menuFor("community_reviewer");
    expect(community.items.map((t) => t.trim())).toEqual(["账户查询", "困难初审"]);
    cleanup();
    const center = await menuFor("center_reviewer");
    expect(center.items.some((t) => t.includes("困难复核"))).toBe(true);
    expect(center.items.some((t) => t.includes("困难汇总"))).toBe(true);
    expect(center.items.some((t) => t.includes("困难初审"))).toBe(false);
    expect(deskOf("/hardship/applications/7", [DESKS.hardshipCenter])?.label).toBe("困难复核");
  });

  it("升级提醒 is for supervisors and admins; a dispatcher is refused without asking, not even for the bell", async () => {
    const admin = await menuFor("admin");
    expect(admin.items.some((t) => t.includes("升级提醒"))).toBe(true);
    cleanup();
    const dispatcher = await menuFor("dispatcher", "hotline_agent");
    expect(dispatcher.items.some((t) => t.includes("升级提醒"))).toBe(false);
    cleanup();
    const { fake } = renderApp("/alerts");
    signedInAs(fake, staffWith("dispatcher", "hotline_agent"));
    expect(await screen.findByText("没有权限")).toBeTruthy();
    expect(fake.calls.filter((c) => c.path !== "/api/v1/staff/me")).toHaveLength(0);
    expect(deskOf("/alerts")?.label).toBe("升级提醒");
  });

  it("service desk: a technician has 我的工单 only; the board, hotline, follow-ups and the report are refused without asking", async () => {
    const tech = await menuFor("technician");
    expect(tech.items.some((t) => t.includes("我的工单"))).toBe(true);
    for (const desk of ["SLA 看板", "热线受理", "回访队列", "三率报表"])
      expect(
        tech.items.some((t) => t.includes(desk)),
        desk,
      ).toBe(false);
    cleanup();
    for (const path of ["/sla-board", "/hotline", "/follow-ups", "/reports/service"]) {
      const { fake } = renderApp(path);
      signedInAs(fake, staffWith("technician"));
      expect(await screen.findByText("没有权限"), path).toBeTruthy();
      expect(fake.calls.filter((c) => c.path !== "/api/v1/staff/me")).toHaveLength(0);
      cleanup();
    }
    // a cashier has no service desk at all, not even a ticket
    const cashier = await menuFor("cashier");
    expect(cashier.items.some((t) => t.includes("SLA 看板"))).toBe(false);
    cleanup();
    const { fake } = renderApp("/tickets/5");
    signedInAs(fake, staffWith("cashier"));
    expect(await screen.findByText("没有权限")).toBeTruthy();
    expect(fake.calls.filter((c) => c.path !== "/api/v1/staff/me")).toHaveLength(0);
  });

  it("发票管理 is for the hotline, cashiers and reviewers; a technician or grid worker is refused without asking", async () => {
    const agent = await menuFor("hotline_agent");
    expect(agent.items.some((t) => t.includes("发票管理"))).toBe(true);
    cleanup();
    const grid = await menuFor("grid_worker");
    expect(grid.items.some((t) => t.includes("发票管理"))).toBe(false);
    cleanup();
    const { fake } = renderApp("/invoices");
    signedInAs(fake, staffWith("technician"));
    expect(await screen.findByText("没有权限")).toBeTruthy();
    expect(fake.calls.filter((c) => c.path !== "/api/v1/staff/me")).toHaveLength(0);
    expect(deskOf("/invoices")?.label).toBe("发票管理");
  });

  it("a cashier has 缴费查询, 异常款项 and 对账; a hotline agent has none of them", async () => {
    const { items } = await menuFor("cashier");
    for (const desk of ["缴费查询", "异常款项", "对账"])
      expect(
        items.some((t) => t.includes(desk)),
        desk,
      ).toBe(true);
    cleanup();
    const agent = await menuFor("hotline_agent");
    for (const desk of ["缴费查询", "异常款项", "对账"]) {
      expect(
        agent.items.some((t) => t.includes(desk)),
        desk,
      ).toBe(false);
    }
  });

  it("a technician is refused 缴费查询 and 对账 without asking the server", async () => {
    for (const path of ["/payments", "/payments/flagged", "/reconciliation"]) {
      const { fake } = renderApp(path);
      signedInAs(fake, staffWith("technician"));
      expect(await screen.findByText("没有权限"), path).toBeTruthy();
      expect(fake.calls.filter((c) => c.path !== "/api/v1/staff/me")).toHaveLength(0);
      cleanup();
    }
  });

  it("marks the deepest desk a path is in", () => {
    expect(deskOf("/payments")?.label).toBe("缴费查询");
    expect(deskOf("/payments/flagged")?.label).toBe("异常款项");
    expect(deskOf("/paymentsx")).toBeUndefined();
    expect(deskOf("/accounts/42")?.label).toBe("账户查询");
    // a ticket opens from the SLA board, or from 我的工单 for those without the board
    expect(deskOf("/tickets/5")?.label).toBe("SLA 看板");
    expect(deskOf("/tickets/5", [DESKS.accounts, DESKS.myTickets])?.label).toBe("我的工单");
    expect(deskOf("/reports/service")?.label).toBe("三率报表");
  });

  it("a technician's home is 我的工单; everyone else starts at the account search", () => {
    expect(homePath(["technician"])).toBe("/my-tickets");
    expect(homePath(["dispatcher", "technician"])).toBe("/my-tickets");
    expect(homePath(["dispatcher"])).toBe("/accounts");
    expect(homePath(["supervisor"])).toBe("/accounts");
    expect(homePath(undefined)).toBe("/accounts");
  });
});
