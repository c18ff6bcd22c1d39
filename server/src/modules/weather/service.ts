import {
  indoorFloorC10,
  OUTDOOR_READING_VALID_MINUTES,
  type OutdoorList,
  type OutdoorReadingView,
  type OutdoorSource,
  type RecordOutdoorInput,
  RecordOutdoorSchema,
} from "@warmline/shared";
import { Between, type DataSource, type EntityManager, In, MoreThanOrEqual } from "typeorm";
import { AppError } from "../../http/errors";
import { HeatStation } from "../accounts";
import { StaffUser } from "../staff";
import { OutdoorReading } from "./entities";

type Db = DataSource | EntityManager;
const MIN = 60_000;
/** a reading may be entered this long after it was taken */
const BACKDATE_LIMIT_MS = 7 * 24 * 60 * MIN;
/** clocks differ a little between a phone and the server */
const FUTURE_SLACK_MS = 5 * MIN;

/** Records a reading (manual or sensor). */
export async function recordOutdoor(
  db: Db,
  staffId: number,
  raw: RecordOutdoorInput,
  now = new Date(),
): Promise<OutdoorReading> {
  const input = RecordOutdoorSchema.parse(raw);
  const at = input.at ? new Date(input.at) : now;
  if (at.getTime() > now.getTime() + FUTURE_SLACK_MS || at.getTime() < now.getTime() - BACKDATE_LIMIT_MS)
    throw new AppError("OUTDOOR_TIME_INVALID");
  if (input.stationId && !(await db.getRepository(HeatStation).existsBy({ id: input.stationId })))
    throw new AppError("STATION_NOT_FOUND");
  return db.getRepository(OutdoorReading).save(
    db.getRepository(OutdoorReading).create({
      at,
      tempC10: input.tempC10,
      stationId: input.stationId ?? null,
      source: input.source,
      recordedBy: staffId,
    }),
  );
}

/**
 * The reading that applies at `at`: the latest of the last 3 hours (not after `at`), the station's own
 * first when a station is named, else any. Null when there is none (then the 20 °C floor applies).
 */
export async function outdoorAt(db: Db, at: Date, stationId?: number | null): Promise<OutdoorReading | null> {
  const during = Between(new Date(at.getTime() - OUTDOOR_READING_VALID_MINUTES * MIN), at);
  const latest = (where: { stationId?: number }) =>
    db.getRepository(OutdoorReading).findOne({ where: { ...where, at: during }, order: { at: "DESC", id: "DESC" } });
  return (stationId ? await latest({ stationId }) : null) ?? (await latest({}));
}

async function present(db: Db, rows: OutdoorReading[]): Promise<OutdoorReadingView[]> {
  const stationIds = [...new Set(rows.map((r) => r.stationId).filter((x): x is number => x !== null))];
  const staffIds = [...new Set(rows.map((r) => r.recordedBy).filter((x): x is number => x !== null))];
  const stations = stationIds.length ? await db.getRepository(HeatStation).findBy({ id: In(stationIds) }) : [];
  const staff = staffIds.length ? await db.getRepository(StaffUser).findBy({ id: In(staffIds) }) : [];
  const stationName = new Map(stations.map((s) => [s.id, s.name]));
  const staffName = new Map(staff.map((s) => [s.id, s.displayName]));
  return rows.map((r) => ({
    id: r.id,
    tempC10: r.tempC10,
    at: r.at.toISOString(),
    stationId: r.stationId,
    stationName: r.stationId === null ? null : (stationName.get(r.stationId) ?? null),
    source: r.source as OutdoorSource,
    recordedBy: r.recordedBy === null ? null : (staffName.get(r.recordedBy) ?? null),
  }));
}

export async function presentReading(db: Db, r: OutdoorReading): Promise<OutdoorReadingView> {
  return (await present(db, [r]))[0] as OutdoorReadingView;
}

/** The readings of the last `hours`, and the one that applies now with the floor it gives. */
export async function listOutdoor(
  db: Db,
  q: { hours: number; stationId?: number },
  now = new Date(),
): Promise<OutdoorList> {
  const rows = await db.getRepository(OutdoorReading).find({
    where: {
      at: MoreThanOrEqual(new Date(now.getTime() - q.hours * 60 * MIN)),
      ...(q.stationId ? { stationId: q.stationId } : {}),
    },
    order: { at: "DESC", id: "DESC" },
    take: 200,
  });
  const current = await outdoorAt(db, now, q.stationId ?? null);
  return {
    current: current ? await presentReading(db, current) : null,
    floorC10: indoorFloorC10(current?.tempC10 ?? null),
    items: await present(
      db,
      rows.filter((r) => r.at.getTime() <= now.getTime() + FUTURE_SLACK_MS),
    ),
  };
}
