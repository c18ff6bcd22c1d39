import type { DataSource, EntityManager, SelectQueryBuilder } from "typeorm";
import { AccountBinding, HeatingAccount } from "./entities";

/** Accounts with community, building and station joined (what every presenter needs). */
export function accountsQuery(db: DataSource | EntityManager, alias = "a"): SelectQueryBuilder<HeatingAccount> {
  return db
    .getRepository(HeatingAccount)
    .createQueryBuilder(alias)
    .leftJoinAndSelect(`${alias}.community`, "community")
    .leftJoinAndSelect(`${alias}.building`, "building")
    .leftJoinAndSelect("building.station", "station");
}

/** Active binding counts per account id. */
export async function bindingCounts(db: DataSource, accountIds: number[]): Promise<Map<number, number>> {
  if (accountIds.length === 0) return new Map();
  const rows: { accountId: number; n: string | number }[] = await db
    .getRepository(AccountBinding)
    .createQueryBuilder("b")
    .select("b.account_id", "accountId")
    .addSelect("COUNT(*)", "n")
    .where("b.account_id IN (:...ids)", { ids: accountIds })
    .andWhere("b.active_flag = :t", { t: true })
    .groupBy("b.account_id")
    .getRawMany();
  return new Map(rows.map((r) => [Number(r.accountId), Number(r.n)]));
}
