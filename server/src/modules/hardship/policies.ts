import { existIn, type PolicyTable } from "../../http/access";
import { AccountBinding } from "../accounts";
import { HardshipApplication } from "./entities";

declare module "../../http/access" {
  interface PermissionMap {
    /** a hardship application: one for an account actively bound to the resident; any for staff */
    "hardship.read": true;
  }
}

export const hardshipPolicies: PolicyTable = {
  "hardship.read": {
    notFound: "HARDSHIP_NOT_FOUND",
    async resident(ds, actor, ids) {
      const rows = await ds
        .getRepository(HardshipApplication)
        .createQueryBuilder("h")
        .innerJoin(
          AccountBinding,
          "b",
          "b.account_id = h.account_id AND b.resident_user_id = :rid AND b.active_flag = :on",
          {
            rid: actor.id,
            on: true,
          },
        )
        .select("h.id", "id")
        .where("h.id IN (:...ids)", { ids })
        .getRawMany<{ id: number | string }>();
      return rows.map((r) => Number(r.id));
    },
    staff: existIn(HardshipApplication),
  },
};
