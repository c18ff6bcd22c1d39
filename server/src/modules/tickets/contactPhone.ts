import { type ContactPhoneReveal, TICKET_DESK_ROLES } from "@warmline/shared";
import type { Context } from "koa";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { audit } from "../audit";
import { Ticket } from "./entities";

/**
 * The full 联系电话 of one ticket for the staff who work tickets (the ticket desks' roles), with no reason to
 * give: calling the resident is their job. A technician without another desk role sees it only on the
 * tickets dispatched to them. Every answer with a number writes an audit row (who, which ticket, when).
 */
export async function revealContactPhone(deps: Deps, ctx: Context, id: number): Promise<ContactPhoneReveal> {
  const staff = staffAuth(ctx);
  const ticket = await deps.ds.getRepository(Ticket).findOneBy({ id });
  if (!ticket) throw new AppError("TICKET_NOT_FOUND");
  const fieldOnly = !staff.roles.some((r) => r !== "technician" && TICKET_DESK_ROLES.includes(r));
  if (fieldOnly && ticket.technicianId !== staff.id) throw new AppError("FORBIDDEN");
  const phone = ticket.callerPhoneEnc ? deps.vault.decrypt(ticket.callerPhoneEnc) : null;
  if (phone) {
    await audit(deps.ds, ctx, {
      action: "ticket.contact_phone_reveal",
      targetType: "ticket",
      targetId: ticket.id,
      details: { ticketNo: ticket.ticketNo },
    });
  }
  return { ticketId: ticket.id, phone };
}
