import { type CallView, type CreateCallInput, maskPhone, normalizePhone } from "@warmline/shared";
import { In } from "typeorm";
import type { Deps } from "../../deps";
import { AppError } from "../../http/errors";
import { HeatingAccount } from "../accounts";
import { StaffUser } from "../staff";
import { CallLog, Ticket, TicketEvent } from "./entities";

async function present(deps: Deps, calls: CallLog[]): Promise<CallView[]> {
  const { ds, vault } = deps;
  const accountIds = [...new Set(calls.map((c) => c.accountId).filter((x): x is number => x !== null))];
  const accounts = new Map(
    (accountIds.length ? await ds.getRepository(HeatingAccount).findBy({ id: In(accountIds) }) : []).map((a) => [
      a.id,
      a,
    ]),
  );
  const agentIds = [...new Set(calls.map((c) => c.agentId))];
  const agents = new Map(
    (agentIds.length ? await ds.getRepository(StaffUser).findBy({ id: In(agentIds) }) : []).map((s) => [s.id, s]),
  );
  return calls.map((c) => ({
    id: c.id,
    callerPhone: maskPhone(vault.decrypt(c.callerPhoneEnc)) ?? "",
    calledAt: c.calledAt.toISOString(),
    accountId: c.accountId,
    accountNo: c.accountId ? (accounts.get(c.accountId)?.accountNo ?? null) : null,
    reason: c.reason,
    notes: c.notes,
    ticketId: c.ticketId,
    agentName: agents.get(c.agentId)?.displayName ?? "",
  }));
}

/** 来电登记: every call is logged, with or without an account; optionally attached to an open ticket. */
export async function createCall(deps: Deps, agentId: number, input: CreateCallInput): Promise<CallView> {
  const { ds, vault } = deps;
  const call = await ds.transaction(async (m) => {
    if (input.accountId && !(await m.getRepository(HeatingAccount).existsBy({ id: input.accountId })))
      throw new AppError("ACCOUNT_NOT_FOUND");
    const now = new Date();
    let ticket: Ticket | null = null;
    if (input.ticketId) {
      ticket = await m.getRepository(Ticket).findOneBy({ id: input.ticketId });
      if (!ticket) throw new AppError("TICKET_NOT_FOUND");
    }
    const row = await m.getRepository(CallLog).save(
      m.getRepository(CallLog).create({
        agentId,
        callerPhoneEnc: vault.encrypt(input.callerPhone),
        callerPhoneBidx: vault.blindIndex("phone", normalizePhone(input.callerPhone)) as string,
        calledAt: input.calledAt ? new Date(input.calledAt) : now,
        accountId: input.accountId ?? ticket?.accountId ?? null,
        reason: input.reason,
        notes: input.notes ?? null,
        ticketId: ticket?.id ?? null,
      }),
    );
    if (ticket) {
      await m.getRepository(TicketEvent).insert({
        ticketId: ticket.id,
        type: "call_attached",
        at: now,
        cycle: ticket.cycle,
        actorKind: "staff",
        actorId: agentId,
        data: { callLogId: row.id, notes: input.notes ?? null } as never,
        uniqueKey: null,
      });
    }
    return row;
  });
  return (await present(deps, [call]))[0] as CallView;
}

export async function listCalls(deps: Deps, q: { q?: string; page: number; pageSize: number }) {
  const { ds, vault } = deps;
  const qb = ds.getRepository(CallLog).createQueryBuilder("c");
  if (q.q) {
    const account = await ds.getRepository(HeatingAccount).findOneBy({ accountNo: q.q });
    const digits = q.q.replace(/\D/g, "");
    qb.where("(c.caller_phone_bidx = :bidx OR c.account_id = :accountId)", {
      bidx: digits ? vault.blindIndex("phone", normalizePhone(digits)) : "-",
      accountId: account?.id ?? 0,
    });
  }
  const [rows, total] = await qb
    .orderBy("c.called_at", "DESC")
    .addOrderBy("c.id", "DESC")
    .skip((q.page - 1) * q.pageSize)
    .take(q.pageSize)
    .getManyAndCount();
  return { items: await present(deps, rows), total, page: q.page, pageSize: q.pageSize };
}
