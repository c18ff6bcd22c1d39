import { describe, expect, it } from "vitest";
import { type ColdRoomEvent, coldRoomResolveCheck } from "./coldRoom";

const m = (indoorTempC10: number, outdoorTempC10: number | null = null, cycle = 0): ColdRoomEvent => ({
  type: "measured",
  cycle,
  data: { indoorTempC10, outdoorTempC10 },
});
const step = (type: ColdRoomEvent["type"], cycle = 0): ColdRoomEvent => ({ type, cycle, data: null });

describe("coldRoomResolveCheck", () => {
  it("does not apply to other categories", () => {
    expect(coldRoomResolveCheck("leak", 0, [], null)).toEqual({ required: false });
  });

  it("refuses the issue's case: 17.2 ℃ measured, then nothing", () => {
    const r = coldRoomResolveCheck("cold_room", 0, [step("created"), step("on_site"), m(172)], null);
    expect(r).toMatchObject({ required: true, met: false, floorC10: 200, lastReadingC10: 172 });
    expect(r.required && !r.met && r.reason).toContain("17.2℃");
  });

  it("takes a reading at the floor after the visit", () => {
    expect(coldRoomResolveCheck("cold_room", 0, [step("on_site"), m(172), m(200)], null)).toMatchObject({
      met: true,
      by: "measurement",
    });
  });

  it("uses 18 ℃ when it is below -10 ℃ outside (the reading's own value first, else the current one)", () => {
    expect(coldRoomResolveCheck("cold_room", 0, [step("on_site"), m(185, -120)], null)).toMatchObject({ met: true });
    expect(coldRoomResolveCheck("cold_room", 0, [step("on_site"), m(185)], -120)).toMatchObject({ met: true });
    expect(coldRoomResolveCheck("cold_room", 0, [step("on_site"), m(185, -50)], -120)).toMatchObject({
      met: false,
      floorC10: 200,
    });
    expect(coldRoomResolveCheck("cold_room", 0, [step("on_site"), m(179, -120)], null)).toMatchObject({
      met: false,
      floorC10: 180,
    });
  });

  it("ignores readings taken before the last visit step", () => {
    const r = coldRoomResolveCheck("cold_room", 0, [m(210), step("dispatched"), step("on_site")], null);
    expect(r).toMatchObject({ met: false, lastReadingC10: null });
  });

  it("a later low reading cancels earlier proof, the resident's confirmation included", () => {
    expect(coldRoomResolveCheck("cold_room", 0, [step("on_site"), m(205), m(190)], null)).toMatchObject({ met: false });
    expect(coldRoomResolveCheck("cold_room", 0, [step("on_site"), step("confirmed"), m(190)], null)).toMatchObject({
      met: false,
    });
    expect(coldRoomResolveCheck("cold_room", 0, [step("on_site"), m(190), step("confirmed")], null)).toMatchObject({
      met: true,
      by: "resident",
    });
  });

  it("counts only the current cycle (a reopened ticket needs new proof)", () => {
    const events = [step("on_site", 0), m(210, null, 0), step("confirmed", 0), step("reopened", 1)];
    expect(coldRoomResolveCheck("cold_room", 1, events, null)).toMatchObject({ met: false });
    expect(coldRoomResolveCheck("cold_room", 1, [...events, m(201, null, 1)], null)).toMatchObject({ met: true });
  });
});
