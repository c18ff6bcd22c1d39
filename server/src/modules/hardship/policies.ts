import type { PolicyTable } from "../../http/access";
import { AccountBinding } from "../accounts";
import { HardshipApplication } from "./entities";
import { staffHardshipScope } from "./scope";

declare module "../../http/access" {
  interface PermissionMap {
    /** a hardship application: one for an account actively bound to the resident; for staff, one in their community scope (scope.ts) */
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
    async staff(ds, actor, ids) {
      const scope = await staffHardshipScope(ds, actor);
      const qb = ds
        .getRepository(HardshipApplication)
        .createQueryBuilder("h")
        .select("h.id", "id")
        .where("h.id IN (:...ids)", { ids });
      if (scope !== null) qb.andWhere("h.community_id = :scope", { scope });
      const rows = await qb.getRawMany<{ id: number | string }>();
      return rows.map((r) => Number(r.id));
    },
  },
};
