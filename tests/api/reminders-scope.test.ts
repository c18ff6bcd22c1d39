import { shanghaiDate } from "@warmline/shared";
import { HeatingAccount } from "@warmline/server/src/modules/accounts";
import { createVisitTask } from "@warmline/server/src/modules/reminders";
import { createStaffUser } from "@warmline/server/src/modules/staff";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSmallCounty } from "../support/county";
import { type Json, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * A grid worker's reminder visit tasks and an account's 催缴记录 follow the visit assignments (staff ↔
 * community, reached through deps.ports.staffCommunities), not only the staff account's single community:
 * assigned communities are in, others answer like missing, and a grid worker assigned nowhere sees none.
 */

let srv: TestServer;
let sup: Awaited<ReturnType<typeof staffLogin>>;
let rows: HeatingAccount[];

beforeAll(async () => {
  srv = await startTestServer();
  await seedSmallCounty(srv.deps, 30);
  sup = await staffLogin(srv.url, "supervisor", DEMO_PASSWORD);
  rows = await srv.deps.ds.getRepository(HeatingAccount).find({ order: { id: "ASC" } });
}, 120_000);

afterAll(async () => {
  await srv?.close();
});

describe("grid-worker scope by visit assignments", () => {
  it("lists and completes tasks, and reads 催缴记录, of the assigned communities only", async () => {
    const ds = srv.deps.ds;
    const communities = [...new Set(rows.map((r) => r.communityId))];
    expect(communities.length).toBeGreaterThanOrEqual(2);
    const [assigned, other] = communities as [number, number];
    const inside = rows.find((r) => r.communityId === assigned) as HeatingAccount;
    const outside = rows.find((r) => r.communityId === other) as HeatingAccount;
    const today = shanghaiDate(new Date());
    const [t1, t2] = await ds.transaction(async (m) => [
      await createVisitTask(m, { accountId: inside.id, source: "manual", reason: "分工社区走访", dueDate: today }),
      await createVisitTask(m, { accountId: outside.id, source: "manual", reason: "他社区走访", dueDate: today }),
    ]);
    // a grid worker with no community on the staff account: the scope comes from the assignment alone
    const staff = await createStaffUser(ds, {
      username: "grid_assigned",
      displayName: "网格员乙",
      password: DEMO_PASSWORD,
      roles: ["grid_worker"],
      communityId: null,
    });
    const g = await staffLogin(srv.url, "grid_assigned", DEMO_PASSWORD);

    // assigned nowhere: nothing at all (not every community)
    const none = await g.api.get("/api/v1/staff/visit-tasks?status=open&pageSize=100");
    expect(none.status).toBe(200);
    expect(none.body.total).toBe(0);
    expect((await g.api.get(`/api/v1/staff/accounts/${inside.id}/reminders`)).status).toBe(404);

    const set = await sup.api.put(`/api/v1/staff/visit-assignments/${staff.id}`, { communityIds: [assigned] });
    expect(set.status).toBe(200);

    const list = await g.api.get("/api/v1/staff/visit-tasks?status=open&pageSize=100");
    const ids = list.body.items.map((x: Json) => x.id);
    expect(ids).toContain(t1?.id);
    expect(ids).not.toContain(t2?.id);
    expect(list.body.items.every((x: Json) => x.communityId === assigned)).toBe(true);

    // 催缴记录 and reminder state: the assigned community's account yes, another's answers like a missing one
    expect((await g.api.get(`/api/v1/staff/accounts/${inside.id}/reminders`)).status).toBe(200);
    expect((await g.api.get(`/api/v1/staff/accounts/${inside.id}/reminder-state`)).status).toBe(200);
    const foreignRead = await g.api.get(`/api/v1/staff/accounts/${outside.id}/reminders`);
    expect(foreignRead.status).toBe(404);
    expect(foreignRead.body.error.code).toBe("ACCOUNT_NOT_FOUND");
    expect((await g.api.get(`/api/v1/staff/accounts/${outside.id}/reminder-state`)).status).toBe(404);
    // a supervisor is not limited
    expect((await sup.api.get(`/api/v1/staff/accounts/${outside.id}/reminders`)).status).toBe(200);

    const foreign = await g.api.post(`/api/v1/staff/visit-tasks/${t2?.id}/done`, { note: "越权完成" });
    expect(foreign.status).toBe(404);
    const own = await g.api.post(`/api/v1/staff/visit-tasks/${t1?.id}/done`, { note: "已上门了解情况" });
    expect(own.status).toBe(200);
    expect(own.body.status).toBe("done");
  });
});
