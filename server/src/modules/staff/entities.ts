import type { StaffRole } from "@warmline/shared";
import { Entity, Index, JoinColumn, ManyToOne, OneToMany, type Relation } from "typeorm";
import { Bool, CreatedAt, FkColumn, IdColumn, Instant, Int, Str, UpdatedAt } from "../../db/columns";

/** 工作人员 a staff user of the console. */
@Entity("staff_users")
export class StaffUser {
  @IdColumn() id!: number;
  @Index({ unique: true }) @Str(64) username!: string;
  @Str(64, { name: "display_name" }) displayName!: string;
  /** scrypt$N$r$p$salt$hash */
  @Str(255, { name: "password_hash" }) passwordHash!: string;
  @Str(16, { default: "active" }) status!: "active" | "disabled";
  @Int({ name: "failed_logins", default: 0 }) failedLogins!: number;
  @Instant({ name: "locked_until", nullable: true }) lockedUntil!: Date | null;
  /** scope for grid workers and community reviewers (their community), dispatchers (their station) */
  @FkColumn({ name: "community_id", nullable: true }) communityId!: number | null;
  @FkColumn({ name: "station_id", nullable: true }) stationId!: number | null;
  @Instant({ name: "last_login_at", nullable: true }) lastLoginAt!: Date | null;
  /** set when an admin creates the account or resets its password: the user must choose their own at next sign-in */
  @Bool({ name: "must_change_password", default: false }) mustChangePassword!: boolean;
  /** the staff member's work phone, encrypted (PiiVault) */
  @Str(255, { name: "phone_enc", nullable: true }) phoneEnc!: string | null;
  @OneToMany(
    () => StaffRoleGrant,
    (g) => g.staffUser,
  )
  roles?: Relation<StaffRoleGrant[]>;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/** One role of a staff user; a person may hold several. */
@Entity("staff_roles")
@Index(["staffUserId", "role"], { unique: true })
export class StaffRoleGrant {
  @IdColumn() id!: number;
  @FkColumn({ name: "staff_user_id" }) staffUserId!: number;
  @ManyToOne(
    () => StaffUser,
    (u) => u.roles,
    { onDelete: "CASCADE" },
  )
  @JoinColumn({ name: "staff_user_id" })
  staffUser?: Relation<StaffUser>;
  @Index() @Str(32) role!: StaffRole;
  @CreatedAt() createdAt!: Date;
}
