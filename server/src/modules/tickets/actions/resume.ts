import { ResumeSchema, TICKET_DESK_ROLES } from "@warmline/shared";
import { defineAction } from "./types";

/** 恢复计时: the clocks run again. */
export const resume = defineAction({
  verb: "resume",
  path: "resume",
  summary: "恢复计时",
  input: ResumeSchema,
  roles: TICKET_DESK_ROLES,
  states: ["new", "responded", "dispatched", "on_site"],
  clocks: "paused",
  events: ["resumed"],
  async apply({ record }, input) {
    await record("resumed", { note: input.note ?? null });
  },
});
