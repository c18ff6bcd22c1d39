import { existIn, type PolicyTable } from "../../http/access";
import { Ticket } from "./entities";

declare module "../../http/access" {
  interface PermissionMap {
    /** a ticket: one the resident reported (or that staff opened for them); any for staff */
    "ticket.read": true;
  }
}

export const ticketPolicies: PolicyTable = {
  "ticket.read": {
    notFound: "TICKET_NOT_FOUND",
    async resident(ds, actor, ids) {
      const rows = await ds
        .getRepository(Ticket)
        .createQueryBuilder("t")
        .select("t.id", "id")
        .where("t.id IN (:...ids) AND t.resident_user_id = :rid", { ids, rid: actor.id })
        .getRawMany<{ id: number | string }>();
      return rows.map((r) => Number(r.id));
    },
    staff: existIn(Ticket),
  },
};
