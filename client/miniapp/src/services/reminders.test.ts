import { beforeEach, describe, expect, it, vi } from "vitest";

const mocks = vi.hoisted(() => ({ ask: vi.fn(), request: vi.fn() }));
vi.mock("./subscribe", () => ({ platformSubscribe: { ask: mocks.ask } }));
vi.mock("./request", () => ({ request: mocks.request }));

import { askArrearsConsent } from "./reminders";

beforeEach(() => {
  mocks.ask.mockReset();
  mocks.request.mockReset();
});

describe("arrears subscribe-message consent", () => {
  it("asks for the arrears template and records an accepted answer", async () => {
    mocks.ask.mockResolvedValue([{ template: "arrears_reminder", accepted: true }]);
    mocks.request.mockResolvedValue({ remaining: 2 });
    await expect(askArrearsConsent("tpl-arrears")).resolves.toBe(2);
    expect(mocks.ask.mock.calls[0]?.[0]).toEqual([{ template: "arrears_reminder", id: "tpl-arrears" }]);
    expect(mocks.request).toHaveBeenCalledWith("/api/v1/me/subscriptions/arrears", {
      method: "POST",
      data: { accepted: true },
    });
  });

  it("records a refusal too", async () => {
    mocks.ask.mockResolvedValue([{ template: "arrears_reminder", accepted: false }]);
    mocks.request.mockResolvedValue({ remaining: 0 });
    await expect(askArrearsConsent("tpl-arrears")).resolves.toBe(0);
    expect(mocks.request.mock.calls[0]?.[1]).toEqual({ method: "POST", data: { accepted: false } });
  });

  it("records nothing when nothing was asked (H5, the platform refused, no template id)", async () => {
    mocks.ask.mockResolvedValue([]);
    await expect(askArrearsConsent("tpl-arrears")).resolves.toBeNull();
    await expect(askArrearsConsent(null)).resolves.toBeNull();
    expect(mocks.ask).toHaveBeenCalledTimes(1);
    expect(mocks.request).not.toHaveBeenCalled();
  });
});
