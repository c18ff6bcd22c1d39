import { DISPATCH_ROLES, DispatchSchema } from "@warmline/shared";
import { AppError } from "../../../http/errors";
import { HeatStation } from "../../accounts";
import { StaffRoleGrant, StaffUser } from "../../staff";
import { defineAction } from "./types";

/** 派单: to a heat station (and a crew or technician); again to another one while not on site yet. */
export const dispatch = defineAction({
  verb: "dispatch",
  path: "dispatch",
  summary: "派单至换热站/维修班组",
  input: DispatchSchema,
  roles: DISPATCH_ROLES,
  states: ["responded", "dispatched"],
  events: ["dispatched"],
  async apply({ m, ticket, record, notify }, input) {
    const station = await m.getRepository(HeatStation).findOneBy({ id: input.stationId });
    if (!station) throw new AppError("STATION_NOT_FOUND");
    let technician: StaffUser | null = null;
    if (input.technicianId !== undefined) {
      technician = await m.getRepository(StaffUser).findOneBy({ id: input.technicianId, status: "active" });
      const grant =
        technician &&
        (await m.getRepository(StaffRoleGrant).findOneBy({ staffUserId: technician.id, role: "technician" }));
      if (!technician || !grant) throw new AppError("TECHNICIAN_NOT_FOUND");
    }
    const e = await record("dispatched", {
      stationId: station.id,
      stationName: station.name,
      crew: input.crew ?? null,
      technicianId: technician?.id ?? null,
      technicianName: technician?.displayName ?? null,
      note: input.note ?? null,
    });
    ticket.status = "dispatched";
    ticket.dispatchedStationId = station.id;
    ticket.crew = input.crew ?? null;
    ticket.technicianId = input.technicianId ?? null;
    await notify(e, "dispatched");
  },
});
