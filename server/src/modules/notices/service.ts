import {
  compareNotices,
  HOTLINE,
  type NoticeInputSchema,
  type NoticeList,
  type NoticeView,
  noticeState,
  noticeVisibleTo,
  type ResidentPlaces,
  type StaffNoticeQuerySchema,
  type StaffNoticeView,
  seasonCalendar,
  seasonCodeFor,
  shanghaiDate,
} from "@warmline/shared";
import type { Context } from "koa";
import { Brackets, type DataSource, type EntityManager, In, IsNull, LessThanOrEqual, MoreThan } from "typeorm";
import type { z } from "zod";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { enqueue } from "../../jobs/outbox";
import { AccountBinding, Building, Community, HeatingAccount, HeatStation } from "../accounts";
import { audit } from "../audit";
import { HeatingSeason } from "../billing";
import { StaffUser } from "../staff";
import { Notice, NoticeImage } from "./entities";
import { noticeImageView } from "./images";

type Input = z.output<typeof NoticeInputSchema>;
type Query = z.output<typeof StaffNoticeQuerySchema>;

/** the job that sends a 停热检修 notice to the residents of its stations (modules/notifications) */
export const NOTICE_OUTAGE_JOB = "notify.notice_outage";

// ---- staff ----------------------------------------------------------------------------------------

async function targetNames(ds: DataSource, notices: Notice[]): Promise<Map<string, string>> {
  const cIds = [...new Set(notices.flatMap((n) => n.communityIds))];
  const sIds = [...new Set(notices.flatMap((n) => n.stationIds))];
  const names = new Map<string, string>();
  if (cIds.length)
    for (const c of await ds.getRepository(Community).findBy({ id: In(cIds) })) names.set(`c${c.id}`, c.name);
  if (sIds.length)
    for (const s of await ds.getRepository(HeatStation).findBy({ id: In(sIds) })) names.set(`s${s.id}`, s.name);
  return names;
}

async function imagesOf(ds: DataSource, notices: Notice[]): Promise<Map<number, NoticeImage>> {
  const ids = [...new Set(notices.map((n) => n.imageId).filter((id): id is number => id !== null))];
  if (!ids.length) return new Map();
  return new Map((await ds.getRepository(NoticeImage).findBy({ id: In(ids) })).map((i) => [i.id, i]));
}

function presentStaff(
  deps: Pick<Deps, "config">,
  n: Notice,
  names: Map<string, string>,
  images: Map<number, NoticeImage>,
  now: Date,
): StaffNoticeView {
  const image = n.imageId !== null ? images.get(n.imageId) : undefined;
  const targets =
    n.audience === "communities"
      ? n.communityIds.map((id) => names.get(`c${id}`) ?? `小区 #${id}`)
      : n.audience === "stations"
        ? n.stationIds.map((id) => names.get(`s${id}`) ?? `换热站 #${id}`)
        : [];
  return {
    id: n.id,
    title: n.title,
    body: n.body,
    kind: n.kind,
    audience: n.audience,
    communityIds: n.communityIds,
    stationIds: n.stationIds,
    targetNames: targets,
    pinned: n.pinned,
    publishAt: n.publishAt.toISOString(),
    expireAt: n.expireAt?.toISOString() ?? null,
    image: image ? noticeImageView(deps, image) : null,
    state: noticeState(n, now),
    authorName: n.authorName,
    withdrawnAt: n.withdrawnAt?.toISOString() ?? null,
    withdrawReason: n.withdrawReason,
    createdAt: n.createdAt.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
  };
}

async function presentMany(deps: Deps, rows: Notice[], now = new Date()): Promise<StaffNoticeView[]> {
  const [names, images] = await Promise.all([targetNames(deps.ds, rows), imagesOf(deps.ds, rows)]);
  return rows.map((n) => presentStaff(deps, n, names, images, now));
}

export async function staffNotice(deps: Deps, id: number): Promise<StaffNoticeView> {
  const n = await deps.ds.getRepository(Notice).findOneBy({ id });
  if (!n) throw new AppError("NOTICE_NOT_FOUND");
  return (await presentMany(deps, [n]))[0] as StaffNoticeView;
}

export async function listStaffNotices(deps: Deps, q: Query): Promise<{ items: StaffNoticeView[]; total: number }> {
  const now = new Date();
  const qb = deps.ds.getRepository(Notice).createQueryBuilder("n");
  if (q.state === "withdrawn") qb.where("n.withdrawn_at IS NOT NULL");
  else if (q.state) {
    qb.where("n.withdrawn_at IS NULL");
    if (q.state === "scheduled") qb.andWhere("n.publish_at > :now", { now });
    if (q.state === "expired") qb.andWhere("n.expire_at <= :now", { now });
    if (q.state === "current")
      qb.andWhere("n.publish_at <= :now", { now }).andWhere(
        new Brackets((w) => w.where("n.expire_at IS NULL").orWhere("n.expire_at > :now", { now })),
      );
  }
  const [rows, total] = await qb
    .orderBy("n.id", "DESC")
    .skip((q.page - 1) * q.pageSize)
    .take(q.pageSize)
    .getManyAndCount();
  return { items: await presentMany(deps, rows, now), total };
}

/** The stored shape of an input: targets of the other audience dropped, ids checked. */
async function normalise(m: EntityManager, input: Input) {
  const communityIds = input.audience === "communities" ? [...new Set(input.communityIds)] : [];
  const stationIds = input.audience === "stations" ? [...new Set(input.stationIds)] : [];
  if (
    communityIds.length &&
    (await m.getRepository(Community).countBy({ id: In(communityIds) })) !== communityIds.length
  )
    throw new AppError("NOTICE_TARGET_UNKNOWN", { communityIds });
  if (stationIds.length && (await m.getRepository(HeatStation).countBy({ id: In(stationIds) })) !== stationIds.length)
    throw new AppError("NOTICE_TARGET_UNKNOWN", { stationIds });
  if (input.imageId !== null && !(await m.getRepository(NoticeImage).existsBy({ id: input.imageId })))
    throw new AppError("NOTICE_IMAGE_NOT_FOUND");
  return {
    title: input.title,
    body: input.body,
    kind: input.kind,
    audience: input.audience,
    communityIds,
    stationIds,
    pinned: input.pinned,
    publishAt: input.publishAt ? new Date(input.publishAt) : new Date(),
    expireAt: input.expireAt ? new Date(input.expireAt) : null,
    imageId: input.imageId,
  };
}

/**
 * A 停热检修 notice for stations is also sent to the residents of those stations' buildings when it is
 * published (a job at its publication time). Sending is once per notice and resident, so an edit that
 * enqueues again reaches only residents not told yet (a station added).
 */
async function scheduleOutageMessages(m: EntityManager, n: Notice): Promise<void> {
  if (n.kind !== "outage" || n.audience !== "stations" || n.withdrawnAt) return;
  await enqueue(m, NOTICE_OUTAGE_JOB, { noticeId: n.id }, { at: n.publishAt });
}

export async function createNotice(deps: Deps, ctx: Context, input: Input): Promise<StaffNoticeView> {
  const saved = await deps.ds.transaction((m) => insertNotice(m, ctx, input));
  return staffNotice(deps, saved.id);
}

/**
 * Publishes a notice inside the caller's transaction (audited as notice.create): for modules that publish
 * as part of their own step (the legal desk's typical cases).
 */
export async function insertNotice(m: EntityManager, ctx: Context, input: Input): Promise<Notice> {
  const staff = staffAuth(ctx);
  const fields = await normalise(m, input);
  const author = await m.getRepository(StaffUser).findOneBy({ id: staff.id });
  const n = await m.getRepository(Notice).save(
    m.getRepository(Notice).create({
      ...fields,
      authorStaffId: staff.id,
      authorName: author?.displayName ?? `#${staff.id}`,
      withdrawnAt: null,
      withdrawnBy: null,
      withdrawReason: null,
    }),
  );
  await audit(m, ctx, {
    action: "notice.create",
    targetType: "notice",
    targetId: n.id,
    details: {
      title: n.title,
      noticeKind: n.kind,
      audience: n.audience,
      targets: [...n.communityIds, ...n.stationIds],
    },
  });
  await scheduleOutageMessages(m, n);
  return n;
}

const EDITABLE = [
  "title",
  "body",
  "kind",
  "audience",
  "communityIds",
  "stationIds",
  "pinned",
  "publishAt",
  "expireAt",
  "imageId",
] as const;

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date)
    return (a as Date | null)?.getTime?.() === (b as Date | null)?.getTime?.() || (a === null && b === null);
  return JSON.stringify(a) === JSON.stringify(b);
}

async function lockNotice(m: EntityManager, id: number): Promise<Notice> {
  const qb = m.getRepository(Notice).createQueryBuilder("n").where("n.id = :id", { id });
  if (m.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
  const n = await qb.getOne();
  if (!n) throw new AppError("NOTICE_NOT_FOUND");
  if (n.withdrawnAt) throw new AppError("NOTICE_WITHDRAWN");
  return n;
}

export async function updateNotice(deps: Deps, ctx: Context, id: number, input: Input): Promise<StaffNoticeView> {
  await deps.ds.transaction(async (m) => {
    const n = await lockNotice(m, id);
    const fields = await normalise(m, { ...input, publishAt: input.publishAt ?? n.publishAt.toISOString() });
    const changed = EDITABLE.filter((k) => !same(n[k], fields[k]));
    if (!changed.length) return;
    Object.assign(n, fields);
    await m.getRepository(Notice).save(n);
    await audit(m, ctx, {
      action: "notice.update",
      targetType: "notice",
      targetId: n.id,
      details: { title: n.title, changedFields: changed },
    });
    await scheduleOutageMessages(m, n);
  });
  return staffNotice(deps, id);
}

export async function withdrawNotice(deps: Deps, ctx: Context, id: number, reason: string): Promise<StaffNoticeView> {
  const staff = staffAuth(ctx);
  await deps.ds.transaction(async (m) => {
    const n = await lockNotice(m, id);
    n.withdrawnAt = new Date();
    n.withdrawnBy = staff.id;
    n.withdrawReason = reason;
    await m.getRepository(Notice).save(n);
    await audit(m, ctx, {
      action: "notice.withdraw",
      targetType: "notice",
      targetId: n.id,
      details: { title: n.title, reason },
    });
  });
  return staffNotice(deps, id);
}

// ---- residents ------------------------------------------------------------------------------------

/** The communities and stations of a resident's bound accounts (a station through the account's building). */
export async function residentPlaces(db: DataSource | EntityManager, residentUserId: number): Promise<ResidentPlaces> {
  const rows: { communityId: number | string; stationId: number | string | null }[] = await db
    .getRepository(AccountBinding)
    .createQueryBuilder("b")
    .innerJoin(HeatingAccount, "a", "a.id = b.account_id")
    .leftJoin(Building, "bd", "bd.id = a.building_id")
    .select(["a.community_id AS communityId", "bd.station_id AS stationId"])
    .where("b.resident_user_id = :rid AND b.active_flag = :on", { rid: residentUserId, on: true })
    .getRawMany();
  const communityIds = [...new Set(rows.map((r) => Number(r.communityId)))];
  const stationIds = [...new Set(rows.filter((r) => r.stationId !== null).map((r) => Number(r.stationId)))];
  return { communityIds, stationIds };
}

/** the current heating season, else the next one set up; else the standard calendar of the coming season */
async function seasonForHome(ds: DataSource, now: Date): Promise<NoticeList["season"]> {
  const today = shanghaiDate(now);
  const s = await ds
    .getRepository(HeatingSeason)
    .createQueryBuilder("s")
    .where("s.status <> :draft AND s.end_date >= :today", { draft: "draft", today })
    .orderBy("s.start_date", "ASC")
    .getOne();
  if (s) return { code: s.code, startDate: s.startDate, endDate: s.endDate };
  let cal = seasonCalendar(seasonCodeFor(today));
  if (cal.endDate < today) cal = seasonCalendar(`${Number(cal.code.slice(5))}-${Number(cal.code.slice(5)) + 1}`);
  return { code: cal.code, startDate: cal.startDate, endDate: cal.endDate };
}

function presentResident(deps: Pick<Deps, "config">, n: Notice, image: NoticeImage | undefined): NoticeView {
  return {
    id: n.id,
    title: n.title,
    body: n.body,
    kind: n.kind,
    pinned: n.pinned,
    publishAt: n.publishAt.toISOString(),
    expireAt: n.expireAt?.toISOString() ?? null,
    image: image ? { url: noticeImageView(deps, image).url } : null,
  };
}

/** Notices published now and not expired, not withdrawn (addressees decided by the caller). */
async function currentNotices(ds: DataSource, now: Date): Promise<Notice[]> {
  return ds.getRepository(Notice).find({
    where: [
      { withdrawnAt: IsNull(), publishAt: LessThanOrEqual(now), expireAt: IsNull() },
      { withdrawnAt: IsNull(), publishAt: LessThanOrEqual(now), expireAt: MoreThan(now) },
    ],
  });
}

/** 供热公告 for a resident: current notices to everyone and to their accounts' places, pinned first. */
export async function residentNotices(deps: Deps, residentUserId: number, now = new Date()): Promise<NoticeList> {
  const [places, rows, season] = await Promise.all([
    residentPlaces(deps.ds, residentUserId),
    currentNotices(deps.ds, now),
    seasonForHome(deps.ds, now),
  ]);
  const visible = rows
    .filter((n) => noticeVisibleTo(n, places, now))
    .sort(compareNotices)
    .slice(0, 50);
  const images = await imagesOf(deps.ds, visible);
  return {
    items: visible.map((n) => presentResident(deps, n, n.imageId !== null ? images.get(n.imageId) : undefined)),
    season,
    hotline: HOTLINE,
  };
}

/** One notice the resident may see now; NOTICE_NOT_FOUND for any other (missing, foreign, withdrawn, expired). */
export async function residentNotice(deps: Deps, residentUserId: number, id: number): Promise<NoticeView> {
  const now = new Date();
  const n = await deps.ds.getRepository(Notice).findOneBy({ id });
  if (!n || !noticeVisibleTo(n, await residentPlaces(deps.ds, residentUserId), now))
    throw new AppError("NOTICE_NOT_FOUND");
  const image = n.imageId !== null ? await deps.ds.getRepository(NoticeImage).findOneBy({ id: n.imageId }) : null;
  return presentResident(deps, n, image ?? undefined);
}
