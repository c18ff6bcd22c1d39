import type { CalendarDayKind, CalendarSource } from "@warmline/shared";
import { Entity, Index, PrimaryColumn } from "typeorm";
import { Instant, Int, Str } from "../../db/columns";

/**
 * One Asia/Shanghai date of a loaded year and its kind (工作日 / 休息日 / 节假日 / 调休上班). A loaded year has
 * every one of its days here, so the table reads as the calendar itself; a year without a `calendar_years`
 * row has none, and working days in it are refused (节假日数据缺失), never guessed.
 */
@Entity("calendar_days")
export class CalendarDay {
  @PrimaryColumn({ type: "varchar", length: 10 }) date!: string;
  @Index() @Int() year!: number;
  @Str(16) kind!: CalendarDayKind;
  /** the holiday's name for holidays and their make-up days (春节, 国庆节 …) */
  @Str(32, { nullable: true }) name!: string | null;
  @Str(16) source!: CalendarSource;
  @Instant({ name: "loaded_at" }) loadedAt!: Date;
}

/** A year whose holiday arrangement is loaded: where from, by whom, when. */
@Entity("calendar_years")
export class CalendarYear {
  @PrimaryColumn({ type: "int" }) year!: number;
  @Str(16) source!: CalendarSource;
  /** "chinese-days@1.5.7", or the uploaded file's name */
  @Str(100, { name: "source_detail", nullable: true }) sourceDetail!: string | null;
  /** the admin who loaded it; null when the server seeded it at start */
  @Int({ name: "loaded_by", nullable: true }) loadedBy!: number | null;
  @Instant({ name: "loaded_at" }) loadedAt!: Date;
}
