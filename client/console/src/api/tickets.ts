import {
  CallPageSchema,
  CallSchema,
  type CallView,
  type CreateCallInput,
  type IncidentGrade,
  type MyTicketTab,
  type PhotoView,
  PhotoSchema,
  type RateGroup,
  ServiceRatesSchema,
  type ServiceRatesView,
  type StaffCreateTicketInput,
  TICKET_ACTION_VERBS,
  type TicketAction,
  TechnicianListSchema,
  type TechnicianView,
  TicketDetailSchema,
  type TicketDetailView,
  type TicketCategory,
  type TicketChannel,
  TicketPageSchema,
  type TicketPriority,
  type TicketStatus,
  type TicketSummaryView,
} from "@warmline/shared";
import { z } from "zod";
import { api, type DownloadedFile } from "./api";
import { parseWith } from "./parse";

export type TicketPage = z.infer<typeof TicketPageSchema>;
export type CallPage = z.infer<typeof CallPageSchema>;
export type { CallView, PhotoView, ServiceRatesView, TicketDetailView, TicketSummaryView };

/** GET /staff/stations: the heat-exchange stations (board filter, dispatch form). */
const StationListSchema = z.object({ items: z.array(z.object({ id: z.number().int(), name: z.string() })) });
export type Station = z.infer<typeof StationListSchema>["items"][number];

export interface TicketSearchParams {
  /** 工单号, 户号 or 12345 number */
  q?: string;
  status?: TicketStatus;
  /** every status but closed (the SLA board) */
  open?: boolean;
  stationId?: number;
  grade?: IncidentGrade;
  channel?: TicketChannel;
  category?: TicketCategory;
  priority?: TicketPriority;
  breached?: boolean;
  /** resolved tickets waiting for a follow-up call */
  followUp?: boolean;
  page: number;
  pageSize: number;
}

/** Only `true` is sent for a flag: an absent flag means "no filter", not "false". */
const flag = (v: boolean | undefined) => (v ? "true" : undefined);

/** The SLA board (open=true, sorted by time left), the follow-up queue (followUp=true) and the ticket search. */
export async function searchTickets(p: TicketSearchParams, signal?: AbortSignal): Promise<TicketPage> {
  const query = { ...p, open: flag(p.open), breached: flag(p.breached), followUp: flag(p.followUp) };
  return parseWith(TicketPageSchema, await api.get("/api/v1/staff/tickets", query, signal));
}

/** 我的工单: tickets dispatched to me; open ones by the next due time, done ones (recent) latest first. */
export async function listMyTickets(tab: MyTicketTab, signal?: AbortSignal): Promise<TicketPage> {
  return parseWith(TicketPageSchema, await api.get("/api/v1/staff/my-tickets", { tab, pageSize: 100 }, signal));
}

export async function getTicket(id: number, signal?: AbortSignal): Promise<TicketDetailView> {
  return parseWith(TicketDetailSchema, await api.get(`/api/v1/staff/tickets/${id}`, undefined, signal));
}

/** 新建工单 for a caller, a home visit or a 12345 transfer. */
export async function createTicket(input: StaffCreateTicketInput): Promise<TicketDetailView> {
  return parseWith(TicketDetailSchema, await api.post("/api/v1/staff/tickets", input));
}

/** What staff may do on a ticket (the server lists the ones allowed now in `actions`). */
export const TICKET_ACTIONS = TICKET_ACTION_VERBS;
export type { TicketAction };

const ACTION_PATHS: Record<TicketAction, string> = {
  respond: "respond",
  dispatch: "dispatch",
  on_site: "on-site",
  measure: "measure",
  pause: "pause",
  resume: "resume",
  resolve: "resolve",
  follow_up: "follow-up",
  grade: "grade",
  link: "link",
  note: "notes",
};

/** Any step on a ticket; every one answers the ticket as it is now (409 TICKET_BAD_STATE when out of turn). */
export async function ticketAction(id: number, action: TicketAction, input: object): Promise<TicketDetailView> {
  const body = await api.post(`/api/v1/staff/tickets/${id}/${ACTION_PATHS[action]}`, input);
  return parseWith(TicketDetailSchema, body);
}

/** Stores a photo (multipart, field "file"); its id then goes into a measurement, a resolution or a new ticket. */
export async function uploadPhoto(file: Blob, filename?: string): Promise<PhotoView> {
  const form = new FormData();
  form.append("file", file, filename ?? (file instanceof File ? file.name : "photo"));
  return parseWith(PhotoSchema, await api.request("/api/v1/staff/photos", { method: "POST", form }));
}

/** GET /staff/technicians: the technicians a dispatcher can assign (a station's own, and county-wide ones). */
export async function listTechnicians(stationId: number | undefined, signal?: AbortSignal): Promise<TechnicianView[]> {
  const query = stationId ? `?stationId=${stationId}` : "";
  return parseWith(TechnicianListSchema, await api.get(`/api/v1/staff/technicians${query}`, undefined, signal)).items;
}

export async function listStations(signal?: AbortSignal): Promise<Station[]> {
  return parseWith(StationListSchema, await api.get("/api/v1/staff/stations", undefined, signal)).items;
}

/** 来电登记: every call, with or without an account; with ticketId it is attached to that ticket. */
export async function createCall(input: CreateCallInput): Promise<CallView> {
  return parseWith(CallSchema, await api.post("/api/v1/staff/calls", input));
}

export interface CallSearchParams {
  /** 来电号码 (exact) or 户号 */
  q?: string;
  page: number;
  pageSize: number;
}

export async function listCalls(p: CallSearchParams, signal?: AbortSignal): Promise<CallPage> {
  return parseWith(CallPageSchema, await api.get("/api/v1/staff/calls", { ...p }, signal));
}

export interface ServiceRatesParams {
  /** Beijing dates, YYYY-MM-DD, inclusive */
  from: string;
  to: string;
  groupBy: RateGroup;
}

/** 三率: timely response, completion and satisfaction, by period, station or channel. */
export async function getServiceRates(p: ServiceRatesParams, signal?: AbortSignal): Promise<ServiceRatesView> {
  return parseWith(ServiceRatesSchema, await api.get("/api/v1/staff/reports/service-rates", { ...p }, signal));
}

export type ExportFormat = "csv" | "xlsx";

/** The same report as a file (needs the Authorization header, so it is fetched, not linked). */
export function downloadServiceRates(p: ServiceRatesParams, format: ExportFormat): Promise<DownloadedFile> {
  return api.download(`/api/v1/staff/reports/service-rates.${format}`, { ...p });
}
