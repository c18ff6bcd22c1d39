import {
  ACCOUNT_CATEGORY_LABELS,
  type AccountHardshipFlagsInput,
  HARDSHIP_LABELS,
  SPECIAL_GROUP_LABELS,
  SPECIAL_GROUPS,
  type AccountTransferInput,
  type AccountUpdateInput,
  idNumberProblem,
  maskIdNumber,
  maskName,
  maskPhone,
  normalizeIdNumber,
  parseRegisterPhone,
  REGISTER_AREA_BOUNDS,
  type StaffAccount,
  shanghaiDate,
} from "@warmline/shared";
import type { Context } from "koa";
import type { EntityManager } from "typeorm";
import { driverOf } from "../../db/dataSource";
import type { Deps } from "../../deps";
import { AppError } from "../../http/errors";
import type { PiiVault } from "../../lib/pii";
import { audit } from "../audit";
import { AccountBinding, HeatingAccount } from "./entities";
import { getStaffAccount } from "./staffAccountService";

/**
 * Account upkeep by staff: one account's address, area, category, phone and ID number, and 过户 (owner
 * change). Each change is validated with the register's rules, written under a row lock and audited with
 * the before/after values (names and personal data masked). Bills already issued keep the area and price
 * they were issued with: a new area applies from the next bill.
 */

const invalid = (path: string, message: string) => new AppError("ACCOUNT_FIELD_INVALID", [{ path, message }]);

function piiOf(vault: PiiVault, input: { phone?: string; idNumber?: string }, today: string) {
  const out: { phoneEnc?: string; phoneBidx?: string | null; idNumberEnc?: string; idNumberBidx?: string | null } = {};
  let phone: string | null = null;
  let idNumber: string | null = null;
  if (input.phone) {
    const p = parseRegisterPhone(input.phone);
    if ("problem" in p) throw invalid("phone", p.problem);
    phone = p.phone;
    out.phoneEnc = vault.encrypt(phone);
    out.phoneBidx = vault.blindIndex("phone", phone);
  }
  if (input.idNumber) {
    const problem = idNumberProblem(input.idNumber, today);
    if (problem) throw invalid("idNumber", problem);
    idNumber = normalizeIdNumber(input.idNumber);
    out.idNumberEnc = vault.encrypt(idNumber);
    out.idNumberBidx = vault.blindIndex("idNumber", idNumber);
  }
  return { set: out, phone, idNumber };
}

async function lockedAccount(m: EntityManager, id: number): Promise<HeatingAccount> {
  const qb = m.getRepository(HeatingAccount).createQueryBuilder("a").where("a.id = :id", { id });
  // SQLite serialises writers and refuses row locks
  if (driverOf(m.connection) === "mysql") qb.setLock("pessimistic_write");
  const a = await qb.getOne();
  if (!a) throw new AppError("ACCOUNT_NOT_FOUND");
  return a;
}

export async function updateAccount(
  deps: Deps,
  ctx: Context,
  id: number,
  input: AccountUpdateInput,
): Promise<StaffAccount> {
  const today = shanghaiDate(new Date());
  const { set: pii, phone, idNumber } = piiOf(deps.vault, input, today);
  await deps.ds.transaction(async (m) => {
    const a = await lockedAccount(m, id);
    const set: Partial<HeatingAccount> = { ...pii };
    const changes: { field: string; before: string | null; after: string | null }[] = [];
    if (input.address !== undefined && input.address !== a.address) {
      set.address = input.address;
      changes.push({ field: "address", before: a.address, after: input.address });
    }
    const category = input.category ?? a.category;
    if (input.heatedArea !== undefined || input.category !== undefined) {
      const hundredths = input.heatedArea !== undefined ? Math.round(input.heatedArea * 100) : a.heatedArea;
      if (input.heatedArea !== undefined && Math.abs(input.heatedArea * 100 - hundredths) > 1e-6)
        throw invalid("heatedArea", "供热面积最多两位小数");
      const b = REGISTER_AREA_BOUNDS[category];
      if (hundredths < b.min * 100 || hundredths > b.max * 100)
        throw invalid("heatedArea", `供热面积${hundredths / 100}㎡不在合理范围（${b.min}～${b.max}㎡）`);
      if (hundredths !== a.heatedArea) {
        set.heatedArea = hundredths;
        changes.push({
          field: "heatedArea",
          before: `${(a.heatedArea / 100).toFixed(2)}㎡`,
          after: `${(hundredths / 100).toFixed(2)}㎡`,
        });
      }
      if (category !== a.category) {
        set.category = category;
        changes.push({
          field: "category",
          before: ACCOUNT_CATEGORY_LABELS[a.category],
          after: ACCOUNT_CATEGORY_LABELS[category],
        });
      }
    }
    if (phone !== null && pii.phoneBidx !== a.phoneBidx)
      changes.push({ field: "phone", before: maskPhone(deps.vault.decrypt(a.phoneEnc)), after: maskPhone(phone) });
    else {
      delete set.phoneEnc;
      delete set.phoneBidx;
    }
    if (idNumber !== null && pii.idNumberBidx !== a.idNumberBidx)
      changes.push({
        field: "idNumber",
        before: maskIdNumber(deps.vault.decrypt(a.idNumberEnc)),
        after: maskIdNumber(idNumber),
      });
    else {
      delete set.idNumberEnc;
      delete set.idNumberBidx;
    }
    if (changes.length === 0) return;
    await m.getRepository(HeatingAccount).update({ id }, set);
    await audit(m, ctx, {
      action: "account.update",
      targetType: "heating_account",
      targetId: id,
      details: { accountNo: a.accountNo, reason: input.reason, changes },
    });
  });
  return getStaffAccount(deps, id);
}

/**
 * 过户: the account passes to a new owner. The old owner's active bindings end (the rows stay, with
 * unboundAt, as history); bills, payments and arrears stay with the account, whoever owes them.
 */
export async function transferAccount(
  deps: Deps,
  ctx: Context,
  id: number,
  input: AccountTransferInput,
): Promise<{ endedBindings: number }> {
  const today = shanghaiDate(new Date());
  const { set: pii } = piiOf(deps.vault, input, today);
  return deps.ds.transaction(async (m) => {
    const a = await lockedAccount(m, id);
    const ended = await m
      .getRepository(AccountBinding)
      .createQueryBuilder()
      .update()
      .set({ activeFlag: null, unboundAt: new Date() })
      .where("account_id = :a AND active_flag = :t", { a: id, t: true })
      .execute();
    // a new owner without a phone or ID number on the form: the old owner's must not stay on file
    await m.getRepository(HeatingAccount).update(
      { id },
      {
        ownerName: input.ownerName,
        phoneEnc: pii.phoneEnc ?? null,
        phoneBidx: pii.phoneBidx ?? null,
        idNumberEnc: pii.idNumberEnc ?? null,
        idNumberBidx: pii.idNumberBidx ?? null,
      },
    );
    const endedBindings = ended.affected ?? 0;
    await audit(m, ctx, {
      action: "account.transfer",
      targetType: "heating_account",
      targetId: id,
      details: {
        accountNo: a.accountNo,
        reason: input.reason,
        ownerBefore: maskName(a.ownerName),
        ownerAfter: maskName(input.ownerName),
        endedBindings,
      },
    });
    return { endedBindings };
  });
}

/**
 * 困难类别与特殊群体: an account's hardship category and special-group flags (行动不便, 失能, 独居老人, 残疾),
 * set by a supervisor or admin with a reason, under a row lock, audited ("account.hardship_flags") with the
 * before/after values in words; saving the same values changes and records nothing.
 */
export async function setHardshipFlags(
  deps: Deps,
  ctx: Context,
  id: number,
  input: AccountHardshipFlagsInput,
): Promise<StaffAccount> {
  const groups = SPECIAL_GROUPS.filter((g) => input.specialGroups.includes(g));
  const words = (gs: readonly string[]) =>
    gs.length ? gs.map((g) => SPECIAL_GROUP_LABELS[g as keyof typeof SPECIAL_GROUP_LABELS] ?? g).join("、") : "无";
  await deps.ds.transaction(async (m) => {
    const a = await lockedAccount(m, id);
    const before = SPECIAL_GROUPS.filter((g) => (a.specialGroups ?? []).includes(g));
    const changes: { field: string; before: string | null; after: string | null }[] = [];
    if (input.hardshipCategory !== a.hardshipCategory) {
      changes.push({
        field: "hardshipCategory",
        before: HARDSHIP_LABELS[a.hardshipCategory] ?? a.hardshipCategory,
        after: HARDSHIP_LABELS[input.hardshipCategory],
      });
    }
    if (before.join(",") !== groups.join(",")) {
      changes.push({ field: "specialGroups", before: words(before), after: words(groups) });
    }
    if (changes.length === 0) return;
    await m
      .getRepository(HeatingAccount)
      .update({ id }, { hardshipCategory: input.hardshipCategory, specialGroups: groups });
    await audit(m, ctx, {
      action: "account.hardship_flags",
      targetType: "heating_account",
      targetId: id,
      details: { accountNo: a.accountNo, reason: input.reason, changes },
    });
  });
  return getStaffAccount(deps, id);
}
