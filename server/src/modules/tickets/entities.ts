import type {
  IncidentGrade,
  TicketCategory,
  TicketChannel,
  TicketEventType,
  TicketPriority,
  TicketStatus,
} from "@warmline/shared";
import { Entity, Index } from "typeorm";
import { Bool, CreatedAt, IdColumn, Instant, Int, Json, Str, Text, UpdatedAt } from "../../db/columns";

/**
 * 工单 (诉求): a complaint or request from a resident (mini-program), a caller (hotline), a home visit or a
 * 12345 transfer. The row holds what the ticket is and where it stands; how it got there (and so its SLA
 * clocks) is the event log, from which the SLA columns below are recomputed after every event (they exist
 * for sorting and for the sweeper's queries only).
 */
@Entity("tickets")
@Index(["status", "slaNextDueAt"])
@Index(["buildingId", "createdAt"])
@Index(["stationId", "createdAt"])
@Index(["createdAt"])
export class Ticket {
  @IdColumn() id!: number;
  /** GD + Shanghai date + sequence-like random part, unique */
  @Index({ unique: true }) @Str(24, { name: "ticket_no" }) ticketNo!: string;
  @Str(16) category!: TicketCategory;
  @Str(16) channel!: TicketChannel;
  /** 12345 transfers: the county hotline's own order number */
  @Str(40, { name: "transfer_no", nullable: true }) transferNo!: string | null;
  @Index() @Int({ name: "resident_user_id", nullable: true }) residentUserId!: number | null;
  @Index() @Int({ name: "account_id", nullable: true }) accountId!: number | null;
  @Int({ name: "building_id", nullable: true }) buildingId!: number | null;
  @Int({ name: "community_id", nullable: true }) communityId!: number | null;
  @Int({ name: "station_id", nullable: true }) stationId!: number | null;
  @Str(200) address!: string;
  @Str(32, { name: "contact_name", nullable: true }) contactName!: string | null;
  /** hotline callers: encrypted phone and its blind index */
  @Str(255, { name: "caller_phone_enc", nullable: true }) callerPhoneEnc!: string | null;
  @Index() @Str(64, { name: "caller_phone_bidx", nullable: true }) callerPhoneBidx!: string | null;
  /** tenths of °C as reported, and the outdoor temperature at the time */
  @Int({ name: "indoor_temp_c10", nullable: true }) indoorTempC10!: number | null;
  @Int({ name: "outdoor_temp_c10", nullable: true }) outdoorTempC10!: number | null;
  @Text() description!: string;
  @Str(50, { name: "preferred_contact_time", nullable: true }) preferredContactTime!: string | null;
  @Index() @Str(16) status!: TicketStatus;
  @Str(8) priority!: TicketPriority;
  @Json({ name: "priority_reasons" }) priorityReasons!: string[];
  @Str(8, { default: "general" }) grade!: IncidentGrade;
  @Bool({ name: "suggest_incident", default: false }) suggestIncident!: boolean;
  /** the lead ticket when linked into one incident */
  @Index() @Int({ name: "incident_id", nullable: true }) incidentId!: number | null;
  @Int({ name: "dispatched_station_id", nullable: true }) dispatchedStationId!: number | null;
  @Str(40, { nullable: true }) crew!: string | null;
  /** 我的工单 (GET /staff/my-tickets) looks tickets up by it */
  @Index() @Int({ name: "technician_id", nullable: true }) technicianId!: number | null;
  @Int({ default: 0 }) cycle!: number;
  /** the last follow-up */
  @Bool({ nullable: true }) satisfied!: boolean | null;
  @Int({ nullable: true }) score!: number | null;
  // --- SLA snapshot (recomputed from events) ---
  @Instant({ name: "response_due_at", nullable: true }) responseDueAt!: Date | null;
  @Instant({ name: "resolution_due_at", nullable: true }) resolutionDueAt!: Date | null;
  @Instant({ name: "measurement_due_at", nullable: true }) measurementDueAt!: Date | null;
  /** the earliest due time of a running clock (null when none runs: paused or all met) */
  @Instant({ name: "sla_next_due_at", nullable: true }) slaNextDueAt!: Date | null;
  @Bool({ name: "sla_breached", default: false }) slaBreached!: boolean;
  @Instant({ name: "responded_at", nullable: true }) respondedAt!: Date | null;
  @Instant({ name: "resolved_at", nullable: true }) resolvedAt!: Date | null;
  @Instant({ name: "closed_at", nullable: true }) closedAt!: Date | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/**
 * One step of a ticket, with who and when. The log is append-only. Warnings and escalations carry a
 * unique key (ticket, cycle, clock, kind) so a timer that fires twice records them once.
 */
@Entity("ticket_events")
@Index(["ticketId", "at"])
export class TicketEvent {
  @IdColumn() id!: number;
  @Int({ name: "ticket_id" }) ticketId!: number;
  @Str(16) type!: TicketEventType;
  @Instant() at!: Date;
  @Int({ default: 0 }) cycle!: number;
  @Str(8, { name: "actor_kind" }) actorKind!: "resident" | "staff" | "system";
  @Int({ name: "actor_id", nullable: true }) actorId!: number | null;
  @Json({ nullable: true }) data!: Record<string, unknown> | null;
  /** set for events that must happen at most once (e.g. "warn:0:response") */
  @Index({ unique: true }) @Str(64, { name: "unique_key", nullable: true }) uniqueKey!: string | null;
  @CreatedAt() createdAt!: Date;
}

/**
 * An uploaded photo: stored through the storage interface first (owner = who uploaded it), then attached
 * to a ticket (and an event: a measurement, a resolution) when that is saved.
 */
@Entity("ticket_photos")
@Index(["ticketId"])
export class TicketPhoto {
  @IdColumn() id!: number;
  @Str(100, { name: "storage_key" }) storageKey!: string;
  @Str(32) mime!: string;
  @Int() size!: number;
  @Str(64) sha256!: string;
  @Str(8, { name: "owner_kind" }) ownerKind!: "resident" | "staff";
  @Int({ name: "owner_id" }) ownerId!: number;
  @Int({ name: "ticket_id", nullable: true }) ticketId!: number | null;
  @Int({ name: "event_id", nullable: true }) eventId!: number | null;
  @CreatedAt() createdAt!: Date;
}

/** 来电记录: every hotline call, with or without an account; a ticket may be opened from it or attached. */
@Entity("call_logs")
@Index(["calledAt"])
export class CallLog {
  @IdColumn() id!: number;
  @Int({ name: "agent_id" }) agentId!: number;
  @Str(255, { name: "caller_phone_enc" }) callerPhoneEnc!: string;
  @Index() @Str(64, { name: "caller_phone_bidx" }) callerPhoneBidx!: string;
  @Instant({ name: "called_at" }) calledAt!: Date;
  @Index() @Int({ name: "account_id", nullable: true }) accountId!: number | null;
  @Str(16) reason!: TicketCategory;
  @Text({ nullable: true }) notes!: string | null;
  @Index() @Int({ name: "ticket_id", nullable: true }) ticketId!: number | null;
  @CreatedAt() createdAt!: Date;
}

/** One-time subscribe-message consents left per resident and template (each message uses one). */
@Entity("subscribe_consents")
@Index(["residentUserId", "template"], { unique: true })
export class SubscribeConsent {
  @IdColumn() id!: number;
  @Int({ name: "resident_user_id" }) residentUserId!: number;
  @Str(32) template!: string;
  @Int({ default: 0 }) remaining!: number;
  @UpdatedAt() updatedAt!: Date;
}

/**
 * A message to a resident about a ticket: through the WeChat subscribe message, the Alipay message or, when
 * no consent is left (or those fail), SMS. The unique key (ticket, event) makes a retried job send once.
 */
@Entity("message_deliveries")
@Index(["residentUserId", "createdAt"])
export class MessageDelivery {
  @IdColumn() id!: number;
  @Index({ unique: true }) @Str(64, { name: "unique_key" }) uniqueKey!: string;
  @Int({ name: "resident_user_id", nullable: true }) residentUserId!: number | null;
  @Int({ name: "ticket_id", nullable: true }) ticketId!: number | null;
  @Str(32) template!: string;
  /** wechat_subscribe | alipay_message | sms | none */
  @Str(20) channel!: string;
  /** pending | sending (a run holds it, see SEND_LEASE_MS) | sent | failed | skipped */
  @Str(12) status!: string;
  @Json() payload!: Record<string, unknown>;
  @Str(200, { nullable: true }) error!: string | null;
  @Int({ default: 0 }) attempts!: number;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}
