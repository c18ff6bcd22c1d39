import type { TicketCategory, TicketPriority } from "./constants";

/**
 * 室温标准: at least 20 °C in residential rooms; not below 18 °C when the outdoor temperature is below
 * -10 °C. Temperatures are tenths of a degree (integers), e.g. 185 = 18.5 °C.
 */
export function indoorFloorC10(outdoorC10: number | null | undefined): number {
  return outdoorC10 !== null && outdoorC10 !== undefined && outdoorC10 < -100 ? 180 : 200;
}

export interface PriorityRules {
  /** a reading below this is "very low" (urgent), tenths of °C */
  veryLowC10: number;
  /** reports from one building within this many minutes count as a cluster … */
  clusterWindowMinutes: number;
  /** … when there are at least this many (this one included) */
  clusterSize: number;
}

export const DEFAULT_PRIORITY_RULES: PriorityRules = { veryLowC10: 160, clusterWindowMinutes: 120, clusterSize: 3 };

export interface PriorityInput {
  category: TicketCategory;
  indoorC10?: number | null;
  outdoorC10?: number | null;
  /** an elderly, disabled or otherwise special-group household */
  vulnerable: boolean;
  /** reports from the same building within the window, this one included */
  buildingReports: number;
}

export interface PriorityResult {
  priority: TicketPriority;
  reasons: string[];
  /** the reading is below the applicable floor */
  coldRoom: boolean;
  /** several reports from one building: link them as one incident */
  suggestIncident: boolean;
}

const ORDER: TicketPriority[] = ["normal", "high", "urgent"];
const raise = (p: TicketPriority, to: TicketPriority) => (ORDER.indexOf(to) > ORDER.indexOf(p) ? to : p);
const bump = (p: TicketPriority) => ORDER[Math.min(ORDER.indexOf(p) + 1, 2)] as TicketPriority;
const c = (c10: number) => `${(c10 / 10).toFixed(1)}℃`;

export function assessPriority(input: PriorityInput, rules: PriorityRules = DEFAULT_PRIORITY_RULES): PriorityResult {
  let priority: TicketPriority = "normal";
  const reasons: string[] = [];
  let coldRoom = false;
  if (input.indoorC10 !== null && input.indoorC10 !== undefined) {
    const floor = indoorFloorC10(input.outdoorC10);
    if (input.indoorC10 < floor) {
      coldRoom = true;
      priority = raise(priority, "high");
      reasons.push(`室温${c(input.indoorC10)}低于标准${c(floor)}`);
    }
    if (input.indoorC10 < rules.veryLowC10) {
      priority = raise(priority, "urgent");
      reasons.push(`室温${c(input.indoorC10)}过低（低于${c(rules.veryLowC10)}）`);
    }
  }
  if (input.vulnerable) {
    priority = bump(priority);
    reasons.push("老人、残疾等特殊群体家庭");
  }
  const suggestIncident = input.buildingReports >= rules.clusterSize;
  if (suggestIncident) {
    priority = raise(priority, "high");
    reasons.push(
      `同楼栋${rules.clusterWindowMinutes / 60}小时内已有${input.buildingReports}条诉求，建议合并为同一事件`,
    );
  }
  return { priority, reasons, coldRoom, suggestIncident };
}
