import type { LoginProvider } from "@warmline/shared";
import { Entity, Index } from "typeorm";
import { CreatedAt, IdColumn, Instant, Str, UpdatedAt } from "../../db/columns";

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
