import { PauseSchema, TICKET_DESK_ROLES } from "@warmline/shared";
import { AppError } from "../../../http/errors";
import { defineAction } from "./types";

/**
 * 暂停计时: waiting for the resident stops the running clocks (not the measurement clock). Only after the
 * first contact (12345 practice): a ticket nobody has answered yet cannot meet its 30 minutes by pausing.
 */
export const pause = defineAction({
  verb: "pause",
  path: "pause",
  summary: "暂停计时（等待居民）",
  input: PauseSchema,
  roles: TICKET_DESK_ROLES,
  states: ["responded", "dispatched", "on_site"],
  clocks: "running",
  events: ["paused"],
  async apply({ record, sla }, input) {
    if (sla.response.metAt === null) throw new AppError("TICKET_PAUSE_BEFORE_CONTACT");
    await record("paused", { reason: input.reason });
  },
});
