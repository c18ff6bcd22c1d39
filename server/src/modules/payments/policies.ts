import { existIn, type PolicyTable } from "../../http/access";
import { PaymentOrder } from "./entities";

declare module "../../http/access" {
  interface PermissionMap {
    /** a payment order: one the resident started; any for staff */
    "payment.read": true;
  }
}

export const paymentPolicies: PolicyTable = {
  "payment.read": {
    notFound: "PAYMENT_NOT_FOUND",
    async resident(ds, actor, ids) {
      const rows = await ds
        .getRepository(PaymentOrder)
        .createQueryBuilder("o")
        .select("o.id", "id")
        .where("o.id IN (:...ids) AND o.resident_user_id = :rid", { ids, rid: actor.id })
        .getRawMany<{ id: number | string }>();
      return rows.map((r) => Number(r.id));
    },
    staff: existIn(PaymentOrder),
  },
};
