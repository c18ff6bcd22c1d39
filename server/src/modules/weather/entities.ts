import { Entity, Index } from "typeorm";
import { CreatedAt, IdColumn, Instant, Int, Str } from "../../db/columns";

/**
 * One outdoor temperature reading (室外气温): logged by hand at the heat source plant or a station, posted
 * by a weather station, or taken by a technician with an indoor measurement. The cold-room floor of a
 * report depends on the reading that applied when it came in.
 */
@Entity("outdoor_readings")
@Index(["at"])
export class OutdoorReading {
  @IdColumn() id!: number;
  /** when it was read (UTC) */
  @Instant() at!: Date;
  /** tenths of °C */
  @Int({ name: "temp_c10" }) tempC10!: number;
  /** null: county-wide */
  @Int({ name: "station_id", nullable: true }) stationId!: number | null;
  /** manual | sensor | measurement */
  @Str(16) source!: string;
  @Int({ name: "recorded_by", nullable: true }) recordedBy!: number | null;
  @CreatedAt() createdAt!: Date;
}
