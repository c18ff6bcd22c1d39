import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { DEFAULT_REMINDER_TEMPLATES, defaultLadder } from "@warmline/shared";
import { describe, expect, it } from "vitest";
import { apiError, json } from "../test/fakeFetch";
import { signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const GET = "GET /api/v1/staff/reminders/ladder";
const PUT = "PUT /api/v1/staff/reminders/ladder";
const SLOW = { timeout: 15_000 };

const definition = defaultLadder({
  quietHours: { start: "21:00", end: "08:00" },
  minGapDays: 7,
  ratePerSecond: { subscribe: 50, sms: 20 },
});
const view = () =>
  json(200, { version: 3, definition, createdAt: "2026-12-01T02:00:00.000Z", createdBy: 1, note: "调整短信频率" });

function open(role: Parameters<typeof staffWith>[0]) {
  const { fake } = renderApp("/reminders/ladder");
  signedInAs(fake, staffWith(role));
  fake.on(
    "GET /api/v1/staff/alerts/summary",
    ...Array.from({ length: 5 }, () => json(200, { open: 0, latestAt: null })),
  );
  fake.on(GET, view());
  return fake;
}

describe("催缴阶梯", () => {
  it("an admin's save refused by the server shows each problem where it belongs; the whole ladder went with the note", async () => {
    const user = userEvent.setup();
    const fake = open("admin");
    // overdue_60 (the 5th step) moved before overdue_30: out of order within 催缴
    const offset = await screen.findByLabelText("第5步的天数", undefined, SLOW);
    fireEvent.change(offset, { target: { value: "20" } });
    fireEvent.blur(offset);
    await user.type(screen.getByLabelText("修改说明"), "提前催缴");
    fake.on(
      PUT,
      apiError(400, "LADDER_STEPS_OUT_OF_ORDER", "同一等级的步骤须按天数从早到晚排列", {
        issues: [
          { code: "LADDER_STEP_OUTSIDE_GRADE", path: "steps.4.offsetDays", detail: "催缴：20天" },
          { code: "LADDER_STEPS_OUT_OF_ORDER", path: "steps.4.offsetDays", detail: "催缴：第20天排在第30天之后" },
        ],
      }),
    );
    await user.click(screen.getByRole("button", { name: /保存为新版本/ }));
    const problems = await waitFor(() => {
      const el = document.querySelector(".ladder-problems");
      if (!el) throw new Error("no problems shown");
      return el as HTMLElement;
    });
    expect(problems.textContent).toContain(
      "第5步（催缴 · 第20天）的天数：步骤的天数不在该欠费等级的范围内，永远不会触发（催缴：20天）",
    );
    expect(problems.textContent).toContain("同一等级的步骤须按天数从早到晚排列（催缴：第20天排在第30天之后）");
    const body = fake.callsTo(PUT)[0]?.body as { definition: typeof definition; note: string };
    expect(body.note).toBe("提前催缴");
    expect(body.definition.steps[4]?.offsetDays).toBe(20);
    expect(body.definition.templates).toEqual(DEFAULT_REMINDER_TEMPLATES);
  }, 30_000);

  it("a supervisor reads the ladder per grade without inputs", async () => {
    open("supervisor");
    await screen.findByText("第 3 版 · 2026-12-01 10:00:00 · 调整短信频率", undefined, SLOW);
    expect(screen.getByText("21:00–08:00")).toBeTruthy();
    expect(screen.getAllByText("逾期30天").length).toBeGreaterThan(0);
    expect(screen.queryByLabelText("修改说明")).toBeNull();
    expect(screen.queryByRole("button", { name: /保存为新版本/ })).toBeNull();
  }, 30_000);
});
