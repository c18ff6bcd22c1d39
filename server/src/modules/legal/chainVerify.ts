import { CHAIN_BREAK_LABELS, CHAIN_TABLE_LABELS, type ChainVerifyView } from "@warmline/shared";
import type { Context } from "koa";
import type { DataSource } from "typeorm";
import type { Deps } from "../../deps";
import { AppError } from "../../http/errors";
import { HeatingAccount } from "../accounts";
import { audit } from "../audit";
import { type ChainBreak, type ChainReport, type ChainTable, verifyChain } from "../evidence";
import { LegalCase } from "./entities";

/** the chains a case uses: its account's visits and reminders, its own timeline */
export function caseChains(c: Pick<LegalCase, "id" | "accountId">): [ChainTable, number][] {
  return [
    ["home_visits", c.accountId],
    ["reminders", c.accountId],
    ["legal_case_events", c.id],
  ];
}

/** Recomputes the chains; stops at the first broken one (its first broken row). */
export async function verifyChains(
  ds: DataSource,
  chains: [ChainTable, number][],
  now = new Date(),
): Promise<ChainVerifyView> {
  const reports: ChainReport[] = [];
  let broken: ChainBreak | null = null;
  for (const [table, id] of chains) {
    const r = await verifyChain(ds, table, id);
    reports.push(r.report);
    if (r.broken && !broken) broken = r.broken;
  }
  return {
    ok: broken === null,
    checkedAt: now.toISOString(),
    chains: reports.map((r) => ({ ...r, tableLabel: CHAIN_TABLE_LABELS[r.table] ?? r.table })),
    broken: broken && {
      ...broken,
      tableLabel: CHAIN_TABLE_LABELS[broken.table] ?? broken.table,
      reasonLabel: CHAIN_BREAK_LABELS[broken.reason] ?? broken.reason,
    },
  };
}

export async function verifyCaseChains(deps: Deps, ctx: Context, caseId: number): Promise<ChainVerifyView> {
  const c = await deps.ds.getRepository(LegalCase).findOneBy({ id: caseId });
  if (!c) throw new AppError("LEGAL_CASE_NOT_FOUND");
  const out = await verifyChains(deps.ds, caseChains(c));
  await audit(deps.ds.manager, ctx, {
    action: "legal.chain_verify",
    targetType: "legal_case",
    targetId: caseId,
    details: {
      result: out.ok ? "ok" : "broken",
      ...(out.broken ? { table: out.broken.table, rowId: out.broken.rowId, reason: out.broken.reason } : {}),
    },
  });
  return out;
}

export async function verifyAccountChains(deps: Deps, ctx: Context, accountId: number): Promise<ChainVerifyView> {
  if (!(await deps.ds.getRepository(HeatingAccount).existsBy({ id: accountId })))
    throw new AppError("ACCOUNT_NOT_FOUND");
  const out = await verifyChains(deps.ds, [
    ["home_visits", accountId],
    ["reminders", accountId],
  ]);
  await audit(deps.ds.manager, ctx, {
    action: "legal.chain_verify",
    targetType: "account",
    targetId: accountId,
    details: {
      result: out.ok ? "ok" : "broken",
      ...(out.broken ? { table: out.broken.table, rowId: out.broken.rowId } : {}),
    },
  });
  return out;
}
