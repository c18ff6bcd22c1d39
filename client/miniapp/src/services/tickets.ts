import type {
  CreateTicketInput,
  FollowUpInput,
  MessageTemplate,
  TicketDetailView,
  TicketSummaryView,
} from "@warmline/shared";
import { request } from "./request";

const TICKETS_PATH = "/api/v1/me/tickets";
const id = (n: number) => encodeURIComponent(String(n));

/** 我要报修: the channel is the vendor the resident signed in with (the server knows it). */
export function createTicket(input: CreateTicketInput): Promise<TicketDetailView> {
  return request<TicketDetailView>(TICKETS_PATH, { method: "POST", data: input });
}

/** 我的工单: the resident's own tickets, newest first. */
export async function listTickets(): Promise<TicketSummaryView[]> {
  const { items } = await request<{ items: TicketSummaryView[] }>(TICKETS_PATH);
  return items;
}

/** One ticket with its timeline (another resident's ticket answers 404 TICKET_NOT_FOUND). */
export function getTicket(ticketId: number): Promise<TicketDetailView> {
  return request<TicketDetailView>(`${TICKETS_PATH}/${id(ticketId)}`);
}

/** 评价: only while "resolved" (409 TICKET_BAD_STATE otherwise). Not satisfied reopens the ticket. */
export function rateTicket(ticketId: number, input: FollowUpInput): Promise<TicketDetailView> {
  return request<TicketDetailView>(`${TICKETS_PATH}/${id(ticketId)}/rate`, { method: "POST", data: input });
}

/** 已恢复正常: the resident says the room is warm again (cold-room tickets being worked on; 409 otherwise). */
export function confirmRestored(ticketId: number): Promise<TicketDetailView> {
  return request<TicketDetailView>(`${TICKETS_PATH}/${id(ticketId)}/confirm-restored`, { method: "POST" });
}

export interface ConsentResult {
  template: MessageTemplate;
  accepted: boolean;
}

export interface ConsentState {
  counts: Record<string, number>;
  /** the server's template ids for the resident's vendor */
  templateIds: Record<MessageTemplate, string>;
}

/** Consents left, and the template ids to ask for (configured on the server). */
export function loadSubscriptions(): Promise<ConsentState> {
  return request<ConsentState>("/api/v1/me/subscriptions");
}

/** The one-time subscribe consents the resident just gave or refused (WeChat / Alipay). */
export function saveConsents(results: ConsentResult[]): Promise<{ counts: Record<string, number> }> {
  return request<{ counts: Record<string, number> }>("/api/v1/me/subscriptions", {
    method: "POST",
    data: { results },
  });
}
