import { z } from "zod";
import { defineJob } from "../../jobs/registry";
import { HeatingAccount, AccountBinding } from "../accounts";
import { Notification } from "./entities";

/** After a binding commits: tell the resident (in-app message). Runs at least once; the dedupe key makes it once. */
export const accountBoundJob = defineJob({
  name: "notify.account_bound",
  schema: z.object({ bindingId: z.number().int().positive() }),
  async handle({ bindingId }, { ds }) {
    const binding = await ds.getRepository(AccountBinding).findOneBy({ id: bindingId });
    if (!binding) return; // binding rolled back or deleted: nothing to say
    const account = await ds.getRepository(HeatingAccount).findOneByOrFail({ id: binding.accountId });
    await ds
      .getRepository(Notification)
      .createQueryBuilder()
      .insert()
      .values({
        residentUserId: binding.residentUserId,
        kind: "account_bound",
        channel: "inapp",
        title: "户号绑定成功",
        body: `您已成功绑定供热户号 ${account.accountNo}（${account.address}）。如非本人操作，请立即解绑并致电 24 小时供热服务热线 0936-4466666。`,
        dedupeKey: `account_bound:${bindingId}`,
        status: "sent",
        sentAt: new Date(),
      })
      .orIgnore()
      .execute();
  },
});
