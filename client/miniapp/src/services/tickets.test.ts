import { beforeEach, describe, expect, it, vi } from "vitest";

const api = vi.hoisted(() => ({ request: vi.fn() }));
vi.mock("./request", () => ({ request: api.request }));

import { ApiError } from "./errors";
import { createTicket, getTicket, listTickets, rateTicket, saveConsents } from "./tickets";

beforeEach(() => {
  api.request.mockReset();
});

describe("tickets", () => {
  it("submits a report as POST /me/tickets with the body as given", async () => {
    const input = {
      accountId: 3,
      category: "cold_room" as const,
      indoorTempC10: 165,
      description: "卧室暖气片不热，室温偏低",
      photoIds: [11, 12],
    };
    api.request.mockResolvedValue({ id: 9, ticketNo: "GD202611270001" });
    await expect(createTicket(input)).resolves.toMatchObject({ id: 9 });
    expect(api.request).toHaveBeenCalledWith("/api/v1/me/tickets", { method: "POST", data: input });
  });

  it("lists the resident's tickets and reads one by id", async () => {
    api.request.mockResolvedValue({ items: [{ id: 9 }] });
    await expect(listTickets()).resolves.toEqual([{ id: 9 }]);
    api.request.mockResolvedValue({ id: 9, events: [] });
    await getTicket(9);
    expect(api.request.mock.calls.map((c) => c[0])).toEqual(["/api/v1/me/tickets", "/api/v1/me/tickets/9"]);
  });

  it("rates a resolved ticket", async () => {
    api.request.mockResolvedValue({ id: 9, status: "closed" });
    await rateTicket(9, { satisfied: true, score: 5 });
    expect(api.request).toHaveBeenCalledWith("/api/v1/me/tickets/9/rate", {
      method: "POST",
      data: { satisfied: true, score: 5 },
    });
  });

  it("passes TICKET_BAD_STATE and TICKET_NOT_FOUND on", async () => {
    const refused = new ApiError({ code: "TICKET_BAD_STATE", status: 409, message: "工单当前状态不能进行该操作" });
    api.request.mockRejectedValue(refused);
    await expect(rateTicket(9, { satisfied: false, score: 2 })).rejects.toBe(refused);
    const missing = new ApiError({ code: "TICKET_NOT_FOUND", status: 404, message: "工单不存在" });
    api.request.mockRejectedValue(missing);
    await expect(getTicket(10)).rejects.toBe(missing);
  });

  it("saves the subscribe consents", async () => {
    api.request.mockResolvedValue({ counts: { ticket_progress: 1 } });
    const results = [
      { template: "ticket_progress" as const, accepted: true },
      { template: "follow_up_due" as const, accepted: false },
    ];
    await expect(saveConsents(results)).resolves.toEqual({ counts: { ticket_progress: 1 } });
    expect(api.request).toHaveBeenCalledWith("/api/v1/me/subscriptions", { method: "POST", data: { results } });
  });
});
