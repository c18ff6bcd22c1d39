import { FIELD_ROLES, MEASUREMENT_METHOD_LABELS, MeasureSchema } from "@warmline/shared";
import { OutdoorReading } from "../../weather";
import { defineAction } from "./types";

/**
 * 入户测温: an indoor reading (it meets a cold-room ticket's measurement clock), with photos; the outdoor
 * value read on site is recorded as a reading like any other (later reports are graded with it).
 */
export const measure = defineAction({
  verb: "measure",
  path: "measure",
  summary: "入户测温",
  input: MeasureSchema,
  roles: FIELD_ROLES,
  states: ["new", "responded", "dispatched", "on_site"],
  events: ["measured"],
  async apply({ m, actor, ticket, now, record, attachPhotos }, input) {
    const e = await record("measured", {
      indoorTempC10: input.indoorTempC10,
      outdoorTempC10: input.outdoorTempC10 ?? null,
      method: input.method,
      methodLabel: input.method ? MEASUREMENT_METHOD_LABELS[input.method] : null,
      note: input.note ?? null,
    });
    await attachPhotos(input.photoIds, e);
    if (input.outdoorTempC10 !== undefined) {
      await m.getRepository(OutdoorReading).insert({
        at: now,
        tempC10: input.outdoorTempC10,
        stationId: ticket.dispatchedStationId ?? ticket.stationId,
        source: "measurement",
        recordedBy: actor.kind === "staff" ? actor.id : null,
      });
    }
  },
});
