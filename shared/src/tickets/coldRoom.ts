import type { TicketCategory, TicketEventType } from "./constants";
import { indoorFloorC10 } from "./priority";

/** The categories whose resolution needs the room warm again (室温不达标). */
export const COLD_ROOM_CATEGORIES: readonly TicketCategory[] = ["cold_room"];

/** The steps after which the room must be shown warm again: a dispatch, the technician at the door. */
const VISIT_STEPS: readonly TicketEventType[] = ["dispatched", "on_site"];

export interface ColdRoomEvent {
  type: TicketEventType;
  cycle: number;
  data: Record<string, unknown> | null;
}

export type ColdRoomCheck =
  | { required: false }
  | { required: true; met: true; by: "measurement" | "resident" }
  | { required: true; met: false; floorC10: number; lastReadingC10: number | null; reason: string };

const c = (c10: number) => `${(c10 / 10).toFixed(1)}℃`;

/**
 * Can a cold-room ticket be marked 处理完成 now? Only with proof that the room is warm again, taken after the
 * last visit step (dispatch / on site) of the current cycle: the latest indoor reading at or above the
 * applicable floor (20 ℃; 18 ℃ when the outdoor temperature is below -10 ℃ — the reading's own outdoor
 * value, else `outdoorNowC10`), or the resident's 已恢复正常 in the app. A later reading below the floor
 * cancels earlier proof. `events` are in log order.
 */
export function coldRoomResolveCheck(
  category: TicketCategory,
  cycle: number,
  events: readonly ColdRoomEvent[],
  outdoorNowC10: number | null,
): ColdRoomCheck {
  if (!COLD_ROOM_CATEGORIES.includes(category)) return { required: false };
  const current = events.filter((e) => e.cycle === cycle);
  let from = 0;
  current.forEach((e, i) => {
    if (VISIT_STEPS.includes(e.type)) from = i + 1;
  });
  let proof: "measurement" | "resident" | null = null;
  let lastReading: number | null = null;
  let floor = indoorFloorC10(outdoorNowC10);
  for (const e of current.slice(from)) {
    if (e.type === "confirmed") proof = "resident";
    if (e.type !== "measured") continue;
    const indoor = e.data?.indoorTempC10;
    if (typeof indoor !== "number") continue;
    const outdoor = e.data?.outdoorTempC10;
    floor = indoorFloorC10(typeof outdoor === "number" ? outdoor : outdoorNowC10);
    lastReading = indoor;
    proof = indoor >= floor ? "measurement" : null;
  }
  if (proof) return { required: true, met: true, by: proof };
  const measured =
    lastReading === null ? "维修后尚未入户测温" : `维修后最近一次测温${c(lastReading)}，低于标准${c(floor)}`;
  return {
    required: true,
    met: false,
    floorC10: floor,
    lastReadingC10: lastReading,
    reason: `室温不达标工单须在维修后测得室温不低于${c(floor)}（室外低于-10℃时为18.0℃），或由居民在小程序中确认已恢复正常，才能处理完成：${measured}`,
  };
}
