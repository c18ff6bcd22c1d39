import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreateCallInput, MyTicketTab, StaffCreateTicketInput } from "@warmline/shared";
import { isApiError } from "../api/api";
import {
  type CallSearchParams,
  createCall,
  createTicket,
  getServiceRates,
  getTicket,
  listCalls,
  listMyTickets,
  listStations,
  listTechnicians,
  type ServiceRatesParams,
  searchTickets,
  type TicketAction,
  type TicketDetailView,
  type TicketSearchParams,
  ticketAction,
} from "../api/tickets";
import { queryKeys } from "./keys";

const validId = (id: number | undefined): id is number => id !== undefined && Number.isInteger(id) && id > 0;

/** Tickets' clocks move by themselves: the board and an open ticket are asked for again this often. */
export const TICKET_REFRESH_MS = 15_000;

/** A refusal (404, 403) will not change by asking again; network failures and 5xx may. */
export const unlessRefused = (error: unknown) => !(isApiError(error) && error.status >= 400 && error.status < 500);

/**
 * Ticket lists: the SLA board (live: `live` refetches every 15 s), the follow-up queue and a caller's open
 * tickets. Always fetched fresh when shown.
 */
export function useTicketSearch(p: TicketSearchParams, options: { enabled?: boolean; live?: boolean } = {}) {
  return useQuery({
    queryKey: queryKeys.ticketSearch(p),
    queryFn: ({ signal }) => searchTickets(p, signal),
    placeholderData: keepPreviousData,
    staleTime: 0,
    enabled: options.enabled ?? true,
    refetchInterval: options.live ? (q) => (unlessRefused(q.state.error) ? TICKET_REFRESH_MS : false) : false,
  });
}

/** 我的工单, live like the board; under the ticket lists' key, so a step on any ticket refreshes it. */
export function useMyTickets(tab: MyTicketTab) {
  return useQuery({
    queryKey: [...queryKeys.ticketSearchAll, "mine", tab],
    queryFn: ({ signal }) => listMyTickets(tab, signal),
    staleTime: 0,
    refetchInterval: (q) => (unlessRefused(q.state.error) ? TICKET_REFRESH_MS : false),
  });
}

/** One ticket with its events and what the viewer may do; asked again every 15 s while shown. */
export function useTicket(id: number | undefined) {
  return useQuery({
    queryKey: queryKeys.ticket(id ?? 0),
    queryFn: ({ signal }) => getTicket(id as number, signal),
    enabled: validId(id),
    staleTime: 0,
    refetchInterval: (q) => (unlessRefused(q.state.error) ? TICKET_REFRESH_MS : false),
  });
}

/** After a ticket changed: keep the answer as its detail, and every list is out of date. */
function useTicketChanged() {
  const qc = useQueryClient();
  return (ticket: TicketDetailView | undefined, id: number) => {
    if (ticket) qc.setQueryData(queryKeys.ticket(ticket.id), ticket);
    else void qc.invalidateQueries({ queryKey: queryKeys.ticket(id) });
    return qc.invalidateQueries({ queryKey: queryKeys.ticketSearchAll });
  };
}

/**
 * Any step on a ticket. The answer is the ticket as it is now; a refusal (e.g. 409 TICKET_BAD_STATE: someone
 * else moved it meanwhile) fetches the ticket again so the buttons follow.
 */
export function useTicketAction(id: number) {
  const changed = useTicketChanged();
  return useMutation({
    mutationFn: ({ action, input }: { action: TicketAction; input: object }) => ticketAction(id, action, input),
    onSettled: (data) => changed(data, id),
  });
}

export function useCreateTicket() {
  const qc = useQueryClient();
  const changed = useTicketChanged();
  return useMutation({
    mutationFn: (input: StaffCreateTicketInput) => createTicket(input),
    onSuccess: (ticket) =>
      Promise.all([changed(ticket, ticket.id), qc.invalidateQueries({ queryKey: queryKeys.callsAll })]),
  });
}

export function useStations() {
  return useQuery({
    queryKey: queryKeys.stations,
    queryFn: ({ signal }) => listStations(signal),
    staleTime: 10 * 60 * 1000,
  });
}

/** 派单's technician choices for a station (only while the dispatch dialog is open). */
export function useTechnicians(stationId: number | undefined, enabled = true) {
  return useQuery({
    queryKey: ["technicians", stationId ?? null] as const,
    queryFn: ({ signal }) => listTechnicians(stationId, signal),
    staleTime: 60 * 1000,
    enabled,
  });
}

export function useCalls(p: CallSearchParams) {
  return useQuery({
    queryKey: queryKeys.calls(p),
    queryFn: ({ signal }) => listCalls(p, signal),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

export function useCreateCall() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateCallInput) => createCall(input),
    onSuccess: (call) =>
      Promise.all([
        qc.invalidateQueries({ queryKey: queryKeys.callsAll }),
        // a call attached to a ticket is an event on it
        call.ticketId ? qc.invalidateQueries({ queryKey: queryKeys.ticket(call.ticketId) }) : undefined,
      ]),
  });
}

export function useServiceRates(p: ServiceRatesParams, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: queryKeys.serviceRates(p),
    queryFn: ({ signal }) => getServiceRates(p, signal),
    placeholderData: keepPreviousData,
    staleTime: 0,
    enabled: options.enabled ?? true,
  });
}
