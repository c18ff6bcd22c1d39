import { type BindAccountInput, normalizeIdNumber, normalizePhone, type ResidentAccount } from "@warmline/shared";
import type { Context } from "koa";
import { MoreThan } from "typeorm";
import type { Deps } from "../../deps";
import { clientIp } from "../../http/auth";
import { AppError } from "../../http/errors";
import { type RateLimiter, RateLimitedError } from "../../http/rateLimit";
import { enqueue } from "../../jobs/outbox";
import { logger } from "../../lib/logger";
import type { PiiVault } from "../../lib/pii";
import { audit } from "../audit";
import { AccountBinding, BindAttempt } from "./entities";
import { accountsQuery } from "./accountQueries";
import type { HeatingAccount } from "./entities";
import { presentResidentAccount } from "./presenters";

const squash = (s: string) => s.replace(/\s+/g, "");

/** Does the second factor match the account? Compared on normalised values; never reveals which part failed. */
export function factorMatches(account: HeatingAccount, input: BindAccountInput, vault: PiiVault): boolean {
  switch (input.factor) {
    case "owner_name":
      return squash(account.ownerName) === squash(input.value);
    case "phone_tail": {
      const phone = vault.decrypt(account.phoneEnc);
      return !!phone && normalizePhone(phone).slice(-4) === input.value;
    }
    case "id_tail": {
      const id = vault.decrypt(account.idNumberEnc);
      return !!id && normalizeIdNumber(id).slice(-6) === input.value.toUpperCase();
    }
  }
}

export async function listBoundAccounts(deps: Deps, residentId: number): Promise<ResidentAccount[]> {
  const bindings = await deps.ds
    .getRepository(AccountBinding)
    .find({ where: { residentUserId: residentId, activeFlag: true }, order: { id: "ASC" } });
  if (bindings.length === 0) return [];
  const accounts = await accountsQuery(deps.ds)
    .where("a.id IN (:...ids)", { ids: bindings.map((b) => b.accountId) })
    .getMany();
  const byId = new Map(accounts.map((a) => [a.id, a]));
  return bindings.flatMap((b) => {
    const a = byId.get(b.accountId);
    return a ? [presentResidentAccount(a, b, deps.vault)] : [];
  });
}

/** The account if it is bound to this resident; otherwise 404, exactly as for an id that does not exist. */
export async function getBoundAccount(deps: Deps, residentId: number, accountId: number): Promise<ResidentAccount> {
  const binding = await deps.ds
    .getRepository(AccountBinding)
    .findOneBy({ residentUserId: residentId, accountId, activeFlag: true });
  if (!binding) throw new AppError("ACCOUNT_NOT_FOUND");
  const account = await accountsQuery(deps.ds).where("a.id = :id", { id: accountId }).getOne();
  if (!account) throw new AppError("ACCOUNT_NOT_FOUND");
  return presentResidentAccount(account, binding, deps.vault);
}

/**
 * 绑定户号: 户号 plus a second factor. Failures are counted per resident and 户号 (and per resident overall,
 * against enumeration); past the limit the resident must wait. An unknown 户号 fails exactly like a wrong factor.
 *
 * Against guessing with many identities (every new sign-in is a fresh resident), failures are also counted
 * per 户号 across all residents (BIND_MAX_FAILURES_PER_ACCOUNT within BIND_ACCOUNT_WINDOW_HOURS: then online
 * binding of that 户号 pauses and the holder gets help at the service hall) and per client address
 * (BIND_MAX_FAILURES_PER_IP). These count the 户号 as typed, so an unknown one behaves like a real one. A
 * binding that succeeds after BIND_ALERT_AFTER_FAILURES failures on that 户号 is committed together with the
 * job `notify.bind_after_failures`: an alert in the supervisors' inbox and a text to the phone on file.
 */
export async function bindAccount(
  deps: Deps,
  ctx: Context,
  residentId: number,
  input: BindAccountInput,
): Promise<ResidentAccount> {
  const { ds, config, vault } = deps;
  const max = config.auth.bindMaxFailures;
  const now = Date.now();
  const since = new Date(now - config.auth.bindWindowMinutes * 60_000);
  const accountSince = new Date(now - config.auth.bindAccountWindowHours * 3600_000);
  const ip = clientIp(ctx) || null;
  const attempts = ds.getRepository(BindAttempt);
  const failuresHere = await attempts.count({
    where: { residentUserId: residentId, accountNo: input.accountNo, success: false, createdAt: MoreThan(since) },
  });
  const failuresAll = await attempts.count({
    where: { residentUserId: residentId, success: false, createdAt: MoreThan(since) },
  });
  if (failuresHere >= max || failuresAll >= max * 3) {
    // open again when the oldest failure that still counts leaves the window: say how long that is
    const counted = await attempts.find({
      where: {
        residentUserId: residentId,
        ...(failuresHere >= max ? { accountNo: input.accountNo } : {}),
        success: false,
        createdAt: MoreThan(since),
      },
      order: { createdAt: "ASC", id: "ASC" },
      skip: failuresHere >= max ? failuresHere - max : failuresAll - max * 3,
      take: 1,
    });
    const until = (counted[0]?.createdAt.getTime() ?? now) + config.auth.bindWindowMinutes * 60_000;
    const waitS = Math.max(60, Math.ceil((until - now) / 1000));
    const limited = new AppError("BIND_RATE_LIMITED", { retryAfterMinutes: Math.ceil(waitS / 60) });
    limited.headers["Retry-After"] = String(waitS);
    throw limited;
  }
  const failuresOnAccount = await attempts.count({
    where: { accountNo: input.accountNo, success: false, createdAt: MoreThan(accountSince) },
  });
  if (failuresOnAccount >= config.auth.bindMaxFailuresPerAccount) {
    logger.warn({ accountNo: input.accountNo, failures: failuresOnAccount, ip }, "binding of a 户号 paused");
    // it resumes when enough of the counted failures have left the window
    const oldest = await attempts.find({
      where: { accountNo: input.accountNo, success: false, createdAt: MoreThan(accountSince) },
      order: { createdAt: "ASC", id: "ASC" },
      skip: failuresOnAccount - config.auth.bindMaxFailuresPerAccount,
      take: 1,
    });
    const suspended = new AppError("BIND_ACCOUNT_SUSPENDED");
    const until = (oldest[0]?.createdAt.getTime() ?? now) + config.auth.bindAccountWindowHours * 3600_000;
    suspended.headers["Retry-After"] = String(Math.max(1, Math.ceil((until - now) / 1000)));
    throw suspended;
  }
  const ipFailures = bindFailuresPerIp(deps);
  if (ip) await asBindLimited(ipFailures.check(ip));

  const account = await accountsQuery(ds).where("a.account_no = :no", { no: input.accountNo }).getOne();
  const record = (success: boolean) =>
    attempts.insert({ residentUserId: residentId, accountNo: input.accountNo, factor: input.factor, success, ip });

  if (!account || account.status === "closed" || !factorMatches(account, input, vault)) {
    await record(false);
    // counted; going over the limit refuses the next attempt from this address, not this answer
    if (ip) await ipFailures.consume(ip).catch((err: unknown) => ignoreLimited(err));
    const remainingAttempts = Math.max(0, max - failuresHere - 1);
    // the last one: say at once how long the wait is
    throw new AppError("BIND_FAILED", {
      remainingAttempts,
      ...(remainingAttempts === 0 ? { retryAfterMinutes: config.auth.bindWindowMinutes } : {}),
    });
  }

  const bindings = ds.getRepository(AccountBinding);
  if (await bindings.existsBy({ residentUserId: residentId, accountId: account.id, activeFlag: true })) {
    throw new AppError("ALREADY_BOUND");
  }
  if (
    (await bindings.countBy({ residentUserId: residentId, activeFlag: true })) >= config.auth.maxBindingsPerResident
  ) {
    throw new AppError("BIND_LIMIT_REACHED");
  }

  const suspicious = failuresOnAccount >= config.auth.bindAlertAfterFailures;
  let binding: AccountBinding;
  try {
    binding = await ds.transaction(async (m) => {
      const b = await m.getRepository(AccountBinding).save(
        m.getRepository(AccountBinding).create({
          residentUserId: residentId,
          accountId: account.id,
          factor: input.factor,
          activeFlag: true,
          unboundAt: null,
        }),
      );
      await m.getRepository(BindAttempt).insert({
        residentUserId: residentId,
        accountNo: input.accountNo,
        factor: input.factor,
        success: true,
        ip,
      });
      await audit(m, ctx, {
        action: "account.bind",
        targetType: "heating_account",
        targetId: account.id,
        details: suspicious ? { factor: input.factor, failuresBefore: failuresOnAccount } : { factor: input.factor },
      });
      await enqueue(m, "notify.account_bound", { bindingId: b.id }, { dedupeKey: `account_bound:${b.id}` });
      if (suspicious) {
        const payload: BindAfterFailuresPayload = {
          bindingId: b.id,
          failures: failuresOnAccount,
          windowHours: config.auth.bindAccountWindowHours,
        };
        await enqueue(m, "notify.bind_after_failures", payload, { dedupeKey: `bind_after_failures:${b.id}` });
      }
      return b;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("ALREADY_BOUND"); // a parallel identical request won
    throw err;
  }
  deps.jobs.kick();
  return presentResidentAccount(account, binding, vault);
}

/** Failed binding attempts per client address (any resident, any 户号), per hour. */
function bindFailuresPerIp(deps: Deps): RateLimiter {
  return deps.limits.rateLimit({
    name: "bind_failures_ip",
    points: deps.config.auth.bindMaxFailuresPerIp,
    durationS: 3600,
    key: (ctx) => clientIp(ctx) || null,
  });
}

/** The binding's own "too many failures" answer (with Retry-After) for an address that used up its attempts. */
async function asBindLimited(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof RateLimitedError)) throw err;
    const limited = new AppError("BIND_RATE_LIMITED", { retryAfterMinutes: Math.ceil(err.retryAfterS / 60) });
    limited.headers["Retry-After"] = String(err.retryAfterS);
    throw limited;
  }
}

function ignoreLimited(err: unknown): void {
  if (!(err instanceof RateLimitedError)) throw err;
}

/** What `notify.bind_after_failures` is told (its handler lives with the other resident notifications). */
export interface BindAfterFailuresPayload {
  bindingId: number;
  /** failed attempts on the 户号 (all residents) within the window before this binding */
  failures: number;
  windowHours: number;
}

export async function unbindAccount(deps: Deps, ctx: Context, residentId: number, accountId: number): Promise<void> {
  const res = await deps.ds
    .getRepository(AccountBinding)
    .createQueryBuilder()
    .update()
    .set({ activeFlag: null, unboundAt: new Date() })
    .where("resident_user_id = :r AND account_id = :a AND active_flag = :t", { r: residentId, a: accountId, t: true })
    .execute();
  if (!res.affected) throw new AppError("ACCOUNT_NOT_FOUND");
  await audit(deps.ds, ctx, { action: "account.unbind", targetType: "heating_account", targetId: accountId });
}

export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  const code = e?.driverError?.code ?? e?.code;
  return code === "ER_DUP_ENTRY" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}
