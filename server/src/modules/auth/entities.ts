import { Entity, Index } from "typeorm";
import { CreatedAt, IdColumn, Instant, Int, Str } from "../../db/columns";

/**
 * A refresh token (only its SHA-256 is stored). Rotation: each refresh revokes the token and issues
 * a new one in the same family; presenting a revoked token revokes the whole family (theft signal).
 */
@Entity("auth_sessions")
@Index(["subjectType", "subjectId"])
export class AuthSession {
  @IdColumn() id!: number;
  @Str(16, { name: "subject_type" }) subjectType!: "resident" | "staff";
  @Int({ name: "subject_id" }) subjectId!: number;
  @Index({ unique: true }) @Str(64, { name: "token_hash" }) tokenHash!: string;
  @Index() @Str(32, { name: "family_id" }) familyId!: string;
  @Instant({ name: "expires_at" }) expiresAt!: Date;
  @Instant({ name: "revoked_at", nullable: true }) revokedAt!: Date | null;
  @Str(200, { name: "user_agent", nullable: true }) userAgent!: string | null;
  @Str(64, { nullable: true }) ip!: string | null;
  @CreatedAt() createdAt!: Date;
}
