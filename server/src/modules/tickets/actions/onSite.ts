import { FIELD_ROLES, OnSiteSchema } from "@warmline/shared";
import { defineAction } from "./types";

/** 到场: the technician is at the door. */
export const onSite = defineAction({
  verb: "on_site",
  path: "on-site",
  summary: "维修人员到场",
  input: OnSiteSchema,
  roles: FIELD_ROLES,
  states: ["dispatched"],
  events: ["on_site"],
  async apply({ ticket, record }, input) {
    await record("on_site", { note: input.note ?? null });
    ticket.status = "on_site";
  },
});
