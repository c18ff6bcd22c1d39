/**
 * Service-level tests without Redis or HTTP: the real dependencies (createDeps, migrations and all) on a fresh
 * embedded SQLite file in a temporary directory, with in-process jobs and the vendor sandboxes, and a small
 * seeded county (one station, community, building and account, a resident bound to it, a staff user).
 *
 *   let env: SqliteDeps;
 *   beforeAll(async () => { env = await sqliteDeps(); });
 *   afterAll(() => env?.close());
 *
 * One database per test file (created in beforeAll) keeps a file fast; tests in it should not depend on each
 * other's rows (make a ticket, a bill… of their own). Jobs are not started unless asked: their outbox rows
 * stay pending for the test to look at, or to run with `env.deps.jobs.start()`.
 */
import "reflect-metadata";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { normalizePhone, STAFF_ROLES, type StaffRole } from "@warmline/shared";
import { closeDeps, createDeps } from "../bootstrap";
import { loadConfig } from "../config";
import type { Deps } from "../deps";
import { AccountBinding, Building, Community, HeatingAccount, HeatStation } from "../modules/accounts";
import { ResidentUser } from "../modules/residents";
import { createStaffUser, StaffRoleGrant, StaffUser } from "../modules/staff";

export interface SqliteDepsOptions {
  /** environment overrides, as the server reads them (e.g. `SLA_CATEGORY_RESOLUTION_MINUTES`) */
  env?: Record<string, string>;
  /** the roles of the seeded staff user (default: every role) */
  staffRoles?: readonly StaffRole[];
  /** a password for the staff user (hashed: slower); without one the user cannot sign in */
  staffPassword?: string;
  /** start the in-process job runner now (default: no, outbox rows stay pending) */
  startJobs?: boolean;
}

/** The seeded rows. The phone of the account (and of the caller, where a test needs one) is `phone`. */
export interface SmallCounty {
  station: HeatStation;
  community: Community;
  building: Building;
  account: HeatingAccount;
  /** a WeChat resident with an active binding to `account` */
  resident: ResidentUser;
  staff: StaffUser;
  phone: string;
}

export interface SqliteDeps {
  deps: Deps;
  county: SmallCounty;
  /** the temporary DATA_DIR (the SQLite file, uploads, sandbox keys); removed by close() */
  dataDir: string;
  close(): Promise<void>;
}

const PHONE = "13800001111";

export async function sqliteDeps(opts: SqliteDepsOptions = {}): Promise<SqliteDeps> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-unit-"));
  const config = loadConfig({
    NODE_ENV: "test",
    // the development defaults (public development keys, sandboxes allowed), as the test servers run
    WARMLINE_DEV: "true",
    LOG_LEVEL: "silent",
    DB_DRIVER: "sqlite",
    DATA_DIR: dataDir,
    JOBS_MODE: "inprocess",
    OUTBOX_POLL_MS: "50",
    SANDBOX_VENDORS: "true",
    SERVE_CLIENTS: "false",
    ...opts.env,
  });
  let deps: Deps | undefined;
  try {
    deps = await createDeps(config, { migrate: true });
    const county = await seedSmallCounty(deps, opts);
    if (opts.startJobs) await deps.jobs.start();
    const ready = deps;
    return {
      deps: ready,
      county,
      dataDir,
      async close() {
        await closeDeps(ready);
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (deps) await closeDeps(deps);
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

async function seedSmallCounty(deps: Deps, opts: SqliteDepsOptions): Promise<SmallCounty> {
  const { ds, vault } = deps;
  const station = await ds.getRepository(HeatStation).save({ code: "HS01", name: "城东换热站", address: null });
  const community = await ds
    .getRepository(Community)
    .save({ code: "C001", name: "金山花园", district: "城关镇", address: "民乐县城关镇新华路 8 号" });
  const building = await ds
    .getRepository(Building)
    .save({ communityId: community.id, stationId: station.id, name: "3号楼", floors: 6 });
  const account = await ds.getRepository(HeatingAccount).save({
    accountNo: "1000000001",
    communityId: community.id,
    buildingId: building.id,
    unit: "3",
    room: "502",
    address: "民乐县城关镇新华路 8 号 3 单元 502",
    heatedArea: 8850,
    category: "residential",
    ownerName: "王建国",
    phoneEnc: vault.encrypt(PHONE),
    phoneBidx: vault.blindIndex("phone", normalizePhone(PHONE)),
    idNumberEnc: null,
    idNumberBidx: null,
    hardshipCategory: "none",
    status: "active",
  });
  const resident = await ds.getRepository(ResidentUser).save({
    wechatOpenid: "o-unit-test-resident",
    wechatUnionid: null,
    alipayUserId: null,
    provider: "wechat",
    nickname: "测试居民",
    status: "active",
    lastLoginAt: null,
  });
  await ds.getRepository(AccountBinding).insert({
    residentUserId: resident.id,
    accountId: account.id,
    factor: "owner_name",
    activeFlag: true,
    unboundAt: null,
  });
  const roles = [...(opts.staffRoles ?? STAFF_ROLES)];
  const staff = opts.staffPassword
    ? await createStaffUser(ds, { username: "unit", displayName: "测试员", password: opts.staffPassword, roles })
    : await ds.transaction(async (m) => {
        const user = await m.getRepository(StaffUser).save({
          username: "unit",
          displayName: "测试员",
          passwordHash: "!", // no password: this user cannot sign in
          status: "active" as const,
          failedLogins: 0,
          lockedUntil: null,
          communityId: null,
          stationId: null,
          lastLoginAt: null,
        });
        for (const role of roles) await m.getRepository(StaffRoleGrant).insert({ staffUserId: user.id, role });
        return user;
      });
  return { station, community, building, account, resident, staff, phone: PHONE };
}
