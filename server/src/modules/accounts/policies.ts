import { In } from "typeorm";
import { existIn, type PolicyTable } from "../../http/access";
import { AccountBinding, HeatingAccount } from "./entities";

declare module "../../http/access" {
  interface PermissionMap {
    /** a heating account: a resident's actively bound one; any existing one for staff */
    "account.read": true;
  }
}

export const accountPolicies: PolicyTable = {
  "account.read": {
    notFound: "ACCOUNT_NOT_FOUND",
    async resident(ds, actor, ids) {
      const rows = await ds.getRepository(AccountBinding).find({
        select: { accountId: true },
        where: { residentUserId: actor.id, accountId: In(ids), activeFlag: true },
      });
      return rows.map((r) => r.accountId);
    },
    staff: existIn(HeatingAccount),
  },
};
