import {
  type AccountStatus,
  type HeatingStatus,
  type HeatingStatusChange,
  heatingStatusForSeason,
} from "@warmline/shared";
import { Entity, In, Index, type EntityManager, JoinColumn, ManyToOne, type Relation } from "typeorm";
import { CreatedAt, FkColumn, IdColumn, Int, Str } from "../../db/columns";
import { HeatingAccount } from "./entities";

/**
 * 供热状态变更: the heating status (正常供热 / 报停) of an account from a season on. Rows are written by the
 * suspensions module when a 报停/复供 application is granted (and removed never: a later row wins), so the
 * history stays. An account with no row keeps the register's status (`heating_accounts.status`).
 *
 * Kept here, beside the account, so that billing (which the suspensions module itself reads for arrears)
 * can ask for a season's statuses without an import cycle.
 */
@Entity("account_heating_statuses")
@Index(["accountId", "seasonCode"])
export class AccountHeatingStatus {
  @IdColumn() id!: number;
  @FkColumn({ name: "account_id" }) accountId!: number;
  @ManyToOne(() => HeatingAccount, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "account_id" })
  account?: Relation<HeatingAccount>;
  /** effective from this season ("2027-2028") until a later row */
  @Str(9, { name: "season_code" }) seasonCode!: string;
  @Str(16) status!: HeatingStatus;
  /** the granted application (suspension_applications.id), null for a change made otherwise */
  @Int({ name: "application_id", nullable: true }) applicationId!: number | null;
  @Str(200, { nullable: true }) note!: string | null;
  @FkColumn({ name: "created_by", nullable: true }) createdBy!: number | null;
  @CreatedAt() createdAt!: Date;
}

const baseOf = (s: AccountStatus): HeatingStatus => (s === "suspended" ? "suspended" : "active");

/**
 * The heating status of each given account in a season (the bill run asks this per chunk): the latest change
 * effective in or before the season, else the register's status.
 */
export async function heatingStatusesForSeason(
  m: Pick<EntityManager, "getRepository">,
  seasonCode: string,
  accounts: readonly { id: number; status: AccountStatus }[],
): Promise<Map<number, HeatingStatus>> {
  const out = new Map<number, HeatingStatus>();
  if (accounts.length === 0) return out;
  const rows = await m
    .getRepository(AccountHeatingStatus)
    .find({ where: { accountId: In(accounts.map((a) => a.id)) }, order: { id: "ASC" } });
  const byAccount = new Map<number, HeatingStatusChange[]>();
  for (const r of rows) {
    const list = byAccount.get(r.accountId) ?? [];
    list.push({ seasonCode: r.seasonCode, status: r.status, at: r.id });
    byAccount.set(r.accountId, list);
  }
  for (const a of accounts) {
    out.set(a.id, heatingStatusForSeason(byAccount.get(a.id) ?? [], seasonCode, baseOf(a.status)));
  }
  return out;
}
