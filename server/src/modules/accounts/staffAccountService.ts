import {
  type AccountSearchQuery,
  mayReveal,
  normalizeIdNumber,
  normalizePhone,
  type PiiField,
  type RevealInput,
  type RevealResult,
  type StaffAccount,
} from "@warmline/shared";
import type { Context } from "koa";
import { Brackets } from "typeorm";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { audit } from "../audit";
import { accountsQuery, bindingCounts } from "./accountQueries";
import { presentStaffAccount } from "./presenters";

/** LIKE patterns escape with "!" (the same literal on MySQL and SQLite, unlike a backslash). */
const escapeLike = (s: string) => s.replace(/[!%_]/g, (c) => `!${c}`);

/**
 * Account search for the desks: one box recognised by shape (户号 prefix, full phone, ID number, otherwise
 * address or owner-name text) plus explicit filters. Phones and ID numbers match only whole, through their
 * blind index; results are masked.
 */
export async function searchAccounts(
  deps: Deps,
  query: AccountSearchQuery,
): Promise<{ items: StaffAccount[]; total: number; page: number; pageSize: number }> {
  const { ds, vault } = deps;
  const qb = accountsQuery(ds);
  const q = query.q?.trim();
  if (q) {
    const digits = q.replace(/[\s-]/g, "");
    if (/^1\d{10}$/.test(digits)) {
      qb.andWhere(
        new Brackets((w) =>
          w
            .where("a.phone_bidx = :pb", { pb: vault.blindIndex("phone", normalizePhone(digits)) })
            .orWhere("a.account_no LIKE :np ESCAPE '!'", { np: `${digits}%` }),
        ),
      );
    } else if (/^\d{17}[\dXx]$/.test(digits)) {
      qb.andWhere("a.id_number_bidx = :ib", { ib: vault.blindIndex("idNumber", normalizeIdNumber(digits)) });
    } else if (/^\d{3,12}$/.test(digits)) {
      qb.andWhere("a.account_no LIKE :np ESCAPE '!'", { np: `${escapeLike(digits)}%` });
    } else {
      qb.andWhere(
        new Brackets((w) =>
          w
            .where("a.address LIKE :t ESCAPE '!'", { t: `%${escapeLike(q)}%` })
            .orWhere("a.owner_name LIKE :t ESCAPE '!'", { t: `%${escapeLike(q)}%` })
            .orWhere("community.name LIKE :t ESCAPE '!'", { t: `%${escapeLike(q)}%` }),
        ),
      );
    }
  }
  if (query.accountNo) qb.andWhere("a.account_no LIKE :an ESCAPE '!'", { an: `${escapeLike(query.accountNo)}%` });
  if (query.phone) qb.andWhere("a.phone_bidx = :p2", { p2: vault.blindIndex("phone", normalizePhone(query.phone)) });
  if (query.address) qb.andWhere("a.address LIKE :ad ESCAPE '!'", { ad: `%${escapeLike(query.address)}%` });
  if (query.communityId) qb.andWhere("a.community_id = :cid", { cid: query.communityId });

  const [rows, total] = await qb
    .orderBy("a.account_no", "ASC")
    .skip((query.page - 1) * query.pageSize)
    .take(query.pageSize)
    .getManyAndCount();
  const counts = await bindingCounts(
    ds,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((a) => presentStaffAccount(a, vault, counts.get(a.id) ?? 0)),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

export async function getStaffAccount(deps: Deps, id: number): Promise<StaffAccount> {
  const a = await accountsQuery(deps.ds).where("a.id = :id", { id }).getOne();
  if (!a) throw new AppError("ACCOUNT_NOT_FOUND");
  const counts = await bindingCounts(deps.ds, [a.id]);
  return presentStaffAccount(a, deps.vault, counts.get(a.id) ?? 0);
}

/** Unmask personal data for a role allowed to see it; every reveal is audited with its reason. */
export async function revealAccountPii(
  deps: Deps,
  ctx: Context,
  id: number,
  input: RevealInput,
): Promise<RevealResult> {
  const staff = staffAuth(ctx);
  const fields = [...new Set(input.fields)] as PiiField[];
  const denied = fields.filter((f) => !mayReveal(staff.roles, f));
  if (denied.length) throw new AppError("FORBIDDEN", { fields: denied });
  const a = await accountsQuery(deps.ds).where("a.id = :id", { id }).getOne();
  if (!a) throw new AppError("ACCOUNT_NOT_FOUND");
  const result: RevealResult = {};
  if (fields.includes("phone")) result.phone = deps.vault.decrypt(a.phoneEnc);
  if (fields.includes("idNumber")) result.idNumber = deps.vault.decrypt(a.idNumberEnc);
  await audit(deps.ds, ctx, {
    action: "pii.reveal",
    targetType: "heating_account",
    targetId: a.id,
    details: { fields, reason: input.reason, accountNo: a.accountNo },
  });
  return result;
}
