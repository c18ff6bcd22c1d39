import { beijingMinuteText, NOTICE_KIND_LABELS, noticePlainText, noticeVisibleTo } from "@warmline/shared";
import { In } from "typeorm";
import { z } from "zod";
import type { Deps } from "../../deps";
import type { MessageVendor } from "../../integrations/messaging";
import { enqueue } from "../../jobs/outbox";
import { defineJob } from "../../jobs/registry";
import { AccountBinding, Building, HeatingAccount, HeatStation } from "../accounts";
import { Notice, NOTICE_OUTAGE_JOB, residentPlaces } from "../notices";
import { writeInApp } from "./inapp";
import { sendResidentMessage } from "./residentMessage";

/**
 * 停热检修 notices for stations reach the residents of those stations' buildings (residents bound to an
 * account there) beyond the home page: a message in 我的消息 and a subscribe message while a one-time
 * consent for the template is left (counted as for ticket messages; no SMS: the notice is on the home
 * page, and a county-wide text per outage would cost more than it tells). Once per notice and resident.
 */

export const NOTICE_RESIDENT_JOB = "notify.notice_outage_resident";
export const NOTICE_MESSAGE_ATTEMPTS = 8;
export const NOTICE_PAGE = "pages/notices/detail/index";

/** The residents bound now to an account in a building served by one of the stations. */
export async function residentsOfStations(deps: Pick<Deps, "ds">, stationIds: number[]): Promise<number[]> {
  if (!stationIds.length) return [];
  const rows: { rid: number | string }[] = await deps.ds
    .getRepository(AccountBinding)
    .createQueryBuilder("b")
    .innerJoin(HeatingAccount, "a", "a.id = b.account_id")
    .innerJoin(Building, "bd", "bd.id = a.building_id")
    .select("DISTINCT b.resident_user_id", "rid")
    .where("b.active_flag = :on AND bd.station_id IN (:...stationIds)", { on: true, stationIds })
    .getRawMany();
  return rows.map((r) => Number(r.rid)).sort((a, b) => a - b);
}

function cut(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}

/** what one resident is sent about a notice */
export function noticeMessageData(
  vendor: MessageVendor,
  n: Pick<Notice, "title" | "publishAt">,
  stations: string,
): Record<string, string> {
  // 公告标题 thing1, 发布时间 time2, 影响范围 thing3, 温馨提示 thing4 (the registered template's keys)
  const fields = [cut(n.title, 20), beijingMinuteText(n.publishAt), cut(stations, 20), "详情请在“暖线”小程序首页查看"];
  return vendor === "wechat"
    ? { thing1: fields[0], time2: fields[1], thing3: fields[2], thing4: fields[3] }
    : { keyword1: fields[0], keyword2: fields[1], keyword3: fields[2], keyword4: fields[3] };
}

/** The fan-out: one job per affected resident (deduplicated), at the notice's publication. */
export function noticeOutageJob(deps: () => Deps) {
  return defineJob({
    name: NOTICE_OUTAGE_JOB,
    schema: z.object({ noticeId: z.number().int().positive() }),
    async handle({ noticeId }) {
      const d = deps();
      const n = await d.ds.getRepository(Notice).findOneBy({ id: noticeId });
      // withdrawn, or moved to a later publication (that edit enqueued its own job): nothing now
      if (n?.kind !== "outage" || n.audience !== "stations") return;
      if (!noticeVisibleTo(n, { communityIds: [], stationIds: n.stationIds }, new Date())) return;
      const residents = await residentsOfStations(d, n.stationIds);
      for (let i = 0; i < residents.length; i += 500) {
        await d.ds.transaction(async (m) => {
          for (const residentUserId of residents.slice(i, i + 500)) {
            await enqueue(
              m,
              NOTICE_RESIDENT_JOB,
              { noticeId, residentUserId },
              { dedupeKey: `notice_msg:${noticeId}:${residentUserId}`, maxAttempts: NOTICE_MESSAGE_ATTEMPTS },
            );
          }
        });
      }
    },
  });
}

/** One resident's message about one notice (in-app always, subscribe message while a consent is left). */
export function noticeResidentJob(deps: () => Deps) {
  return defineJob({
    name: NOTICE_RESIDENT_JOB,
    schema: z.object({ noticeId: z.number().int().positive(), residentUserId: z.number().int().positive() }),
    maxAttempts: NOTICE_MESSAGE_ATTEMPTS,
    async handle({ noticeId, residentUserId }, ctx) {
      const d = deps();
      const n = await d.ds.getRepository(Notice).findOneBy({ id: noticeId });
      if (!n) return;
      // still current, and the resident still lives at one of its stations
      if (!noticeVisibleTo(n, await residentPlaces(d.ds, residentUserId), new Date())) return;
      const stations = (await d.ds.getRepository(HeatStation).findBy({ id: In(n.stationIds) }))
        .map((s) => s.name)
        .join("、");
      await writeInApp(d.ds, {
        residentUserId,
        kind: "notice_outage",
        title: `${NOTICE_KIND_LABELS.outage}：${n.title}`,
        body: cut(`${stations ? `【${stations}】` : ""}${noticePlainText(n.body)}`, 500),
        dedupeKey: `notice:${noticeId}:${residentUserId}`,
      });
      const r = await sendResidentMessage(
        d,
        {
          uniqueKey: `notice:${noticeId}:${residentUserId}`,
          residentUserId,
          template: "heating_notice",
          page: `${NOTICE_PAGE}?id=${noticeId}`,
          data: (vendor) => noticeMessageData(vendor, n, stations || "供热站"),
          sms: null,
          payload: { noticeId, title: n.title },
        },
        { finalAttempt: ctx.attempt >= NOTICE_MESSAGE_ATTEMPTS },
      );
      if (r.status === "pending") throw new Error(`notice message ${noticeId}/${residentUserId} is being sent`);
    },
  });
}
