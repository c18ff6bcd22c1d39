import {
  type BizDate,
  HARDSHIP_APP_STATUS_LABELS,
  type HardshipAppStatus,
  OPEN_HARDSHIP_APP_STATUSES,
  shanghaiDate,
} from "@warmline/shared";
import { type DataSource, In, LessThan } from "typeorm";
import { logger } from "../../lib/logger";
import { beijingMinute, raiseAlert, SUPERVISOR_AUDIENCE } from "../alerts";
import { missingCalendarYear, raiseCalendarMissingAlert, workCalendar } from "../calendar";
import { HardshipApplication } from "./entities";

export const HARDSHIP_REVIEW_ALERT_JOB = "hardship.review_alerts";
/** how often the waiting applications are checked */
export const REVIEW_ALERT_EVERY_MS = 3_600_000;

export interface ReviewAlertRun {
  /** applications found overdue at their current step (alerted now or before) */
  overdue: number[];
  /** years the calendar lacked: those applications were not judged, the calendar alert was raised instead */
  missingYears: number[];
}

/**
 * 审核超时提醒: an application waiting at one review step (待社区初审 / 待供热中心复核) for more than
 * `workdays` working days raises one alert in the supervisors' inbox per (application, step). The wait
 * counts from the Asia/Shanghai date the step began (`waitingSince`): that day itself does not count, the
 * step is due by the end of `addWorkdays(thatDate, workdays)`, and overdue from the next day on. With the
 * default 3, an application submitted on Monday is overdue on Friday (or on the first day after a holiday
 * that swallowed Tue–Thu). The working days come from the holiday calendar; when a needed year is not
 * loaded the application is not judged (never guessed as Mon–Fri) and 节假日数据缺失 is raised instead.
 * Idempotent: the alert's dedupe key is the application and its step, so a rerun raises nothing new.
 */
export async function raiseReviewAlerts(ds: DataSource, workdays: number, now = new Date()): Promise<ReviewAlertRun> {
  const today = shanghaiDate(now);
  // n working days take at least n calendar days: applications younger than that cannot be overdue
  const candidates = await ds.getRepository(HardshipApplication).find({
    select: { id: true, applicationNo: true, status: true, waitingSince: true, communityId: true },
    where: {
      status: In([...OPEN_HARDSHIP_APP_STATUSES]),
      waitingSince: LessThan(new Date(now.getTime() - workdays * 86_400_000)) as never,
    },
    order: { id: "ASC" },
  });
  const run: ReviewAlertRun = { overdue: [], missingYears: [] };
  if (!candidates.length) return run;
  const cal = await workCalendar(ds);
  for (const app of candidates) {
    const since = app.waitingSince as Date;
    let due: BizDate;
    try {
      due = cal.addWorkdays(shanghaiDate(since), workdays);
    } catch (err) {
      const year = missingCalendarYear(err);
      if (year === null) throw err;
      if (!run.missingYears.includes(year)) {
        run.missingYears.push(year);
        await raiseCalendarMissingAlert(ds.manager, year, "困难申请的审核超时提醒", now);
      }
      continue;
    }
    if (today <= due) continue;
    run.overdue.push(app.id);
    const step = HARDSHIP_APP_STATUS_LABELS[app.status as HardshipAppStatus];
    await raiseAlert(ds.manager, {
      kind: "hardship_review_overdue",
      audience: SUPERVISOR_AUDIENCE,
      dedupeKey: `hardship_review_overdue:${app.id}:${app.status}`,
      subjectType: "hardship_application",
      subjectId: app.id,
      stationId: null,
      title: `困难申请${app.applicationNo}${step}超时`,
      body: `申请${app.applicationNo}自${beijingMinute(since)}起${step}，已超过${workdays}个工作日（应在${due}前处理），请督促审核。`,
      data: { applicationId: app.id, status: app.status, waitingSince: since.toISOString(), dueDate: due, workdays },
      at: now,
    });
  }
  if (run.overdue.length || run.missingYears.length) logger.info(run, "hardship review alerts checked");
  return run;
}
