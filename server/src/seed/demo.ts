import {
  type AccountCategory,
  type AccountStatus,
  type HardshipCategory,
  normalizeIdNumber,
  normalizePhone,
  STAFF_ROLE_LABELS,
  STAFF_ROLES,
  type StaffRole,
} from "@warmline/shared";
import type { DataSource } from "typeorm";
import type { Deps } from "../deps";
import { logger } from "../lib/logger";
import type { PiiVault } from "../lib/pii";
import { Building, Community, HeatingAccount, HeatStation } from "../modules/accounts";
import { StaffUser, createStaffUser } from "../modules/staff";
import { StaffCommunityAssignment } from "../modules/visits";
import { seedDemoBilling } from "./demoBilling";
import { seedDemoHardship } from "./demoHardship";
import { seedDemoTickets } from "./demoTickets";
import { COMMUNITIES, COUNTY_CODE, DISTRICTS, GIVEN, STATIONS, SURNAMES } from "./names";
import { idCheckChar, type Rng, rng } from "./random";

export const DEMO_PASSWORD = "Warmline@2026";
const STAFF_NAMES: Record<StaffRole, string> = {
  hotline_agent: "张敏",
  dispatcher: "李强",
  technician: "王师傅",
  grid_worker: "赵丽",
  community_reviewer: "刘芳",
  center_reviewer: "陈建华",
  cashier: "杨静",
  legal_officer: "周律",
  supervisor: "吴主任",
  admin: "管理员",
};

/** Demo households with fixed details, so the README and tests can bind them. */
export const DEMO_HOUSEHOLDS = [
  { ownerName: "王建国", phone: "13893641234", idNumber: "620722196505120315" },
  { ownerName: "李秀英", phone: "13909365678", idNumber: "620722195808032422" },
  { ownerName: "马福禄", phone: "18993629876", idNumber: "620722197711250537" },
];

export interface SeedOptions {
  accounts: number;
  seed?: number;
  /** also create one staff user per role */
  staff?: boolean;
}

function personName(r: Rng): string {
  const given = r.chance(0.7) ? `${r.pick(GIVEN)}${r.pick(GIVEN)}` : r.pick(GIVEN);
  return `${r.pick(SURNAMES)}${given}`;
}

function phoneNumber(r: Rng): string {
  const prefix = r.pick(["138", "139", "136", "158", "159", "177", "180", "181", "189", "199", "133", "153"]);
  return `${prefix}${String(r.int(0, 99_999_999)).padStart(8, "0")}`;
}

function idNumber(r: Rng): string {
  const year = r.int(1935, 2002);
  const month = String(r.int(1, 12)).padStart(2, "0");
  const day = String(r.int(1, 28)).padStart(2, "0");
  const seq = String(r.int(0, 999)).padStart(3, "0");
  const first17 = `${COUNTY_CODE}${year}${month}${day}${seq}`;
  return first17 + idCheckChar(first17);
}

function category(r: Rng, floor: number): AccountCategory {
  if (floor === 1 && r.chance(0.25)) return "non_residential";
  if (r.chance(0.008)) return "public_institution";
  return "residential";
}

function hardship(r: Rng): HardshipCategory {
  const x = r.next();
  if (x < 0.04) return "dibao";
  if (x < 0.055) return "disabled";
  if (x < 0.06) return "tekun";
  if (x < 0.07) return "elderly_alone";
  if (x < 0.075) return "other";
  return "none";
}

function status(r: Rng): AccountStatus {
  const x = r.next();
  if (x < 0.03) return "suspended";
  if (x < 0.035) return "closed";
  return "active";
}

function area(r: Rng, cat: AccountCategory): number {
  // hundredths of m²
  if (cat === "non_residential") return r.int(3_000, 40_000);
  if (cat === "public_institution") return r.int(20_000, 150_000);
  const base = r.pick([6_000, 7_500, 8_900, 9_600, 10_800, 12_000, 13_500]);
  return base + r.int(-800, 1_500);
}

/**
 * Builds a county: stations, communities, buildings and accounts in realistic proportions.
 * Idempotent at the top: does nothing if communities exist.
 */
export async function seedCounty(ds: DataSource, vault: PiiVault, opts: SeedOptions): Promise<{ accounts: number }> {
  const r = rng(opts.seed ?? 20251015);
  const communityCount = Math.min(COMMUNITIES.length, Math.max(6, Math.ceil(opts.accounts / 60)));
  const stations = await ds.getRepository(HeatStation).save(
    STATIONS.map((name, i) => ({
      code: `HS${String(i + 1).padStart(2, "0")}`,
      name,
      address: `民乐县洪水镇${name.replace("换热站", "")}路`,
    })),
  );
  const perCommunity = Math.ceil(opts.accounts / communityCount);
  const scale = Math.max(1, Math.ceil(opts.accounts / (COMMUNITIES.length * 60)));
  let made = 0;
  let household = 0;
  for (let ci = 0; ci < communityCount && made < opts.accounts; ci++) {
    const baseName = COMMUNITIES[ci % COMMUNITIES.length];
    const name = ci < COMMUNITIES.length ? baseName : `${baseName}${Math.floor(ci / COMMUNITIES.length) + 1}期`;
    const code = String(101 + ci).padStart(3, "0");
    const community = await ds.getRepository(Community).save({
      code,
      name,
      district: DISTRICTS[ci % DISTRICTS.length],
      address: `民乐县洪水镇${name}`,
    });
    const units = scale > 1 ? 6 : 2;
    const floors = r.pick([5, 6, 6, 7]);
    const roomsPerFloor = 2;
    const perBuilding = units * floors * roomsPerFloor;
    const buildingCount = Math.max(1, Math.ceil(perCommunity / perBuilding));
    const rows: Partial<HeatingAccount>[] = [];
    for (let bi = 1; bi <= buildingCount; bi++) {
      const building = await ds.getRepository(Building).save({
        communityId: community.id,
        stationId: stations[(ci + bi) % stations.length].id,
        name: `${bi}号楼`,
        floors,
      });
      for (let u = 1; u <= units; u++) {
        for (let f = 1; f <= floors; f++) {
          for (let room = 1; room <= roomsPerFloor; room++) {
            if (made + rows.length >= opts.accounts || rows.length >= perCommunity) break;
            const fixed = household < DEMO_HOUSEHOLDS.length ? DEMO_HOUSEHOLDS[household] : null;
            household++;
            const cat = fixed ? "residential" : category(r, f);
            const phone = fixed?.phone ?? (r.chance(0.97) ? phoneNumber(r) : null);
            const idNo = fixed?.idNumber ?? (r.chance(0.95) ? idNumber(r) : null);
            const roomNo = `${f}${String(room).padStart(2, "0")}`;
            rows.push({
              accountNo: `${code}${String(bi).padStart(2, "0")}${u}${String(f).padStart(2, "0")}${String(room).padStart(2, "0")}`,
              communityId: community.id,
              buildingId: building.id,
              unit: `${u}单元`,
              room: roomNo,
              address: `民乐县洪水镇${name}${bi}号楼${u}单元${roomNo}室`,
              heatedArea: area(r, cat),
              category: cat,
              ownerName: fixed?.ownerName ?? personName(r),
              phoneEnc: vault.encrypt(phone),
              phoneBidx: vault.blindIndex("phone", phone ? normalizePhone(phone) : null),
              idNumberEnc: vault.encrypt(idNo),
              idNumberBidx: vault.blindIndex("idNumber", idNo ? normalizeIdNumber(idNo) : null),
              hardshipCategory: fixed ? "none" : hardship(r),
              status: fixed ? "active" : status(r),
            });
          }
        }
      }
    }
    for (let i = 0; i < rows.length; i += 500) {
      await ds.getRepository(HeatingAccount).insert(rows.slice(i, i + 500));
    }
    made += rows.length;
  }
  if (opts.staff !== false) await seedStaff(ds);
  return { accounts: made };
}

/**
 * The demo grid worker covers the first two communities (走访分工), so their visit list, visit tasks and
 * special-group list have households in them; a supervisor can change it on the 走访分工 page.
 */
async function seedDemoAssignments(ds: DataSource): Promise<void> {
  const grid = await ds.getRepository(StaffUser).findOneBy({ username: "grid_worker" });
  if (!grid) return;
  const communities = await ds.getRepository(Community).find({ order: { id: "ASC" }, take: 2 });
  await ds
    .getRepository(StaffCommunityAssignment)
    .insert(communities.map((c) => ({ staffId: grid.id, communityId: c.id, validFrom: "2025-10-01", validTo: null })));
}

export async function seedStaff(ds: DataSource): Promise<void> {
  for (const role of STAFF_ROLES) {
    if (await ds.getRepository(StaffUser).existsBy({ username: role })) continue;
    await createStaffUser(ds, {
      username: role,
      displayName: `${STAFF_ROLE_LABELS[role]}·${STAFF_NAMES[role]}`,
      password: DEMO_PASSWORD,
      roles: [role],
    });
  }
}

export async function seedDemoIfEmpty(deps: Deps, accounts = 2000): Promise<boolean> {
  if ((await deps.ds.getRepository(Community).count()) > 0) return false;
  const t0 = Date.now();
  const res = await seedCounty(deps.ds, deps.vault, { accounts });
  await seedDemoBilling(deps.ds);
  await seedDemoTickets(deps.ds, undefined, { policy: deps.config.sla, vault: deps.vault });
  await seedDemoHardship(deps);
  await seedDemoAssignments(deps.ds);
  logger.info({ accounts: res.accounts, ms: Date.now() - t0 }, "demo county seeded");
  return true;
}

/** What to print at start: where to sign in and with what. */
export async function demoBanner(ds: DataSource): Promise<string> {
  const first = await ds.getRepository(HeatingAccount).find({ order: { id: "ASC" }, take: DEMO_HOUSEHOLDS.length });
  const lines = [
    "演示账号 / demo log-ins",
    `  管理台工作人员：用户名为角色代码，密码均为 ${DEMO_PASSWORD}`,
    ...STAFF_ROLES.map((r) => `    ${r.padEnd(19)} ${STAFF_ROLE_LABELS[r]}`),
    "  居民端：在沙箱登录页输入任意名字登录，然后用以下户号绑定：",
    ...first.map(
      (a, i) => `    户号 ${a.accountNo}  户主 ${a.ownerName}  手机尾号 ${DEMO_HOUSEHOLDS[i].phone.slice(-4)}`,
    ),
  ];
  return lines.join("\n");
}
