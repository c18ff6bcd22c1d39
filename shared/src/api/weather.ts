import { z } from "zod";

/**
 * 室外气温: outdoor temperature readings (tenths of °C). The room-temperature floor depends on them (20 °C,
 * 18 °C while it is below −10 °C outside), so a report is graded against the reading that applied when it
 * came in: the latest one of the last 3 hours (the station's own first, else any).
 */
export const OUTDOOR_SOURCES = ["manual", "sensor", "measurement"] as const;
export type OutdoorSource = (typeof OUTDOOR_SOURCES)[number];
export const OUTDOOR_SOURCE_LABELS: Record<OutdoorSource, string> = {
  manual: "人工登记",
  sensor: "气象站",
  measurement: "入户测温",
};
/** a reading older than this no longer applies */
export const OUTDOOR_READING_VALID_MINUTES = 180;

export const RecordOutdoorSchema = z.object({
  tempC10: z
    .number({ message: "请填写室外温度" })
    .int("温度以0.1℃为单位")
    .min(-500, "室外温度读数不合理")
    .max(450, "室外温度读数不合理"),
  /** when it was read (default now); not in the future, at most 7 days back */
  at: z.string().datetime({ offset: true, message: "时间格式不正确" }).optional(),
  /** the station it was read at; none = the county (e.g. the heat source plant) */
  stationId: z.number().int().positive().optional(),
  source: z.enum(["manual", "sensor"]).default("manual"),
});
export type RecordOutdoorInput = z.input<typeof RecordOutdoorSchema>;

export const OutdoorReadingSchema = z.object({
  id: z.number().int(),
  tempC10: z.number().int(),
  at: z.string(),
  stationId: z.number().int().nullable(),
  stationName: z.string().nullable(),
  source: z.enum(OUTDOOR_SOURCES),
  /** display name of who recorded it (manual readings) */
  recordedBy: z.string().nullable(),
});
export type OutdoorReadingView = z.infer<typeof OutdoorReadingSchema>;

export const OutdoorQuerySchema = z.object({
  /** how far back the list goes */
  hours: z.coerce.number().int().min(1).max(168).default(24),
  stationId: z.coerce.number().int().positive().optional(),
});

export const OutdoorListSchema = z.object({
  /** the reading that applies now (the asked-for station's own first, else the latest of any), if any */
  current: OutdoorReadingSchema.nullable(),
  /** the room-temperature floor that follows from it (tenths of °C) */
  floorC10: z.number().int(),
  /** newest first, at most 200 */
  items: z.array(OutdoorReadingSchema),
});
export type OutdoorList = z.infer<typeof OutdoorListSchema>;
