import { In } from "typeorm";
import { existIn, type PolicyTable } from "../../http/access";
import { AccountBinding } from "../accounts";
import { Invoice } from "./entities";

declare module "../../http/access" {
  interface PermissionMap {
    /** an invoice (blue or red): one of an account actively bound to the resident; any for staff */
    "invoice.read": true;
  }
}

export const invoicePolicies: PolicyTable = {
  "invoice.read": {
    notFound: "INVOICE_NOT_FOUND",
    async resident(ds, actor, ids) {
      const invoices = await ds
        .getRepository(Invoice)
        .find({ select: { id: true, accountId: true }, where: { id: In(ids) } });
      if (invoices.length === 0) return [];
      const bound = await ds.getRepository(AccountBinding).find({
        select: { accountId: true },
        where: {
          residentUserId: actor.id,
          accountId: In([...new Set(invoices.map((i) => i.accountId))]),
          activeFlag: true,
        },
      });
      const accounts = new Set(bound.map((b) => b.accountId));
      return invoices.filter((i) => accounts.has(i.accountId)).map((i) => i.id);
    },
    staff: existIn(Invoice),
  },
};
