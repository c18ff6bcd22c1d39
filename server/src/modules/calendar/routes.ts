import {
  CALENDAR_ADMIN_ROLES,
  CALENDAR_READ_ROLES,
  CalendarCoverageSchema,
  CalendarDaysQuerySchema,
  CalendarDaysSchema,
  CalendarUploadSchema,
  CalendarYearParamSchema,
} from "@warmline/shared";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { route } from "../../http/route";
import { audit } from "../audit";
import { calendarCoverage, calendarDays, type LoadResult, loadYearFromPackage, uploadYear } from "./service";

/** 节假日日历: which years are loaded, their days, and loading a year (admins). */
export function calendarRoutes(deps: Deps) {
  const { ds } = deps;
  const auditLoad = (ctx: Parameters<typeof audit>[1], action: string, r: LoadResult) =>
    audit(ds, ctx, {
      action,
      targetType: "calendar_year",
      targetId: r.year,
      details: {
        year: r.year,
        sourceDetail: r.sourceDetail,
        holidays: r.holidays,
        makeupWorkdays: r.makeupWorkdays,
        replaced: r.replaced,
      },
    });
  return [
    route({
      method: "get",
      path: "/staff/calendar/years",
      summary: "节假日日历：已导入的年份、数据包可提供的年份与缺失提示",
      tags: ["calendar"],
      auth: "staff",
      roles: CALENDAR_READ_ROLES,
      response: CalendarCoverageSchema,
      async handler() {
        return calendarCoverage(ds);
      },
    }),
    route({
      method: "get",
      path: "/staff/calendar/days",
      summary: "节假日日历：某一年的每一天（工作日/休息日/节假日/调休上班）",
      tags: ["calendar"],
      auth: "staff",
      roles: CALENDAR_READ_ROLES,
      query: CalendarDaysQuerySchema,
      response: CalendarDaysSchema,
      async handler({ query }) {
        return calendarDays(ds, query.year);
      },
    }),
    route({
      method: "post",
      path: "/staff/calendar/years/:year/load",
      summary: "从节假日数据包（chinese-days）导入某一年的放假安排（覆盖已有数据）",
      tags: ["calendar"],
      auth: "staff",
      roles: CALENDAR_ADMIN_ROLES,
      params: CalendarYearParamSchema,
      response: CalendarDaysSchema,
      errors: [400, 409],
      async handler({ params }, ctx) {
        const r = await loadYearFromPackage(ds, params.year, staffAuth(ctx).id);
        await auditLoad(ctx, "calendar.load", r);
        return calendarDays(ds, params.year);
      },
    }),
    route({
      method: "post",
      path: "/staff/calendar/years/:year/upload",
      summary: "上传某一年的放假安排（JSON 或 CSV；全年每天一行，或只列节假日与调休上班日）",
      tags: ["calendar"],
      auth: "staff",
      roles: CALENDAR_ADMIN_ROLES,
      params: CalendarYearParamSchema,
      body: CalendarUploadSchema,
      response: CalendarDaysSchema,
      errors: [400],
      async handler({ params, body }, ctx) {
        const r = await uploadYear(ds, params.year, body, staffAuth(ctx).id);
        await auditLoad(ctx, "calendar.upload", r);
        return calendarDays(ds, params.year);
      },
    }),
  ];
}
