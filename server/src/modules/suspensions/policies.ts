import type { PolicyTable } from "../../http/access";
import { AccountBinding } from "../accounts";
import { SuspensionApplication } from "./entities";

declare module "../../http/access" {
  interface PermissionMap {
    /** a 报停/复供 application: for a resident, one of an account actively bound to them; staff: any */
    "suspension.read": true;
  }
}

export const suspensionPolicies: PolicyTable = {
  "suspension.read": {
    notFound: "SUSPENSION_NOT_FOUND",
    async resident(ds, actor, ids) {
      const rows = await ds
        .getRepository(SuspensionApplication)
        .createQueryBuilder("s")
        .innerJoin(
          AccountBinding,
          "b",
          "b.account_id = s.account_id AND b.resident_user_id = :rid AND b.active_flag = :on",
          { rid: actor.id, on: true },
        )
        .select("s.id", "id")
        .where("s.id IN (:...ids)", { ids })
        .getRawMany<{ id: number | string }>();
      return rows.map((r) => Number(r.id));
    },
    async staff(ds, _actor, ids) {
      const rows = await ds
        .getRepository(SuspensionApplication)
        .createQueryBuilder("s")
        .select("s.id", "id")
        .where("s.id IN (:...ids)", { ids })
        .getRawMany<{ id: number | string }>();
      return rows.map((r) => Number(r.id));
    },
  },
};
