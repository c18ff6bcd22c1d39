import type { DataSource } from "typeorm";
import { describe, expect, it } from "vitest";
import { AccessLayer, type PolicyTable } from "./access";
import { AppError } from "./errors";

declare module "./access" {
  interface PermissionMap {
    "test.thing": true;
    "test.staffless": true;
  }
}

/** resident 7 owns things 1 and 2; things 1–5 exist */
const table: PolicyTable = {
  "test.thing": {
    notFound: "TICKET_NOT_FOUND",
    async resident(_ds, actor, ids) {
      return ids.filter((id) => actor.id === 7 && (id === 1 || id === 2));
    },
    async staff(_ds, _actor, ids) {
      return ids.filter((id) => id <= 5);
    },
  },
  "test.staffless": {
    notFound: "ACCOUNT_NOT_FOUND",
    async resident(_ds, _actor, ids) {
      return ids;
    },
  },
};
const access = new AccessLayer({} as DataSource, [table]);
const resident = (id: number) => ({ kind: "resident" as const, id });
const staff = { kind: "staff" as const, id: 1, roles: ["dispatcher" as const] };

async function codeOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (err) {
    return err instanceof AppError ? err.code : `not an AppError: ${String(err)}`;
  }
}

describe("access layer", () => {
  it("lets an owner through, one id or several", async () => {
    expect(await codeOf(access.require(resident(7), "test.thing", 1))).toBeNull();
    expect(await codeOf(access.require(resident(7), "test.thing", [2, 1, 2]))).toBeNull();
  });

  it("answers a foreign id exactly like a missing one: the permission's 404", async () => {
    const foreign = await codeOf(access.require(resident(8), "test.thing", 1));
    const missing = await codeOf(access.require(resident(7), "test.thing", 999));
    expect(foreign).toBe("TICKET_NOT_FOUND");
    expect(missing).toBe(foreign);
    // one foreign id among owned ones refuses the whole request
    expect(await codeOf(access.require(resident(7), "test.thing", [1, 3]))).toBe("TICKET_NOT_FOUND");
  });

  it("refuses ids that cannot exist without asking the policy", async () => {
    for (const id of [0, -1, 1.5, Number.NaN, 2 ** 60]) {
      expect(await codeOf(access.require(resident(7), "test.thing", id))).toBe("TICKET_NOT_FOUND");
    }
  });

  it("staff pass where the policy says the ids exist; a kind without a policy is refused with the 404", async () => {
    expect(await codeOf(access.require(staff, "test.thing", [1, 5]))).toBeNull();
    expect(await codeOf(access.require(staff, "test.thing", 6))).toBe("TICKET_NOT_FOUND");
    expect(await codeOf(access.require(staff, "test.staffless", 1))).toBe("ACCOUNT_NOT_FOUND");
  });

  it("needs a signed-in actor, and refuses a permission no module declared, or one declared twice", async () => {
    expect(await codeOf(access.require(undefined, "test.thing", 1))).toBe("UNAUTHENTICATED");
    await expect(access.require(resident(7), "no.such" as "test.thing", 1)).rejects.toThrow(/no access policy/);
    expect(() => new AccessLayer({} as DataSource, [table, { "test.thing": table["test.thing"] }])).toThrow(/twice/);
  });

  it("an empty id list asks nothing", async () => {
    expect(await codeOf(access.require(resident(8), "test.thing", []))).toBeNull();
  });
});
