import { PauseSchema, TICKET_DESK_ROLES } from "@warmline/shared";
import { defineAction } from "./types";

/** 暂停计时: waiting for the resident stops the running clocks (not the measurement clock). */
export const pause = defineAction({
  verb: "pause",
  path: "pause",
  summary: "暂停计时（等待居民）",
  input: PauseSchema,
  roles: TICKET_DESK_ROLES,
  states: ["new", "responded", "dispatched", "on_site"],
  clocks: "running",
  events: ["paused"],
  async apply({ record }, input) {
    await record("paused", { reason: input.reason });
  },
});
