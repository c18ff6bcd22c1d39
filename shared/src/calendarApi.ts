import { z } from "zod";
import { CALENDAR_DAY_KINDS } from "./workdays";

/** 节假日日历: the years whose holiday arrangement is loaded, and what the console shows of them. */
export const CALENDAR_SOURCES = ["package", "upload"] as const;
export type CalendarSource = (typeof CALENDAR_SOURCES)[number];
export const CALENDAR_SOURCE_LABELS: Record<CalendarSource, string> = {
  package: "节假日数据包",
  upload: "管理员上传",
};

export const CalendarYearParamSchema = z.object({
  year: z.coerce.number().int("年份应为整数").min(2000, "年份应在2000至2100之间").max(2100, "年份应在2000至2100之间"),
});

export const CalendarYearSchema = z.object({
  year: z.number().int(),
  source: z.enum(CALENDAR_SOURCES),
  /** the package and version, or the uploaded file's name */
  sourceDetail: z.string().nullable(),
  loadedBy: z.string().nullable(),
  loadedAt: z.string(),
  holidays: z.number().int(),
  makeupWorkdays: z.number().int(),
});
export type CalendarYearView = z.infer<typeof CalendarYearSchema>;

export const CalendarCoverageSchema = z.object({
  items: z.array(CalendarYearSchema),
  /** today, Asia/Shanghai */
  today: z.string(),
  /** years the package bundled with the server can load */
  packageYears: z.array(z.number().int()),
  /** the current year and, in its last 45 days, the next one when they are not loaded (节假日数据缺失) */
  missing: z.array(z.number().int()),
});
export type CalendarCoverage = z.infer<typeof CalendarCoverageSchema>;

export const CalendarDaysQuerySchema = CalendarYearParamSchema;

export const CalendarDaySchema = z.object({
  date: z.string(),
  kind: z.enum(CALENDAR_DAY_KINDS),
  name: z.string().nullable(),
});
export type CalendarDayView = z.infer<typeof CalendarDaySchema>;

export const CalendarDaysSchema = z.object({
  year: z.number().int(),
  /** null when the year is not loaded (then `days` is empty) */
  loaded: CalendarYearSchema.nullable(),
  days: z.array(CalendarDaySchema),
});
export type CalendarDaysView = z.infer<typeof CalendarDaysSchema>;

/**
 * A year's arrangement uploaded by an admin: either `days` (JSON rows) or `csv` (lines `date,kind[,name]`),
 * each in one of two forms — every day of the year exactly once, or only the holidays and make-up days.
 */
export const CalendarUploadSchema = z
  .object({
    days: z
      .array(
        z.object({
          date: z.string().max(10),
          kind: z.string().max(20),
          name: z.string().max(32).nullish(),
        }),
      )
      .max(366, "一年最多366天")
      .optional(),
    csv: z.string().max(40_000, "CSV内容过长").optional(),
    /** the file's name, kept as the source detail */
    fileName: z.string().trim().max(100).optional(),
  })
  .refine((b) => (b.days === undefined) !== (b.csv === undefined), { message: "请提供 days（JSON）或 csv 其中之一" });
export type CalendarUploadInput = z.infer<typeof CalendarUploadSchema>;
