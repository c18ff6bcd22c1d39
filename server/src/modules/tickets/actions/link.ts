import { DISPATCH_ROLES, LinkSchema } from "@warmline/shared";
import { AppError } from "../../../http/errors";
import { Ticket } from "../entities";
import { defineAction } from "./types";

/** 合并为同一事件: the ticket joins the incident of another one (which leads it when it had none). */
export const link = defineAction({
  verb: "link",
  path: "link",
  summary: "合并为同一事件",
  input: LinkSchema,
  roles: DISPATCH_ROLES,
  states: ["new", "responded", "dispatched", "on_site", "resolved"],
  events: ["linked"],
  async apply({ m, ticket, record }, input) {
    const repo = m.getRepository(Ticket);
    const lead = await repo.findOneBy({ id: input.incidentTicketId });
    if (!lead || lead.id === ticket.id) throw new AppError("TICKET_NOT_FOUND");
    const incidentId = lead.incidentId ?? lead.id;
    await record("linked", { incidentId, leadTicketNo: lead.ticketNo });
    ticket.incidentId = incidentId;
    ticket.suggestIncident = false;
    if (lead.incidentId === null) await repo.update({ id: lead.id }, { incidentId: lead.id, suggestIncident: false });
  },
});
