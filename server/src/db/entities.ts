import { OutboxJob } from "../jobs/entities";
import { Building, Community, HeatingAccount, HeatStation } from "../modules/accounts/entities";
import { StaffAlert } from "../modules/alerts/entities";
import { OutdoorReading } from "../modules/weather/entities";
import { AuditLog } from "../modules/audit/entities";
import { Bill, BillRun, BillWaiver, HeatingSeason, Tariff } from "../modules/billing/entities";
import { AuthSession } from "../modules/auth/entities";
import { Invoice, InvoiceTitle } from "../modules/invoices/entities";
import {
  CallLog,
  MessageDelivery,
  SubscribeConsent,
  Ticket,
  TicketEvent,
  TicketPhoto,
} from "../modules/tickets/entities";
import { Notification } from "../modules/notifications/entities";
import {
  LedgerEntry,
  PaymentAllocation,
  PaymentOrder,
  ReconItem,
  ReconRun,
  Refund,
  VendorNotificationLog,
} from "../modules/payments/entities";
import { AccountBinding, BindAttempt, ResidentUser } from "../modules/residents/entities";
import { StaffRoleGrant, StaffUser } from "../modules/staff/entities";

/** Every entity of the schema; migrations must create exactly these tables (checked by a test). */
export const ENTITIES = [
  HeatStation,
  Community,
  Building,
  HeatingAccount,
  ResidentUser,
  AccountBinding,
  BindAttempt,
  StaffUser,
  StaffRoleGrant,
  AuthSession,
  AuditLog,
  Notification,
  OutboxJob,
  HeatingSeason,
  Tariff,
  Bill,
  BillRun,
  BillWaiver,
  PaymentOrder,
  PaymentAllocation,
  LedgerEntry,
  VendorNotificationLog,
  Refund,
  ReconRun,
  ReconItem,
  InvoiceTitle,
  Invoice,
  Ticket,
  TicketEvent,
  TicketPhoto,
  CallLog,
  SubscribeConsent,
  MessageDelivery,
  StaffAlert,
  OutdoorReading,
];
