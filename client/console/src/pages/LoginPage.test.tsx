import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { sessionTokens } from "../api/tokens";
import { apiError, json } from "../test/fakeFetch";
import { renderApp } from "../test/renderApp";

const LOGIN = "POST /api/v1/auth/staff/login";
const staff = { id: 7, username: "liu", displayName: "刘敏", roles: ["hotline_agent"] };

async function fillAndSubmit(username: string, password: string) {
  const user = userEvent.setup();
  await user.type(document.getElementById("username") as HTMLElement, username);
  await user.type(document.getElementById("password") as HTMLElement, password);
  await user.click(screen.getByRole("button", { name: "登录" }));
}

describe("login page", () => {
  it("shows the server's message and the remaining attempts on failure", async () => {
    const { fake } = renderApp("/login");
    fake.on(LOGIN, apiError(401, "STAFF_LOGIN_FAILED", "用户名或密码错误", { remainingAttempts: 2 }));

    await fillAndSubmit("liu", "wrong");

    expect(await screen.findByRole("alert")).toHaveProperty("textContent", "用户名或密码错误，还可尝试 2 次");
    expect(fake.calls[0].body).toEqual({ username: "liu", password: "wrong" });
    expect(sessionTokens.get()).toBeNull();
  });

  it("shows the lockout message as the server words it", async () => {
    const { fake } = renderApp("/login");
    fake.on(LOGIN, apiError(423, "STAFF_LOCKED", "密码错误次数过多，账号已锁定 15 分钟"));
    await fillAndSubmit("liu", "wrong");
    expect((await screen.findByRole("alert")).textContent).toBe("密码错误次数过多，账号已锁定 15 分钟");
  });

  it("checks empty fields in the browser with the shared schema's messages", async () => {
    const { fake } = renderApp("/login");
    await userEvent.setup().click(screen.getByRole("button", { name: "登录" }));
    expect(await screen.findByText("请输入用户名")).toBeTruthy();
    expect(await screen.findByText("请输入密码")).toBeTruthy();
    expect(fake.calls).toHaveLength(0);
  });

  it("signs in, keeps the tokens and opens the account desk with the staff name shown", async () => {
    const { fake } = renderApp("/login");
    fake
      .on(LOGIN, json(200, { accessToken: "A", refreshToken: "R", expiresIn: 900, staff }))
      .on("GET /api/v1/staff/accounts", json(200, { items: [], total: 0, page: 1, pageSize: 20 }))
      .on("GET /api/v1/staff/communities", json(200, { items: [] }));

    await fillAndSubmit(" liu ", "secret");

    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/accounts"));
    expect(await screen.findByText("刘敏")).toBeTruthy();
    expect(screen.getByText("热线坐席")).toBeTruthy();
    expect(screen.queryByText("审计日志")).toBeNull(); // not a supervisor
    expect(fake.calls[0].body).toEqual({ username: "liu", password: "secret" });
    expect(sessionTokens.get()).toEqual({ accessToken: "A", refreshToken: "R" });
  });

  it("sends a signed-out visitor of a desk to the login page", async () => {
    renderApp("/accounts");
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/login"));
    expect(screen.getByRole("button", { name: "登录" }).textContent).toBe("登录");
  });
});
