import { Entity, Index, JoinColumn, ManyToOne, type Relation } from "typeorm";
import { CreatedAt, FkColumn, IdColumn, Int, UpdatedAt } from "../../db/columns";
import { HeatingSeason } from "../billing";

/**
 * 目标值: the targets of one season drawn on the dashboards (issue 16), in tenths of a percent (970 = 97.0 %).
 * A season without a row uses DEFAULT_SEASON_TARGETS.
 */
@Entity("season_targets")
export class SeasonTarget {
  @IdColumn() id!: number;
  @Index({ unique: true }) @FkColumn({ name: "season_id" }) seasonId!: number;
  @ManyToOne(() => HeatingSeason, { onDelete: "CASCADE" })
  @JoinColumn({ name: "season_id" })
  season?: Relation<HeatingSeason>;
  @Int({ name: "collection_permille" }) collectionPermille!: number;
  @Int({ name: "special_group_coverage_permille" }) specialGroupCoveragePermille!: number;
  @Int({ name: "response_permille" }) responsePermille!: number;
  @Int({ name: "solve_permille" }) solvePermille!: number;
  @Int({ name: "satisfaction_permille" }) satisfactionPermille!: number;
  @Int({ name: "updated_by", nullable: true }) updatedBy!: number | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}
