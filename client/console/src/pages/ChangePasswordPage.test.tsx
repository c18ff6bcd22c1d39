import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { apiError, json } from "../test/fakeFetch";
import { staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";
import { sessionTokens } from "../api/tokens";

const CHANGE = "POST /api/v1/staff/me/password";

function signedIn(fake: ReturnType<typeof renderApp>["fake"], mustChangePassword: boolean) {
  sessionTokens.set({ accessToken: "A", refreshToken: "R" });
  fake.on("GET /api/v1/staff/me", json(200, { ...staffWith("technician"), mustChangePassword }));
}

describe("修改密码", () => {
  it("holds a user whose password an admin set on 修改密码 until they choose their own", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/accounts");
    signedIn(fake, true);
    expect(await screen.findByText(/请先设置自己的新密码/)).toBeTruthy();
    expect(screen.getByTestId("location").textContent).toBe("/change-password");

    await user.type(screen.getByLabelText(/当前密码/), "Temp#Pass1234");
    await user.type(screen.getByLabelText("新密码"), "liu-password");
    await user.type(screen.getByLabelText("再次输入"), "liu-password2");
    await user.click(screen.getByRole("button", { name: /确认修改/ }));
    // the shared rules, before anything is sent
    expect(await screen.findByText(/密码需包含大写字母/)).toBeTruthy();
    expect(screen.getByText("两次输入的密码不一致")).toBeTruthy();
    expect(fake.callsTo(CHANGE)).toHaveLength(0);

    await user.clear(screen.getByLabelText("新密码"));
    await user.type(screen.getByLabelText("新密码"), "Radiator-7-Warm");
    await user.clear(screen.getByLabelText("再次输入"));
    await user.type(screen.getByLabelText("再次输入"), "Radiator-7-Warm");
    fake.on(CHANGE, new Response(null, { status: 204 }));
    fake.on("GET /api/v1/staff/me", json(200, { ...staffWith("technician"), mustChangePassword: false }));
    await user.click(screen.getByRole("button", { name: /确认修改/ }));
    await waitFor(() => expect(fake.callsTo(CHANGE)).toHaveLength(1));
    expect(fake.callsTo(CHANGE)[0].body).toEqual({ currentPassword: "Temp#Pass1234", newPassword: "Radiator-7-Warm" });
    await waitFor(() => expect(screen.getByTestId("location").textContent).not.toBe("/change-password"));
  }, 60_000);

  it("shows a wrong current password on its field", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/change-password");
    signedIn(fake, false);
    await user.type(await screen.findByLabelText("原密码"), "wrong");
    await user.type(screen.getByLabelText("新密码"), "Radiator-7-Warm");
    await user.type(screen.getByLabelText("再次输入"), "Radiator-7-Warm");
    fake.on(
      CHANGE,
      apiError(400, "CURRENT_PASSWORD_WRONG", "原密码不正确", [{ path: "currentPassword", message: "原密码不正确" }]),
    );
    await user.click(screen.getByRole("button", { name: /确认修改/ }));
    expect((await screen.findAllByText("原密码不正确")).length).toBeGreaterThan(0);
    expect(screen.getByTestId("location").textContent).toBe("/change-password");
  }, 60_000);
});
