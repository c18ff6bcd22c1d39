import {
  CallPageSchema,
  CallQuerySchema,
  CallSchema,
  ContactPhoneRevealSchema,
  CreateCallSchema,
  CreateTicketSchema,
  FollowUpSchema,
  HOTLINE_ROLES,
  IdParamSchema,
  MY_TICKETS_ROLES,
  MyTicketQuerySchema,
  DISPATCH_ROLES,
  TechnicianListSchema,
  TechnicianQuerySchema,
  StaffCreateTicketSchema,
  TICKET_BOARD_ROLES,
  TICKET_DESK_ROLES,
  TicketDetailSchema,
  type TicketEventType,
  TicketListSchema,
  TicketPageSchema,
  TicketQuerySchema,
} from "@warmline/shared";
import type { Context } from "koa";
import { z } from "zod";
import type { Deps } from "../../deps";
import { residentId, staffAuth } from "../../http/auth";
import { route } from "../../http/route";
import { HeatStation } from "../accounts";
import { ResidentUser } from "../residents";
import { ACTION_LIST, type AnyTicketAction, type TicketAction, type TicketActionDef } from "./actions";
import { createCall, listCalls } from "./calls";
import { revealContactPhone } from "./contactPhone";
import { confirmRestored } from "./coldRoom";
import { presentTicketDetail, presentTickets, withContactPhones } from "./present";
import { listTechnicians, myTickets, searchTickets } from "./query";
import { performAction, residentCreateTicket, residentRate, staffCreateTicket } from "./service";
import { Ticket } from "./entities";
import { AppError } from "../../http/errors";

const ACTION_BY_VERB = new Map<string, AnyTicketAction>(ACTION_LIST.map((a) => [a.verb, a]));

/** Which actions this staff user's roles allow (the ticket's state is checked by the service). */
function canDo(ctx: Context) {
  const roles = staffAuth(ctx).roles;
  return (a: string) => (ACTION_BY_VERB.get(a)?.roles ?? []).some((r) => roles.includes(r));
}

async function staffDetail(deps: Deps, ctx: Context, id: number) {
  const t = await deps.ds.getRepository(Ticket).findOneBy({ id });
  if (!t) throw new AppError("TICKET_NOT_FOUND");
  return presentTicketDetail(deps, t, { kind: "staff", actions: canDo(ctx) });
}

export function ticketRoutes(deps: Deps) {
  const { ds } = deps;
  /** POST /staff/tickets/:id/<path>: one step of the workflow, from its definition in actions/ */
  const actionRoute = <I, E extends TicketEventType>(action: TicketActionDef<TicketAction, I, E>) =>
    route({
      method: "post",
      path: `/staff/tickets/:id/${action.path}`,
      summary: action.summary,
      tags: ["tickets"],
      auth: "staff",
      roles: action.roles,
      params: IdParamSchema,
      body: action.input,
      response: TicketDetailSchema,
      errors: [400, 404, 409],
      async handler({ params, body: input }, ctx) {
        await performAction(deps, { kind: "staff", id: staffAuth(ctx).id }, params.id, action, input);
        return staffDetail(deps, ctx, params.id);
      },
    });
  return [
    // --- resident ---
    route({
      method: "post",
      path: "/me/tickets",
      summary: "报修/反映问题（30分钟内响应）",
      tags: ["resident"],
      auth: "resident",
      body: CreateTicketSchema,
      response: TicketDetailSchema,
      status: 201,
      errors: [400, 404],
      async handler({ body }, ctx) {
        const rid = residentId(ctx);
        await deps.access.require(ctx.state.auth, "account.read", body.accountId);
        const resident = await ds.getRepository(ResidentUser).findOneByOrFail({ id: rid });
        const channel = resident.wechatOpenid ? "wechat" : "alipay";
        const t = await residentCreateTicket(deps, rid, channel, body);
        return presentTicketDetail(deps, t, { kind: "resident" });
      },
    }),
    route({
      method: "get",
      path: "/me/tickets",
      summary: "我的工单",
      tags: ["resident"],
      auth: "resident",
      response: TicketListSchema,
      async handler(_input, ctx) {
        const rows = await ds
          .getRepository(Ticket)
          .find({ where: { residentUserId: residentId(ctx) }, order: { id: "DESC" }, take: 100 });
        return withContactPhones(deps, { items: await presentTickets(ds, rows, deps.config.sla) });
      },
    }),
    route({
      method: "get",
      path: "/me/tickets/:id",
      summary: "工单详情与进度",
      tags: ["resident"],
      auth: "resident",
      params: IdParamSchema,
      response: TicketDetailSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await deps.access.require(ctx.state.auth, "ticket.read", params.id);
        const ticket = await ds.getRepository(Ticket).findOneByOrFail({ id: params.id });
        return presentTicketDetail(deps, ticket, { kind: "resident" });
      },
    }),
    route({
      method: "post",
      path: "/me/tickets/:id/rate",
      summary: "评价（不满意将重新处理）",
      tags: ["resident"],
      auth: "resident",
      params: IdParamSchema,
      body: FollowUpSchema,
      response: TicketDetailSchema,
      errors: [400, 404, 409],
      async handler({ params, body }, ctx) {
        const t = await residentRate(deps, residentId(ctx), params.id, body);
        return presentTicketDetail(deps, t, { kind: "resident" });
      },
    }),
    route({
      method: "post",
      path: "/me/tickets/:id/confirm-restored",
      summary: "确认室温已恢复正常（室温不达标工单）",
      tags: ["resident"],
      auth: "resident",
      params: IdParamSchema,
      response: TicketDetailSchema,
      errors: [404, 409],
      async handler({ params }, ctx) {
        const rid = residentId(ctx);
        await deps.access.require(ctx.state.auth, "ticket.read", params.id);
        const t = await confirmRestored(ds, { kind: "resident", id: rid }, params.id);
        return presentTicketDetail(deps, t, { kind: "resident" });
      },
    }),
    // --- staff ---
    route({
      method: "post",
      path: "/staff/tickets/:id/contact-phone",
      summary: "查看工单联系电话（完整号码，每次查看记入审计日志）",
      tags: ["tickets"],
      auth: "staff",
      roles: TICKET_DESK_ROLES,
      params: IdParamSchema,
      response: ContactPhoneRevealSchema,
      errors: [403, 404],
      async handler({ params }, ctx) {
        return revealContactPhone(deps, ctx, params.id);
      },
    }),
    route({
      method: "get",
      path: "/staff/tickets",
      summary: "工单查询与 SLA 看板（按剩余时间排序）",
      tags: ["tickets"],
      auth: "staff",
      roles: TICKET_BOARD_ROLES,
      query: TicketQuerySchema,
      response: TicketPageSchema,
      async handler({ query }) {
        return withContactPhones(deps, await searchTickets(deps, query));
      },
    }),
    route({
      method: "get",
      path: "/staff/my-tickets",
      summary: "我的工单（派给本人的工单，按到期时间排序）",
      tags: ["tickets"],
      auth: "staff",
      roles: MY_TICKETS_ROLES,
      query: MyTicketQuerySchema,
      response: TicketPageSchema,
      async handler({ query }, ctx) {
        return withContactPhones(deps, await myTickets(deps, staffAuth(ctx).id, query));
      },
    }),
    route({
      method: "post",
      path: "/staff/tickets",
      summary: "为来电、走访或12345转办新建工单",
      tags: ["tickets"],
      auth: "staff",
      roles: HOTLINE_ROLES,
      body: StaffCreateTicketSchema,
      response: TicketDetailSchema,
      status: 201,
      errors: [400, 404],
      async handler({ body }, ctx) {
        const t = await staffCreateTicket(deps, staffAuth(ctx).id, body);
        return staffDetail(deps, ctx, t.id);
      },
    }),
    route({
      method: "get",
      path: "/staff/tickets/:id",
      summary: "工单详情",
      tags: ["tickets"],
      auth: "staff",
      roles: TICKET_DESK_ROLES,
      params: IdParamSchema,
      response: TicketDetailSchema,
      errors: [404],
      async handler({ params }, ctx) {
        return staffDetail(deps, ctx, params.id);
      },
    }),
    ...ACTION_LIST.map(actionRoute),
    route({
      method: "get",
      path: "/staff/stations",
      summary: "换热站",
      tags: ["tickets"],
      auth: "staff",
      response: z.object({ items: z.array(z.object({ id: z.number().int(), name: z.string() })) }),
      async handler() {
        const rows = await ds.getRepository(HeatStation).find({ order: { code: "ASC" } });
        return { items: rows.map((s) => ({ id: s.id, name: s.name })) };
      },
    }),
    route({
      method: "get",
      path: "/staff/technicians",
      summary: "可派单的维修人员（在岗、具维修人员角色；可按换热站筛选）",
      tags: ["tickets"],
      auth: "staff",
      roles: DISPATCH_ROLES,
      query: TechnicianQuerySchema,
      response: TechnicianListSchema,
      async handler({ query }) {
        return { items: await listTechnicians(deps, query) };
      },
    }),
    route({
      method: "post",
      path: "/staff/calls",
      summary: "登记来电（可关联已有工单）",
      tags: ["tickets"],
      auth: "staff",
      roles: HOTLINE_ROLES,
      body: CreateCallSchema,
      response: CallSchema,
      status: 201,
      errors: [400, 404],
      async handler({ body }, ctx) {
        return createCall(deps, staffAuth(ctx).id, body);
      },
    }),
    route({
      method: "get",
      path: "/staff/calls",
      summary: "来电记录",
      tags: ["tickets"],
      auth: "staff",
      roles: HOTLINE_ROLES,
      query: CallQuerySchema,
      response: CallPageSchema,
      async handler({ query }) {
        return listCalls(deps, query);
      },
    }),
  ];
}
