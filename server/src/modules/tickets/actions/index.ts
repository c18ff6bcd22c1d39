import type { TicketStatus } from "@warmline/shared";
import { dispatch } from "./dispatch";
import { followUp } from "./followUp";
import { grade } from "./grade";
import { link } from "./link";
import { measure } from "./measure";
import { note } from "./note";
import { onSite } from "./onSite";
import { pause } from "./pause";
import { resolve } from "./resolve";
import { respond } from "./respond";
import { resume } from "./resume";
import { type AnyTicketAction, allows, TICKET_ACTION_VERBS, type TicketAction } from "./types";

export {
  type ActionContext,
  type AnyTicketAction,
  allows,
  TICKET_ACTION_VERBS,
  type TicketAction,
  type TicketActionDef,
} from "./types";

/** The workflow's steps: verb → definition (input, roles, states, events, what it does). */
export const TICKET_ACTIONS = {
  respond,
  dispatch,
  on_site: onSite,
  measure,
  pause,
  resume,
  resolve,
  follow_up: followUp,
  grade,
  link,
  note,
} as const satisfies { [V in TicketAction]: { verb: V } };

/** The request body a step takes (its shared zod schema's output). */
export type ActionInput<V extends TicketAction> = Parameters<(typeof TICKET_ACTIONS)[V]["apply"]>[1];

/** The steps, in the order of TICKET_ACTION_VERBS. */
export const ACTION_LIST: readonly AnyTicketAction[] = TICKET_ACTION_VERBS.map((v) => TICKET_ACTIONS[v]);

/** Which steps a ticket in this state allows (roles are checked by the routes), in the console's order. */
export function allowedActions(ticket: { status: TicketStatus }, paused: boolean): TicketAction[] {
  return ACTION_LIST.filter((a) => allows(a, ticket.status, paused)).map((a) => a.verb);
}
