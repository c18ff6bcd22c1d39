import { NoteSchema, TICKET_DESK_ROLES, TICKET_STATUSES } from "@warmline/shared";
import { defineAction } from "./types";

/** 备注: an internal note, in any state (also on a closed ticket). */
export const note = defineAction({
  verb: "note",
  path: "notes",
  summary: "备注",
  input: NoteSchema,
  roles: TICKET_DESK_ROLES,
  states: TICKET_STATUSES,
  events: ["note"],
  async apply({ record }, input) {
    await record("note", { note: input.note });
  },
});
