import { type DataSource, In, LessThan, LessThanOrEqual } from "typeorm";
import { OutboxJob } from "./entities";

/** Claim due pending rows for dispatch. Each claim is a conditional update, so two relays never both win a row. */
export async function claimDue(ds: DataSource, limit: number): Promise<OutboxJob[]> {
  if (limit <= 0) return [];
  const repo = ds.getRepository(OutboxJob);
  const due = await repo.find({
    where: { status: "pending", availableAt: LessThanOrEqual(new Date()) },
    order: { id: "ASC" },
    take: limit,
  });
  const claimed: OutboxJob[] = [];
  for (const row of due) {
    const now = new Date();
    const res = await repo
      .createQueryBuilder()
      .update()
      .set({ status: "dispatched", dispatchedAt: now })
      .where("id = :id AND status = 'pending'", { id: row.id })
      .execute();
    if (res.affected === 1) claimed.push(Object.assign(row, { status: "dispatched", dispatchedAt: now }));
  }
  return claimed;
}

/** Dispatched rows whose lease ran out (the runner or the queue may have lost them). */
export async function expiredLeases(ds: DataSource, leaseMs: number, limit = 100): Promise<OutboxJob[]> {
  return ds.getRepository(OutboxJob).find({
    where: { status: "dispatched", dispatchedAt: LessThan(new Date(Date.now() - leaseMs)) },
    order: { id: "ASC" },
    take: limit,
  });
}

/** Put dispatched rows back to pending (only if nobody finished or re-claimed them meanwhile). */
export async function releaseToPending(ds: DataSource, rows: OutboxJob[]): Promise<number> {
  let n = 0;
  for (const row of rows) {
    const res = await ds
      .getRepository(OutboxJob)
      .createQueryBuilder()
      .update()
      .set({ status: "pending", availableAt: new Date() })
      .where("id = :id AND status = 'dispatched' AND dispatched_at = :at", { id: row.id, at: row.dispatchedAt })
      .execute();
    n += res.affected ?? 0;
  }
  return n;
}

/** Extend the lease of rows the queue still holds. */
export async function renewLeases(ds: DataSource, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await ds.getRepository(OutboxJob).update({ id: In(ids), status: "dispatched" }, { dispatchedAt: new Date() });
}

export async function pendingCount(ds: DataSource): Promise<number> {
  return ds.getRepository(OutboxJob).count({ where: { status: In(["pending", "dispatched"]) } });
}
