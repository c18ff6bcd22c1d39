import { z } from "zod";

/** 我的工单 tabs: open = assigned to me and not yet resolved; done = resolved or closed (the recent ones). */
export const MY_TICKET_TABS = ["open", "done"] as const;
export type MyTicketTab = (typeof MY_TICKET_TABS)[number];

/** 我的工单: the tickets dispatched to the signed-in staff member (technicianId = me). */
export const MyTicketQuerySchema = z.object({
  tab: z.enum(MY_TICKET_TABS, { message: "未知的工单分组" }).default("open"),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(50),
});
export type MyTicketQuery = z.infer<typeof MyTicketQuerySchema>;
