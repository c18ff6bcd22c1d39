import type { InvoiceTitleInput, InvoiceTitleView } from "@warmline/shared";
import { type DataSource, type EntityManager, IsNull } from "typeorm";
import { AppError } from "../../http/errors";
import { HeatingAccount } from "../accounts";
import { type InvoiceBuyer, InvoiceTitle } from "./entities";

export const MAX_TITLES = 20;

export function presentTitle(t: InvoiceTitle): InvoiceTitleView {
  return {
    id: t.id,
    kind: t.kind,
    name: t.name,
    taxId: t.taxId,
    email: t.email,
    isDefault: t.isDefault,
    owner: t.residentUserId !== null ? "resident" : "account",
  };
}

export type TitleOwner = { residentUserId: number } | { accountId: number };

function ownerWhere(owner: TitleOwner) {
  return "residentUserId" in owner
    ? { residentUserId: owner.residentUserId }
    : { accountId: owner.accountId, residentUserId: IsNull() };
}

export async function listTitles(m: EntityManager | DataSource, owner: TitleOwner): Promise<InvoiceTitle[]> {
  return m.getRepository(InvoiceTitle).find({
    where: ownerWhere(owner),
    order: { isDefault: "DESC", id: "ASC" },
  });
}

function fields(input: InvoiceTitleInput) {
  return {
    kind: input.kind,
    name: input.name,
    taxId: input.kind === "company" ? (input.taxId ?? null) : null,
    email: input.email ?? null,
  };
}

/** Saves a title; the one marked default becomes the owner's only default. */
export async function createTitle(
  ds: DataSource,
  owner: TitleOwner,
  input: InvoiceTitleInput,
  staffUserId: number | null = null,
): Promise<InvoiceTitle> {
  return ds.transaction(async (m) => {
    const repo = m.getRepository(InvoiceTitle);
    if ((await repo.countBy(ownerWhere(owner))) >= MAX_TITLES) throw new AppError("INVOICE_TITLE_LIMIT");
    if (input.isDefault) await repo.update(ownerWhere(owner), { isDefault: false });
    return repo.save(
      repo.create({
        residentUserId: "residentUserId" in owner ? owner.residentUserId : null,
        accountId: "accountId" in owner ? owner.accountId : null,
        ...fields(input),
        isDefault: input.isDefault ?? false,
        staffUserId,
      }),
    );
  });
}

async function ownTitle(m: EntityManager | DataSource, owner: TitleOwner, id: number): Promise<InvoiceTitle> {
  const t = await m.getRepository(InvoiceTitle).findOneBy({ id, ...ownerWhere(owner) });
  if (!t) throw new AppError("INVOICE_TITLE_NOT_FOUND");
  return t;
}

export async function updateTitle(
  ds: DataSource,
  owner: TitleOwner,
  id: number,
  input: InvoiceTitleInput,
): Promise<InvoiceTitle> {
  return ds.transaction(async (m) => {
    const t = await ownTitle(m, owner, id);
    if (input.isDefault) await m.getRepository(InvoiceTitle).update(ownerWhere(owner), { isDefault: false });
    Object.assign(t, fields(input), { isDefault: input.isDefault ?? t.isDefault });
    return m.getRepository(InvoiceTitle).save(t);
  });
}

export async function deleteTitle(ds: DataSource, owner: TitleOwner, id: number): Promise<void> {
  const t = await ownTitle(ds, owner, id);
  await ds.getRepository(InvoiceTitle).delete({ id: t.id });
}

export function buyerOf(t: Pick<InvoiceTitle, "kind" | "name" | "taxId" | "email">): InvoiceBuyer {
  return { kind: t.kind, name: t.name, taxId: t.kind === "company" ? t.taxId : null, email: t.email };
}

/**
 * The buyer for a resident's payment: the chosen title (the resident's own, or one staff saved for the
 * account), else the resident's default title; null means "个人 + the account owner's name" at issue time,
 * which the resident also chooses explicitly with `titleId` null.
 */
export async function buyerForResident(
  m: EntityManager | DataSource,
  residentUserId: number,
  accountId: number,
  titleId?: number | null,
): Promise<InvoiceBuyer | null> {
  const repo = m.getRepository(InvoiceTitle);
  if (titleId === null) return null;
  if (titleId) {
    const t =
      (await repo.findOneBy({ id: titleId, residentUserId })) ??
      (await repo.findOneBy({ id: titleId, accountId, residentUserId: IsNull() }));
    if (!t) throw new AppError("INVOICE_TITLE_NOT_FOUND");
    return buyerOf(t);
  }
  const def = await repo.findOneBy({ residentUserId, isDefault: true });
  return def ? buyerOf(def) : null;
}

/** The buyer for a payment taken by staff: a title of the account, or one typed now (saved to the account). */
export async function buyerForStaff(
  m: EntityManager,
  accountId: number,
  staffUserId: number,
  input: { invoiceTitleId?: number; invoiceTitle?: InvoiceTitleInput },
): Promise<InvoiceBuyer | null> {
  const repo = m.getRepository(InvoiceTitle);
  if (input.invoiceTitleId) {
    const t = await repo.findOneBy({
      id: input.invoiceTitleId,
      accountId,
      residentUserId: IsNull(),
    });
    if (!t) throw new AppError("INVOICE_TITLE_NOT_FOUND");
    return buyerOf(t);
  }
  if (input.invoiceTitle) {
    const f = fields(input.invoiceTitle);
    const same = await repo.findOneBy({ accountId, kind: f.kind, name: f.name });
    if (!same && (await repo.countBy({ accountId })) < MAX_TITLES) {
      await repo.insert({ residentUserId: null, accountId, ...f, isDefault: false, staffUserId });
    }
    return buyerOf(f);
  }
  const def = await repo.findOneBy({ accountId, isDefault: true, residentUserId: IsNull() });
  return def ? buyerOf(def) : null;
}

/** The default buyer: 个人, the account owner's name. */
export async function defaultBuyer(m: EntityManager | DataSource, accountId: number): Promise<InvoiceBuyer> {
  const a = await m.getRepository(HeatingAccount).findOneByOrFail({ id: accountId });
  return { kind: "personal", name: a.ownerName, taxId: null, email: null };
}
