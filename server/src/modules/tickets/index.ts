import type { WarmlineModule } from "../../module";
import { CallLog, MessageDelivery, SubscribeConsent, Ticket, TicketEvent, TicketPhoto } from "./entities";
import { photoCleanupJob, schedulePhotoCleanup } from "./photoCleanup";
import { mountPhotoRoutes, PHOTO_FILE, PHOTO_UPLOAD_PATHS } from "./photos";
import { ticketPolicies } from "./policies";
import { ticketRoutes } from "./routes";
import { scheduleSlaSweep, slaSweepJob, slaTimerJob } from "./sla";

export { ticketAlertSubjects } from "./alertSubjects";
export { CallLog, MessageDelivery, SubscribeConsent, Ticket, TicketEvent, TicketPhoto } from "./entities";
export { cleanUnclaimedPhotos, photoCleanupJob, UNCLAIMED_PHOTO_TTL_MS } from "./photoCleanup";
export { claimPhotos, photoFile, photoViews } from "./photos";
export { presentTickets } from "./present";
export { createTicket, createTicketIn } from "./service";
export { sweepSla } from "./sla";

export const TICKET_JOBS = ["tickets.sla_timer", "tickets.sla_sweep", "tickets.photo_cleanup"] as const;
declare module "../../jobs/names" {
  interface JobNameMap extends Record<(typeof TICKET_JOBS)[number], true> {}
}

export const ticketsModule: WarmlineModule = {
  name: "tickets",
  entities: [Ticket, TicketEvent, TicketPhoto, CallLog, SubscribeConsent, MessageDelivery],
  routes: ticketRoutes,
  mount: mountPhotoRoutes,
  streamedBodyPaths: [...PHOTO_UPLOAD_PATHS],
  jobs: (deps) => [slaTimerJob(deps), slaSweepJob(deps), photoCleanupJob(deps)],
  jobNames: TICKET_JOBS,
  policies: ticketPolicies,
  fileKinds: [PHOTO_FILE],
  async start(deps) {
    await scheduleSlaSweep(deps.ds.manager);
    await schedulePhotoCleanup(deps.ds.manager);
  },
};
