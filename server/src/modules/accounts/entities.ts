import type { AccountCategory, AccountStatus, HardshipCategory, SpecialGroup } from "@warmline/shared";
import { Entity, Index, JoinColumn, ManyToOne, type Relation } from "typeorm";
import { Bool, CreatedAt, FkColumn, IdColumn, Instant, Int, Str, UpdatedAt } from "../../db/columns";
import { ResidentUser } from "../residents";

/** 换热站 heat-exchange station. */
@Entity("heat_stations")
export class HeatStation {
  @IdColumn() id!: number;
  @Index({ unique: true }) @Str(32) code!: string;
  @Str(64) name!: string;
  @Str(200, { nullable: true }) address!: string | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/** 小区 residential community. */
@Entity("communities")
export class Community {
  @IdColumn() id!: number;
  @Index({ unique: true }) @Str(32) code!: string;
  @Str(64) name!: string;
  /** 街道/社区 the sub-district it belongs to */
  @Str(64, { nullable: true }) district!: string | null;
  @Str(200, { nullable: true }) address!: string | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/** 楼栋 building, served by one station. */
@Entity("buildings")
@Index(["communityId", "name"], { unique: true })
export class Building {
  @IdColumn() id!: number;
  @FkColumn({ name: "community_id" }) communityId!: number;
  @ManyToOne(() => Community, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "community_id" })
  community?: Relation<Community>;
  @FkColumn({ name: "station_id", nullable: true }) stationId!: number | null;
  @ManyToOne(() => HeatStation, { onDelete: "RESTRICT", nullable: true })
  @JoinColumn({ name: "station_id" })
  station?: Relation<HeatStation> | null;
  @Str(32) name!: string;
  @Int({ name: "floors", default: 6 }) floors!: number;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/**
 * 热用户 heating account (户号). Phone and ID number are encrypted (AES-256-GCM, key id inside the value)
 * and searchable through HMAC blind indexes; never returned unmasked except through an audited reveal.
 */
@Entity("heating_accounts")
export class HeatingAccount {
  @IdColumn() id!: number;
  @Index({ unique: true }) @Str(16, { name: "account_no" }) accountNo!: string;
  @Index() @FkColumn({ name: "community_id" }) communityId!: number;
  @ManyToOne(() => Community, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "community_id" })
  community?: Relation<Community>;
  @Index() @FkColumn({ name: "building_id", nullable: true }) buildingId!: number | null;
  @ManyToOne(() => Building, { onDelete: "RESTRICT", nullable: true })
  @JoinColumn({ name: "building_id" })
  building?: Relation<Building> | null;
  /** 单元 */
  @Str(16, { nullable: true }) unit!: string | null;
  /** 门牌号 */
  @Str(16, { nullable: true }) room!: string | null;
  @Str(200) address!: string;
  /** heated area in hundredths of a square metre */
  @Int({ name: "heated_area" }) heatedArea!: number;
  @Index() @Str(24) category!: AccountCategory;
  @Str(64, { name: "owner_name" }) ownerName!: string;
  @Str(255, { name: "phone_enc", nullable: true }) phoneEnc!: string | null;
  @Index() @Str(64, { name: "phone_bidx", nullable: true }) phoneBidx!: string | null;
  @Str(255, { name: "id_number_enc", nullable: true }) idNumberEnc!: string | null;
  @Index() @Str(64, { name: "id_number_bidx", nullable: true }) idNumberBidx!: string | null;
  @Index() @Str(24, { name: "hardship_category", default: "none" }) hardshipCategory!: HardshipCategory;
  /** special-group flags (SPECIAL_GROUPS), stored comma-separated: "mobility,elderly_alone" */
  @Str(64, {
    name: "special_groups",
    default: "",
    transformer: {
      to: (v: readonly string[] | undefined) => (v === undefined ? undefined : v.join(",")),
      // a string from the database; TypeORM also passes back what it just wrote (an array) after an insert
      from: (v: string | readonly string[] | null) =>
        Array.isArray(v) ? [...v] : typeof v === "string" && v ? v.split(",").filter(Boolean) : [],
    },
  })
  specialGroups!: SpecialGroup[];
  @Index() @Str(16, { default: "active" }) status!: AccountStatus;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/**
 * A resident's binding to a heating account. History is kept: unbinding sets unboundAt and clears
 * activeFlag, so the unique key (resident, account, activeFlag) allows one active binding at a time.
 */
@Entity("account_bindings")
@Index(["residentUserId", "accountId", "activeFlag"], { unique: true })
export class AccountBinding {
  @IdColumn() id!: number;
  @Index() @FkColumn({ name: "resident_user_id" }) residentUserId!: number;
  @ManyToOne(() => ResidentUser, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "resident_user_id" })
  residentUser?: Relation<ResidentUser>;
  @Index() @FkColumn({ name: "account_id" }) accountId!: number;
  @ManyToOne(() => HeatingAccount, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "account_id" })
  account?: Relation<HeatingAccount>;
  /** how ownership was proven: owner_name, phone_tail, id_tail, or staff */
  @Str(16) factor!: string;
  /** true while bound; NULL once unbound (NULLs do not collide in the unique key) */
  @Bool({ name: "active_flag", nullable: true }) activeFlag!: boolean | null;
  @Instant({ name: "unbound_at", nullable: true }) unboundAt!: Date | null;
  @CreatedAt() createdAt!: Date;
}

/** Every binding attempt, for rate limiting and audit. */
@Entity("bind_attempts")
@Index(["residentUserId", "createdAt"])
@Index(["accountNo", "createdAt"])
export class BindAttempt {
  @IdColumn() id!: number;
  @FkColumn({ name: "resident_user_id" }) residentUserId!: number;
  @Str(16, { name: "account_no" }) accountNo!: string;
  @Str(16) factor!: string;
  @Bool() success!: boolean;
  @Str(64, { nullable: true }) ip!: string | null;
  @CreatedAt() createdAt!: Date;
}
