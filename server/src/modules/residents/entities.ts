import type { LoginProvider } from "@warmline/shared";
import { Entity, Index, JoinColumn, ManyToOne, type Relation } from "typeorm";
import { Bool, CreatedAt, FkColumn, IdColumn, Instant, Str, UpdatedAt } from "../../db/columns";
import { HeatingAccount } from "../accounts/entities";

/** 居民用户 a resident signed in through WeChat or Alipay. */
@Entity("resident_users")
export class ResidentUser {
  @IdColumn() id!: number;
  @Index({ unique: true }) @Str(64, { name: "wechat_openid", nullable: true }) wechatOpenid!: string | null;
  @Index() @Str(64, { name: "wechat_unionid", nullable: true }) wechatUnionid!: string | null;
  @Index({ unique: true }) @Str(64, { name: "alipay_user_id", nullable: true }) alipayUserId!: string | null;
  /** provider of the first sign-in */
  @Str(16) provider!: LoginProvider;
  @Str(64, { nullable: true }) nickname!: string | null;
  @Str(16, { default: "active" }) status!: "active" | "disabled";
  @Instant({ name: "last_login_at", nullable: true }) lastLoginAt!: Date | null;
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
