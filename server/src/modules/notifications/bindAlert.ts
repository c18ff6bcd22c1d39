import { BIND_FACTOR_LABELS, type BindFactor } from "@warmline/shared";
import { z } from "zod";
import type { Deps } from "../../deps";
import { SmsRejectedError, normaliseMobile } from "../../integrations/sms/provider";
import { defineJob } from "../../jobs/registry";
import { logger } from "../../lib/logger";
import { AccountBinding, HeatingAccount } from "../accounts";
import { beijingMinute, raiseAlert, SUPERVISOR_AUDIENCE } from "../alerts";
import { MessageDelivery } from "../tickets";
import { Notification } from "./entities";
import { SEND_LEASE_MS } from "./ticketMessages";

export const BIND_AFTER_FAILURES_JOB = "notify.bind_after_failures";

const PayloadSchema = z.object({
  bindingId: z.number().int().positive(),
  failures: z.number().int().min(0),
  windowHours: z.number().int().positive(),
});

/**
 * A 户号 was bound right after many failed attempts on it (accounts' bindAccount enqueues this in the
 * binding's transaction). Whoever bound it proved the factor, but so does a lucky guesser; so:
 *  - the supervisors' inbox gets an alert (one per binding);
 *  - the holder is told by SMS at the phone on file (预留手机号): the one channel that reaches the holder and
 *    not whoever just bound — the in-app message of the binding goes to the binder, who may be the guesser;
 *  - residents bound to the 户号 before get an in-app message too.
 * Runs at least once: the alert, the messages and the SMS delivery row have unique keys; the SMS is claimed
 * with a lease like the ticket messages, so a retried job does not text twice.
 */
export function bindAfterFailuresJob(deps: () => Deps) {
  return defineJob({
    name: BIND_AFTER_FAILURES_JOB,
    schema: PayloadSchema,
    async handle(p, { ds }) {
      const binding = await ds.getRepository(AccountBinding).findOneBy({ id: p.bindingId });
      if (!binding) return;
      const account = await ds.getRepository(HeatingAccount).findOneByOrFail({ id: binding.accountId });
      const at = beijingMinute(binding.createdAt);
      const factor = BIND_FACTOR_LABELS[binding.factor as BindFactor] ?? binding.factor;

      await raiseAlert(ds.manager, {
        kind: "bind_after_failures",
        audience: SUPERVISOR_AUDIENCE,
        dedupeKey: `bind_after_failures:${binding.id}`,
        subjectType: "heating_account",
        subjectId: account.id,
        stationId: null,
        title: `户号 ${account.accountNo} 在多次验证失败后被绑定`,
        body:
          `${at} 居民用户 #${binding.residentUserId} 以“${factor}”验证绑定了户号 ${account.accountNo}（${account.address}）；` +
          `此前 ${p.windowHours} 小时内该户号验证失败 ${p.failures} 次。已短信通知预留手机号，请核实是否为户主本人。`,
        data: {
          accountNo: account.accountNo,
          bindingId: binding.id,
          residentUserId: binding.residentUserId,
          factor: binding.factor,
          failures: p.failures,
          windowHours: p.windowHours,
        },
        at: binding.createdAt,
      });

      const earlier = await ds
        .getRepository(AccountBinding)
        .findBy({ accountId: account.id, activeFlag: true })
        .then((bs) => bs.filter((b) => b.residentUserId !== binding.residentUserId));
      for (const b of earlier) {
        await ds
          .getRepository(Notification)
          .createQueryBuilder()
          .insert()
          .values({
            residentUserId: b.residentUserId,
            kind: "account_bound_elsewhere",
            channel: "inapp",
            title: "户号被其他用户绑定",
            body: `您绑定的供热户号 ${account.accountNo} 于 ${at} 被另一个微信/支付宝用户绑定，绑定前有多次验证失败。如非您家人操作，请致电 24 小时供热服务热线 0936-4466666。`,
            dedupeKey: `bind_elsewhere:${binding.id}:${b.residentUserId}`,
            status: "sent",
            sentAt: new Date(),
          })
          .orIgnore()
          .updateEntity(false)
          .execute();
      }

      await textHolder(deps(), account, binding, at);
    },
  });
}

/** The SMS to the phone on file, at most once per binding (a delivery row with a unique key and a lease). */
async function textHolder(deps: Deps, account: HeatingAccount, binding: AccountBinding, at: string): Promise<void> {
  const { ds } = deps;
  const repo = ds.getRepository(MessageDelivery);
  const uniqueKey = `bind_alert:${binding.id}`;
  await repo
    .createQueryBuilder()
    .insert()
    .values({
      uniqueKey,
      residentUserId: null,
      ticketId: null,
      template: "bind_alert",
      channel: "sms",
      status: "pending",
      payload: { bindingId: binding.id, accountId: account.id } as never,
      error: null,
      attempts: 0,
    })
    .orIgnore()
    .updateEntity(false)
    .execute();
  const now = new Date();
  const claimed = await repo
    .createQueryBuilder()
    .update()
    .set({ attempts: () => "attempts + 1", status: "sending", updatedAt: now })
    .where("unique_key = :k AND (status = 'pending' OR (status = 'sending' AND updated_at < :stale))", {
      k: uniqueKey,
      stale: new Date(now.getTime() - SEND_LEASE_MS),
    })
    .execute();
  if (!claimed.affected) return; // sent (or being sent) by an earlier run
  const set = (status: string, error: string | null, extra: Record<string, unknown> = {}) =>
    repo
      .createQueryBuilder()
      .update()
      .set({
        status,
        error: error?.slice(0, 200) ?? null,
        payload: { bindingId: binding.id, accountId: account.id, ...extra } as never,
      })
      .where("unique_key = :k", { k: uniqueKey })
      .execute();

  const phone = normaliseMobile(deps.vault.decrypt(account.phoneEnc));
  if (!phone) {
    await set("skipped", "no mobile number");
    return;
  }
  try {
    const { bizId } = await deps.sms.send(phone, deps.config.sms.templates.bind_alert, {
      accountNo: account.accountNo,
      time: at,
    });
    await set("sent", null, { bizId });
  } catch (err) {
    if (err instanceof SmsRejectedError) {
      logger.warn({ code: err.code, bindingId: binding.id }, "bind alert SMS rejected");
      await set("failed", `sms rejected ${err.code}`);
      return;
    }
    await set("pending", `sms: ${(err as Error).message}`);
    throw err; // the job is retried
  }
}
