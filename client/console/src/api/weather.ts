import {
  type OutdoorList,
  OutdoorListSchema,
  OutdoorReadingSchema,
  type OutdoorReadingView,
  type RecordOutdoorInput,
} from "@warmline/shared";
import { api } from "./api";
import { parseWith } from "./parse";

export type { OutdoorList, OutdoorReadingView, RecordOutdoorInput };

export interface OutdoorListParams {
  /** how far back the list goes (server default 24, at most 168) */
  hours?: number;
  /** the reading that applies at this station (its own first, else any); none = county-wide */
  stationId?: number;
}

/**
 * 室外气温: the reading that applies now, the room-temperature floor that follows from it (tenths of ℃) and
 * the readings of the last `hours`, newest first.
 */
export async function listOutdoor(p: OutdoorListParams, signal?: AbortSignal): Promise<OutdoorList> {
  return parseWith(OutdoorListSchema, await api.get("/api/v1/staff/outdoor-readings", { ...p }, signal));
}

/**
 * 登记气温: a reading in tenths of ℃, when it was read (default now; 400 OUTDOOR_TIME_INVALID when in the
 * future or more than 7 days back) and optionally the station (404 STATION_NOT_FOUND).
 */
export async function recordOutdoor(input: RecordOutdoorInput): Promise<OutdoorReadingView> {
  return parseWith(OutdoorReadingSchema, await api.post("/api/v1/staff/outdoor-readings", input));
}
