import {
  coverageRate,
  HARDSHIP_LABELS,
  type HardshipCategory,
  maskName,
  SPECIAL_GROUP_LABELS,
  seasonCodeFor,
  shanghaiDate,
} from "@warmline/shared";
import { type DataSource, In } from "typeorm";
import { Community, HeatingAccount } from "../accounts";
import { Bill, HeatingSeason } from "../billing";
import { PaymentPlan } from "../hardship";
import { HomeVisit } from "./entities";

/**
 * 特殊群体 (elderly living alone, disabled, 行动不便, 失能): the register's special-group flags; a household
 * not flagged still counts when its hardship category is itself one of those groups (残疾, 独居老人). This is the
 * one place that decides it (the SQL twin is SPECIAL_SQL).
 */
const SPECIAL_HARDSHIP: readonly HardshipCategory[] = ["disabled", "elderly_alone"];
export function isSpecialGroup(a: Pick<HeatingAccount, "hardshipCategory" | "specialGroups">): boolean {
  return (a.specialGroups?.length ?? 0) > 0 || SPECIAL_HARDSHIP.includes(a.hardshipCategory);
}
const SPECIAL_SQL = "(a.special_groups <> '' OR a.hardship_category IN (:...specialHardship))";

function groupLabel(a: Pick<HeatingAccount, "hardshipCategory" | "specialGroups">): string {
  if (a.specialGroups?.length) return a.specialGroups.map((g) => SPECIAL_GROUP_LABELS[g] ?? g).join("、");
  return HARDSHIP_LABELS[a.hardshipCategory] ?? a.hardshipCategory;
}

const STATE_LABELS = { paid: "已缴清", plan: "分期/缓缴计划中", unpaid: "未缴清", no_bill: "本季无账单" } as const;

/**
 * The special-group households (of one community, or of the communities in `scope`), each with this season's
 * payment state and last visit, and the coverage figure against the 100 % target: paid, under an active
 * plan (分期/缓缴), or with no bill this season, over all special-group households.
 */
export async function specialGroups(ds: DataSource, scope: number[] | null, communityId?: number, now = new Date()) {
  const qb = ds
    .getRepository(HeatingAccount)
    .createQueryBuilder("a")
    .where(SPECIAL_SQL, { specialHardship: SPECIAL_HARDSHIP })
    .andWhere("a.status <> :closed", { closed: "closed" });
  if (communityId) qb.andWhere("a.community_id = :c", { c: communityId });
  if (scope) qb.andWhere("a.community_id IN (:...scope)", { scope: [...scope, -1] });
  const accounts = await qb.orderBy("a.community_id", "ASC").addOrderBy("a.id", "ASC").getMany();
  const ids = accounts.map((a) => a.id);
  const code = seasonCodeFor(shanghaiDate(now));
  const season =
    (await ds.getRepository(HeatingSeason).findOneBy({ code })) ??
    (await ds.getRepository(HeatingSeason).findOne({ where: {}, order: { startDate: "DESC" } }));
  const bills =
    season && ids.length ? await ds.getRepository(Bill).findBy({ seasonId: season.id, accountId: In(ids) }) : [];
  const plans = ids.length ? await ds.getRepository(PaymentPlan).findBy({ accountId: In(ids), status: "active" }) : [];
  const last = ids.length
    ? await ds
        .getRepository(HomeVisit)
        .createQueryBuilder("v")
        .select("v.account_id", "accountId")
        .addSelect("MAX(v.started_at)", "at")
        .where("v.account_id IN (:...ids)", { ids })
        .groupBy("v.account_id")
        .getRawMany<{ accountId: number | string; at: Date | string }>()
    : [];
  const coms = await ds
    .getRepository(Community)
    .findBy({ id: In([...new Set(accounts.map((a) => a.communityId)), 0]) });
  const cName = new Map(coms.map((c) => [c.id, c.name]));
  const billOf = new Map(bills.map((b) => [b.accountId, b]));
  const planned = new Set(plans.map((p) => p.accountId));
  // MySQL answers a Date, SQLite the stored UTC text ("2026-12-03 06:00:00.000")
  const instant = (v: Date | string) =>
    v instanceof Date ? v : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(" ", "T")}Z`);
  const lastAt = new Map(last.map((r) => [Number(r.accountId), instant(r.at)]));
  const items = accounts.map((a) => {
    const b = billOf.get(a.id);
    const owedFen = b ? Math.max(0, b.amountFen - b.paidFen - b.waivedFen) : 0;
    const state: keyof typeof STATE_LABELS = !b
      ? "no_bill"
      : owedFen === 0
        ? "paid"
        : planned.has(a.id)
          ? "plan"
          : "unpaid";
    return {
      accountId: a.id,
      accountNo: a.accountNo,
      // masked as on every staff list (the account page reveals it, audited, to those who may)
      ownerName: maskName(a.ownerName) ?? "",
      address: a.address,
      communityId: a.communityId,
      communityName: cName.get(a.communityId) ?? "",
      category: a.specialGroups?.length ? a.specialGroups.join(",") : a.hardshipCategory,
      categoryLabel: groupLabel(a),
      paymentState: state,
      paymentStateLabel: STATE_LABELS[state],
      owedFen,
      covered: state !== "unpaid",
      lastVisitAt: lastAt.get(a.id)?.toISOString() ?? null,
    };
  });
  const byCommunity = new Map<number, { communityId: number; name: string; covered: number; total: number }>();
  for (const it of items) {
    const c = byCommunity.get(it.communityId) ?? {
      communityId: it.communityId,
      name: it.communityName,
      covered: 0,
      total: 0,
    };
    c.total++;
    if (it.covered) c.covered++;
    byCommunity.set(it.communityId, c);
  }
  const covered = items.filter((i) => i.covered).length;
  return {
    season: season?.code ?? null,
    items,
    coverage: { covered, total: items.length, rate: coverageRate(covered, items.length), target: 1 },
    byCommunity: [...byCommunity.values()],
  };
}
