/**
 * The demo's service desk: a season of tickets (15 Oct of the current season up to now) with their whole
 * event history, written directly as rows in bulk. Each ticket's history is simulated from creation to
 * close, then cut at `now`, so the last day's tickets stand in every state (new, responded, dispatched,
 * on site, waiting for the follow-up) and the SLA board has live items; a few are made late on purpose.
 * The ticket row is derived from its events the way the service desk derives it (status, cycle, last
 * follow-up, SLA snapshot from computeSla), so the report and the board agree with the log.
 */
import {
  normalizePhone,
  addDays,
  assessPriority,
  type BizDate,
  type ClockView,
  computeSla,
  DEFAULT_PRIORITY_RULES,
  DEFAULT_SLA_POLICY,
  daysBetween,
  type HardshipCategory,
  type IncidentGrade,
  indoorFloorC10,
  MEASUREMENT_METHOD_LABELS,
  type MeasurementMethod,
  type SlaEvent,
  type SlaPolicy,
  type StaffRole,
  seasonCalendar,
  seasonCodeFor,
  shanghaiDate,
  shanghaiMidnight,
  type TicketCategory,
  type TicketChannel,
  type TicketEventType,
  type TicketStatus,
} from "@warmline/shared";
import type { DataSource, EntityManager, EntityTarget } from "typeorm";
import { Building, HeatingAccount, HeatStation } from "../modules/accounts";
import { StaffUser } from "../modules/staff";
import { Ticket, TicketEvent } from "../modules/tickets";
import { OutdoorReading } from "../modules/weather";
import type { PiiVault } from "../lib/pii";
import { type Rng, rng } from "./random";

const MIN = 60_000;
const HOUR = 60 * MIN;

export interface SeedTicketsOptions {
  /** encrypts the tickets' 联系电话 (none are written without it) */
  vault?: PiiVault;
  /** the instant histories are cut at (default: now when `today` is today, else 16:00 of `today`) */
  now?: Date;
  seed?: number;
  policy?: SlaPolicy;
}

export interface SeedTicketsResult {
  tickets: number;
  events: number;
  open: number;
  from: BizDate;
  to: BizDate;
}

type ActorKind = "resident" | "staff" | "system";

interface SimEvent {
  type: TicketEventType;
  at: Date;
  cycle: number;
  actorKind: ActorKind;
  actorId: number | null;
  data: Record<string, unknown> | null;
}

interface AccountRow {
  id: number;
  buildingId: number | null;
  communityId: number;
  stationId: number | null;
  stationName: string | null;
  address: string;
  ownerName: string;
  hardship: HardshipCategory;
}

interface Plan {
  ticketNo: string;
  category: TicketCategory;
  channel: TicketChannel;
  createdAt: Date;
  account: AccountRow | null;
  address: string;
  contactName: string | null;
  transferNo: string | null;
  reportedC10: number | null;
  outdoorC10: number;
  description: string;
  preferredContactTime: string | null;
  events: SimEvent[];
  /** index (in the plan list) of the incident's lead ticket, for tickets linked into one incident */
  leadIndex: number | null;
  isLead: boolean;
  priority: ReturnType<typeof assessPriority>;
}

/** How the history of one ticket should go (drawn before it is simulated). */
interface Script {
  lateResponse: boolean;
  /** never responded (up to now): a live ticket left waiting */
  noResponse?: boolean;
  /** the first handling stops after this step (up to now): a live ticket stuck in that state */
  stopAfter?: "responded" | "dispatched" | "on_site";
  /** …and the clocks were paused there for this reason */
  pauseAtStop?: string;
  /** the handling (0 first, 1 after the first reopening) that stopAfter applies to */
  stopRound?: number;
  /** the resident rates the first handling unsatisfied in the mini-program soon after */
  unsatisfiedFirst?: boolean;
  /** paused right after creation (resident away), never resumed before now */
  pausedFromStart?: boolean;
  grade: IncidentGrade;
}

// --- vocabulary for the texts ---

const DESCRIPTIONS: Record<TicketCategory, string[]> = {
  cold_room: [
    "卧室温度只有{t}度，暖气片上热下凉，请派人来看看",
    "家里室温一直不达标，晚上特别冷，老人受不了",
    "客厅和卧室都不热，温度计显示{t}℃",
    "室内温度偏低，孩子感冒了，希望尽快处理",
  ],
  no_heat: [
    "暖气完全不热，摸着是凉的",
    "从昨晚开始暖气不热了，整栋楼好像都这样",
    "暖气片只有进水管热，片子是凉的",
    "今天早上起暖气就停了，请问是什么原因",
  ],
  leak: [
    "暖气片接口处漏水，地上已经积水了",
    "厨房暖气管道滴水，请尽快处理",
    "楼道暖气管漏水，影响邻居通行",
    "阀门处一直渗水，下面住户说天花板湿了",
  ],
  noise: ["暖气管道有很大的流水声，晚上睡不着", "暖气片里咕噜咕噜响，可能有空气", "夜里管道有敲击声，影响休息"],
  billing: [
    "本季供热费金额和面积对不上，请核实",
    "已经缴费了但账单还显示欠费",
    "申请了报停，为什么还收全额费用",
    "滞纳金是怎么算的，希望解释一下",
  ],
  inquiry: [
    "咨询本供热季开始和结束时间",
    "想问一下困难家庭缓缴怎么申请",
    "如何开具电子发票",
    "咨询暖气片改造是否需要报备",
    "新房入住，咨询如何开通供热",
  ],
  other: ["换热站附近有异味，请检查", "维修人员上门后墙面被弄脏，希望处理", "楼道暖气保温层破损，请修补"],
};

const RESOLUTIONS: Record<TicketCategory, string[]> = {
  cold_room: [
    "暖气片排气并调整单元平衡阀，复测室温达标",
    "清洗入户过滤器，调整楼栋供水量，室温回升",
    "更换失灵的温控阀，复测室温达标",
  ],
  no_heat: ["排除管道积气，恢复供热", "清理堵塞的入户过滤网，暖气恢复正常", "换热站循环泵故障已排除，楼栋恢复供热"],
  leak: ["更换暖气片接口密封垫，已无渗漏", "更换损坏的阀门，已关闭漏点并恢复供热", "管道漏点已焊补，清理积水"],
  noise: ["系统排气并调整流量，噪音消除", "加固松动的管卡，敲击声消除"],
  billing: ["核对面积与单价，已向居民解释清楚", "核实缴费记录，账单已更正", "报停基本费已按规定说明"],
  inquiry: ["已电话解答", "已告知办理流程和所需材料", "已告知在小程序中办理"],
  other: ["已现场处理", "已安排清理并向居民致歉"],
};

const UNSATISFIED = ["修完第二天又不热了", "上门太慢", "温度还是不够", "问题没有根本解决"];
const CONTACT_TIMES = ["工作日晚上6点后", "上午在家", "随时可以", "周末全天", "下午3点以后"];
const MEASURE_METHODS: MeasurementMethod[] = [
  "thermometer",
  "thermometer",
  "thermometer",
  "infrared",
  "infrared",
  "logger",
];

/** categories that need somebody on site */
const VISIT: ReadonlySet<TicketCategory> = new Set(["cold_room", "no_heat", "leak", "noise"]);

// --- weather and volume ---

/** Daily mean outdoor temperature (tenths of °C) of Minle: coldest mid-January, with cold waves. */
function weather(r: Rng, from: BizDate, to: BizDate): Map<BizDate, number> {
  const out = new Map<BizDate, number>();
  let noise = 0;
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const t = daysBetween("2000-01-15", d) % 365.25;
    const mean = 3 - 14 * Math.cos((2 * Math.PI * t) / 365.25);
    noise = 0.75 * noise + normal(r) * 2.5;
    out.set(d, Math.round((mean + noise) * 10));
  }
  return out;
}

/** roughly standard normal (Irwin–Hall with 4 uniforms) */
function normal(r: Rng): number {
  return (r.next() + r.next() + r.next() + r.next() - 2) * Math.sqrt(3);
}

function poisson(r: Rng, lambda: number): number {
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= r.next();
  } while (p > l);
  return k - 1;
}

function weighted<T>(r: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = r.next() * total;
  for (const [v, w] of items) {
    x -= w;
    if (x < 0) return v;
  }
  return items[items.length - 1][0];
}

function inSeason(policy: SlaPolicy, d: BizDate): boolean {
  const md = d.slice(5);
  const { start, end } = policy.season;
  return start <= end ? md >= start && md <= end : md >= start || md <= end;
}

/** Tickets a day per 1,000 accounts: 3 on a mild day up to 8 in a cold spell, more the first week. */
function dailyRate(meanC10: number, dayOfSeason: number, season: boolean): number {
  if (!season) return 0.4;
  const cold = Math.min(1, Math.max(0, (40 - meanC10) / 180));
  const startUp = dayOfSeason < 7 ? 2 : 0;
  return Math.min(8, 3 + 5 * cold + startUp);
}

function categoryFor(r: Rng, meanC10: number, season: boolean): TicketCategory {
  if (!season) {
    return weighted(r, [
      ["billing", 35],
      ["inquiry", 40],
      ["leak", 15],
      ["other", 10],
    ] as const);
  }
  const cold = meanC10 < -80 ? 10 : 0;
  return weighted(r, [
    ["cold_room", 40 + cold],
    ["no_heat", 16 + cold / 2],
    ["leak", 9],
    ["noise", 6],
    ["billing", 10],
    ["inquiry", 11],
    ["other", 2],
  ] as const);
}

function channelFor(r: Rng): TicketChannel {
  return weighted(r, [
    ["wechat", 45],
    ["hotline", 26],
    ["alipay", 14],
    ["12345", 9],
    ["visit", 6],
  ] as const);
}

/** minute of the Shanghai day a report comes in: mostly 07:00–22:00 */
function minuteOfDay(r: Rng, channel: TicketChannel): number {
  if (channel === "12345" || channel === "visit") return r.int(8 * 60 + 30, 17 * 60 + 30);
  if (r.chance(0.12)) return r.chance(0.5) ? r.int(22 * 60, 24 * 60 - 1) : r.int(0, 7 * 60 - 1);
  return weighted(r, [
    [r.int(7 * 60, 9 * 60 - 1), 22],
    [r.int(9 * 60, 12 * 60 - 1), 20],
    [r.int(12 * 60, 17 * 60 - 1), 23],
    [r.int(17 * 60, 22 * 60 - 1), 35],
  ] as const);
}

const ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

// --- the row derived from the events ---

/** The status a ticket's events lead to (the workflow of the service desk). */
export function statusFromEvents(events: readonly Pick<SimEvent, "type">[]): TicketStatus {
  let status: TicketStatus = "new";
  for (const e of events) {
    switch (e.type) {
      case "responded":
      case "dispatched":
      case "on_site":
      case "resolved":
      case "closed":
        status = e.type;
        break;
      case "reopened":
        status = "new";
        break;
      default:
        break;
    }
  }
  return status;
}

export interface SlaSnapshot {
  cycle: number;
  grade: IncidentGrade;
  responseDueAt: Date | null;
  resolutionDueAt: Date | null;
  measurementDueAt: Date | null;
  slaNextDueAt: Date | null;
  slaBreached: boolean;
  respondedAt: Date | null;
  resolvedAt: Date | null;
}

/** The SLA columns of a ticket from its events, as the service desk stores them after every event. */
export function slaSnapshot(
  category: TicketCategory,
  events: readonly SlaEvent[],
  closed: boolean,
  now: Date,
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
): SlaSnapshot {
  const s = computeSla(category, [...events], now, policy);
  const clocks = [s.response, s.resolution, s.measurement].filter((c): c is ClockView => c !== null);
  const running = closed ? [] : clocks.filter((c) => c.metAt === null && !c.paused && c.dueAt !== null);
  const next = running.map((c) => (c.dueAt as Date).getTime()).sort((a, b) => a - b)[0];
  return {
    cycle: s.cycle,
    grade: s.grade,
    responseDueAt: s.response.dueAt,
    resolutionDueAt: s.resolution.dueAt,
    measurementDueAt: s.measurement?.dueAt ?? null,
    slaNextDueAt: next === undefined ? null : new Date(next),
    slaBreached: clocks.some((c) => c.breached),
    respondedAt: s.response.metAt,
    resolvedAt: s.resolution.metAt,
  };
}

// --- simulation ---

interface Staff {
  agent: number | null;
  dispatcher: number | null;
  technician: number | null;
  grid: number | null;
}

/** a Shanghai clock time on or after t: the next moment between [fromH, toH) hours */
function nextDaytime(r: Rng, t: Date, fromH: number, toH: number): Date {
  const day = shanghaiDate(t);
  const startToday = shanghaiMidnight(day).getTime();
  const hour = (t.getTime() - startToday) / HOUR;
  if (hour >= fromH && hour < toH) return t;
  const base = hour < fromH ? startToday : shanghaiMidnight(addDays(day, 1)).getTime();
  return new Date(base + fromH * HOUR + r.int(0, 90) * MIN);
}

function simulate(r: Rng, p: Plan, script: Script, staff: Staff, stationName: string | null): SimEvent[] {
  const events: SimEvent[] = [];
  let cycle = 0;
  const push = (
    type: TicketEventType,
    at: Date,
    actorKind: ActorKind,
    actorId: number | null,
    data: SimEvent["data"],
  ) => events.push({ type, at, cycle, actorKind, actorId, data });
  const after = (t: Date, minMin: number, maxMin: number) =>
    new Date(t.getTime() + r.int(minMin, maxMin) * MIN + r.int(0, 59) * 1000);
  const created = p.createdAt;
  const creator: [ActorKind, number | null] =
    p.channel === "wechat" || p.channel === "alipay"
      ? ["resident", null]
      : p.channel === "visit"
        ? ["staff", staff.grid]
        : ["staff", staff.agent];
  push("created", created, creator[0], creator[1], {
    grade: "general",
    channel: p.channel,
    category: p.category,
    indoorTempC10: p.reportedC10,
    outdoorTempC10: p.outdoorC10,
    priority: p.priority.priority,
    reasons: p.priority.reasons,
  });
  if (script.pausedFromStart) {
    push("paused", after(created, 3, 12), "staff", staff.agent, { reason: "居民外出，约定回家后再联系" });
    return events;
  }
  if (script.noResponse) return events;
  const stopsAt = (step: Script["stopAfter"], round: number, at: Date) => {
    if (round !== (script.stopRound ?? 0) || script.stopAfter !== step) return false;
    if (script.pauseAtStop) push("paused", after(at, 2, 8), "staff", staff.agent, { reason: script.pauseAtStop });
    return true;
  };

  let t = created;
  for (let round = 0; round < 3; round++) {
    // first contact
    t = script.lateResponse && round === 0 ? after(t, 32, 140) : r.chance(0.75) ? after(t, 1, 9) : after(t, 10, 23);
    push("responded", t, "staff", staff.agent, { note: "已电话联系居民，了解情况并告知处理安排" });
    if (stopsAt("responded", round, t)) return events;
    if (round === 0 && p.leadIndex !== null) {
      push("linked", after(t, 1, 5), "staff", staff.dispatcher, { incidentId: null, leadTicketNo: null });
    }
    if (round === 0 && script.grade !== "general") {
      t = after(t, 1, 6);
      push("graded", t, "staff", staff.dispatcher, {
        grade: script.grade,
        reason: p.leadIndex !== null || p.isLead ? "同楼栋多户报修，按较大事故处理" : "漏水影响多户，提级处理",
      });
    }
    if (VISIT.has(p.category) || p.category === "other") {
      const hour = (t.getTime() - shanghaiMidnight(shanghaiDate(t)).getTime()) / HOUR;
      // a night report that is not urgent: visit agreed for the morning, the clocks wait for the resident
      if ((hour >= 22 || hour < 6.5) && p.category !== "no_heat" && p.category !== "leak" && r.chance(0.7)) {
        push("paused", after(t, 1, 4), "staff", staff.agent, { reason: "与居民约定次日上午上门" });
        t = nextDaytime(r, t, 8, 9);
        push("resumed", t, "staff", staff.dispatcher, { note: "按约定时间安排上门" });
      }
      t = after(t, 2, 8);
      push("dispatched", t, "staff", staff.dispatcher, {
        stationId: p.account?.stationId ?? null,
        stationName,
        crew: stationName ? `${stationName.replace("换热站", "")}维修班` : "维修一班",
        technicianId: staff.technician,
        note: null,
      });
      if (stopsAt("dispatched", round, t)) return events;
      // a resident who is not at home: the clocks wait
      if (r.chance(0.03)) {
        push("paused", after(t, 5, 15), "staff", staff.technician, { reason: "居民不在家，电话约定上门时间" });
        t = after(t, 90, 300);
        push("resumed", t, "staff", staff.technician, { note: "居民已回家，继续处理" });
      }
      t = after(t, 6, 20);
      push("on_site", t, "staff", staff.technician, { note: null });
      if (stopsAt("on_site", round, t)) return events;
      if (p.category === "cold_room" || (p.category === "no_heat" && r.chance(0.5))) {
        t = after(t, 2, 6);
        const floor = indoorFloorC10(p.outdoorC10);
        const reading =
          p.category === "no_heat" ? r.int(120, 175) : r.chance(0.72) ? floor - r.int(4, 40) : floor + r.int(0, 15);
        const method = r.pick(MEASURE_METHODS);
        const readingOutdoor = p.outdoorC10 + r.int(-15, 15);
        push("measured", t, "staff", staff.technician, {
          indoorTempC10: reading,
          outdoorTempC10: readingOutdoor,
          method,
          methodLabel: MEASUREMENT_METHOD_LABELS[method],
          note: reading < floor ? "室温低于标准" : "室温达标，向居民解释室温标准",
        });
        // a cold room is resolved only once it is warm again (shared/tickets/coldRoom.ts): a reading below the
        // floor (the reading's own outdoor value decides it) is followed by a warm one after the repair
        const ownFloor = indoorFloorC10(readingOutdoor);
        if (p.category === "cold_room" && reading < ownFloor) {
          t = new Date(t.getTime() + 3 * MIN);
          push("measured", t, "staff", staff.technician, {
            indoorTempC10: ownFloor + 6,
            outdoorTempC10: readingOutdoor,
            method,
            methodLabel: MEASUREMENT_METHOD_LABELS[method],
            note: "维修后复测，室温达标",
          });
        }
      }
      t = p.category === "leak" ? after(t, 10, 35) : after(t, 4, 15);
    } else {
      t = after(t, 4, 28);
    }
    push("resolved", t, "staff", VISIT.has(p.category) ? staff.technician : staff.agent, {
      note: r.pick(RESOLUTIONS[p.category]),
    });
    // follow-up: the resident rates it in the mini-program, or a follow-up call in the daytime
    const early = script.unsatisfiedFirst === true && round === 0;
    const inApp = early || ((p.channel === "wechat" || p.channel === "alipay") && r.chance(0.4));
    t = early ? after(t, 40, 90) : inApp ? after(t, 20, 16 * 60) : nextDaytime(r, after(t, 60, 26 * 60), 9, 20);
    const satisfied = !early && (round === 2 || r.chance(round === 0 ? 0.95 : 0.9));
    const score = satisfied ? r.int(4, 5) : r.int(1, 2);
    const data = {
      satisfied,
      score,
      comment: satisfied ? (r.chance(0.2) ? "处理及时，谢谢" : null) : r.pick(UNSATISFIED),
    };
    const who: [ActorKind, number | null] = inApp ? ["resident", null] : ["staff", staff.agent];
    push("followed_up", t, who[0], who[1], data);
    if (satisfied) {
      push("closed", t, who[0], who[1], null);
      return events;
    }
    cycle += 1;
    push("reopened", t, who[0], who[1], { reason: data.comment ?? "回访不满意" });
  }
  return events;
}

/** Tickets of the current season up to today (see the top of this file). Returns what it wrote. */
export async function seedDemoTickets(
  ds: DataSource,
  today: BizDate = shanghaiDate(new Date()),
  opts: SeedTicketsOptions = {},
): Promise<SeedTicketsResult> {
  const policy = opts.policy ?? DEFAULT_SLA_POLICY;
  const realNow = new Date();
  const now =
    opts.now ?? (shanghaiDate(realNow) === today ? realNow : new Date(shanghaiMidnight(today).getTime() + 16 * HOUR));
  const r = rng(opts.seed ?? 20261015);
  const from = seasonCalendar(seasonCodeFor(today)).startDate;
  const accounts = await loadAccounts(ds);
  if (accounts.length === 0 || today < from) return { tickets: 0, events: 0, open: 0, from, to: today };
  const staff = await loadStaff(ds);
  const existing = new Set(
    (
      (await ds
        .getRepository(Ticket)
        .createQueryBuilder("t")
        .select("t.ticket_no", "no")
        .where("t.created_at >= :from", { from: shanghaiMidnight(from) })
        .getRawMany()) as { no: string }[]
    ).map((x) => x.no),
  );
  const newNo = (at: Date) => {
    const d = shanghaiDate(at).replace(/-/g, "");
    for (;;) {
      let s = "";
      for (let i = 0; i < 4; i++) s += ALPHABET[r.int(0, ALPHABET.length - 1)];
      const no = `GD${d}${s}`;
      if (!existing.has(no)) {
        existing.add(no);
        return no;
      }
    }
  };
  const temps = weather(r, from, today);
  const scale = accounts.length / 1000;

  // 1. when, what, from whom
  type Draft = Omit<Plan, "ticketNo" | "events" | "priority" | "isLead"> & { script: Script; clusterId: number | null };
  const drafts: Draft[] = [];
  const dayMs = (d: BizDate, minute: number) =>
    new Date(shanghaiMidnight(d).getTime() + minute * MIN + r.int(0, 59) * 1000);
  const outdoorAt = (d: BizDate, at: Date) => {
    const hour = (at.getTime() - shanghaiMidnight(d).getTime()) / HOUR;
    return Math.round((temps.get(d) ?? 0) + 40 * Math.cos((2 * Math.PI * (hour - 14)) / 24));
  };
  let clusters = 0;
  for (let d = from; d <= today; d = addDays(d, 1)) {
    const mean = temps.get(d) ?? 0;
    const season = inSeason(policy, d);
    const n = poisson(r, dailyRate(mean, daysBetween(from, d), season) * scale);
    for (let i = 0; i < n; i++) {
      const channel = channelFor(r);
      const createdAt = dayMs(d, minuteOfDay(r, channel));
      const category = categoryFor(r, mean, season);
      drafts.push(draft(r, d, createdAt, category, channel, accounts, outdoorAt(d, createdAt)));
    }
    // a building without heat in a cold spell: several reports within two hours, linked into one incident
    if (season && mean < -60 && r.chance(0.3)) {
      const account = r.pick(accounts);
      const neighbours = accounts.filter((a) => a.buildingId !== null && a.buildingId === account.buildingId);
      const start = dayMs(d, r.int(6 * 60, 20 * 60));
      const size = Math.min(neighbours.length, r.int(3, 5));
      clusters++;
      for (let k = 0; k < size; k++) {
        const at = new Date(start.getTime() + k * r.int(5, 25) * MIN);
        const category = k === 0 ? "no_heat" : r.pick(["no_heat", "cold_room"] as const);
        const x = draft(r, d, at, category, channelFor(r), accounts, outdoorAt(d, at), neighbours[k]);
        x.clusterId = clusters;
        x.script.grade = "major";
        drafts.push(x);
      }
    }
  }
  // live items for the SLA board (only reports from before now are kept)
  const forced = (ago: number, category: TicketCategory, channel: TicketChannel, script: Partial<Script>) => {
    const at = new Date(now.getTime() - ago);
    const d = shanghaiDate(at);
    if (d < from) return;
    const x = draft(r, d, at, category, channel, accounts, outdoorAt(d, at));
    Object.assign(x.script, script);
    drafts.push(x);
  };
  forced(50 * MIN, "cold_room", "hotline", { noResponse: true });
  forced(95 * MIN, "no_heat", "wechat", { noResponse: true });
  forced(2 * HOUR, "noise", "wechat", { stopAfter: "responded", pauseAtStop: "居民要求晚上下班后再上门" });
  forced(3 * HOUR, "no_heat", "wechat", { stopAfter: "dispatched" });
  forced(4 * HOUR, "leak", "12345", { stopAfter: "on_site" });
  forced(6 * HOUR, "cold_room", "hotline", { stopAfter: "dispatched" });
  forced(20 * HOUR, "cold_room", "alipay", { pausedFromStart: true });
  forced(30 * HOUR, "cold_room", "wechat", { unsatisfiedFirst: true, stopAfter: "dispatched", stopRound: 1 });
  forced(27 * HOUR, "cold_room", "hotline", { pausedFromStart: true });

  const kept = drafts
    .filter((x) => x.createdAt.getTime() < now.getTime())
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());

  // 2. priorities (reports from the same building in the window) and incidents
  const windowMs = DEFAULT_PRIORITY_RULES.clusterWindowMinutes * MIN;
  const recentByBuilding = new Map<number, number[]>();
  const leadOfCluster = new Map<number, number>();
  const plans: Plan[] = kept.map((x, i) => {
    let buildingReports = 1;
    const b = x.account?.buildingId ?? null;
    if (b !== null) {
      const times = (recentByBuilding.get(b) ?? []).filter((t) => t >= x.createdAt.getTime() - windowMs);
      buildingReports = times.length + 1;
      times.push(x.createdAt.getTime());
      recentByBuilding.set(b, times);
    }
    let leadIndex: number | null = null;
    let isLead = false;
    if (x.clusterId !== null) {
      const lead = leadOfCluster.get(x.clusterId);
      if (lead === undefined) {
        leadOfCluster.set(x.clusterId, i);
        isLead = true;
      } else leadIndex = lead;
    }
    const priority = assessPriority({
      category: x.category,
      indoorC10: x.reportedC10,
      outdoorC10: x.outdoorC10,
      vulnerable: x.account !== null && x.account.hardship !== "none",
      buildingReports,
    });
    return { ...x, ticketNo: newNo(x.createdAt), events: [], priority, leadIndex, isLead };
  });

  // 3. histories, cut at now
  plans.forEach((p, i) => {
    // in time order (stable: a follow-up and the close or reopening it causes share an instant)
    const all = simulate(r, p, kept[i].script, staff, p.account?.stationName ?? null).sort(
      (a, b) => a.at.getTime() - b.at.getTime(),
    );
    p.events = all.filter((e) => e.at.getTime() <= now.getTime());
  });
  // an incident's lead stays unlinked when nobody linked anything to it before now
  for (const p of plans) {
    if (p.isLead)
      p.isLead = plans.some(
        (q) => q.leadIndex !== null && plans[q.leadIndex] === p && q.events.some((e) => e.type === "linked"),
      );
  }

  // 4. rows
  const ticketRows = plans.map((p) => ticketRow(p, now, policy, opts.vault));
  let events = 0;
  let open = 0;
  await ds.transaction(async (m) => {
    const ids: number[] = [];
    for (let i = 0; i < ticketRows.length; i += 200) {
      const chunk = ticketRows.slice(i, i + 200);
      await bulkInsert(m, Ticket, chunk);
      const got = (await m
        .getRepository(Ticket)
        .createQueryBuilder("t")
        .select("t.id", "id")
        .addSelect("t.ticket_no", "no")
        .where("t.ticket_no IN (:...nos)", { nos: chunk.map((t) => t.ticketNo) })
        .getRawMany()) as { id: number | string; no: string }[];
      const byNo = new Map(got.map((g) => [g.no, Number(g.id)]));
      for (const t of chunk) ids.push(byNo.get(t.ticketNo as string) as number);
    }
    // incidents: the lead and the tickets linked to it carry the lead's id
    const incidents = new Map<number, number[]>();
    plans.forEach((p, i) => {
      const linked = p.leadIndex !== null && p.events.some((e) => e.type === "linked");
      if (!linked && !p.isLead) return;
      const leadId = ids[p.leadIndex ?? i];
      incidents.set(leadId, [...(incidents.get(leadId) ?? []), ids[i]]);
    });
    for (const [leadId, members] of incidents) {
      await m
        .getRepository(Ticket)
        .createQueryBuilder()
        .update()
        .set({ incidentId: leadId, suggestIncident: false })
        .where("id IN (:...ids)", { ids: members })
        .execute();
    }
    const eventRows: Partial<TicketEvent>[] = [];
    plans.forEach((p, i) => {
      if (p.events[p.events.length - 1]?.type !== "closed") open++;
      for (const e of p.events) {
        const data =
          e.type === "linked" && p.leadIndex !== null
            ? { incidentId: ids[p.leadIndex], leadTicketNo: plans[p.leadIndex].ticketNo }
            : e.data;
        eventRows.push({
          ticketId: ids[i],
          type: e.type,
          at: e.at,
          cycle: e.cycle,
          actorKind: e.actorKind,
          actorId: e.actorId,
          data,
          uniqueKey: null,
          createdAt: e.at,
        });
      }
    });
    events = eventRows.length;
    for (let i = 0; i < eventRows.length; i += 1000) await bulkInsert(m, TicketEvent, eventRows.slice(i, i + 1000));
    // the heat source plant's hourly outdoor log for the last week, from the same weather the tickets saw
    const readings: Record<string, unknown>[] = [];
    const lastHour = Math.floor(now.getTime() / HOUR) * HOUR;
    for (let t = lastHour - 7 * 24 * HOUR; t <= lastHour; t += HOUR) {
      const at = new Date(t);
      const d = shanghaiDate(at);
      if (d < from) continue;
      readings.push({
        at,
        tempC10: outdoorAt(d, at),
        stationId: null,
        source: "sensor",
        recordedBy: null,
        createdAt: at,
      });
    }
    if (readings.length) await bulkInsert(m, OutdoorReading, readings);
  });
  return { tickets: plans.length, events, open, from, to: today };
}

/**
 * One multi-row INSERT of plain rows (the same columns in each), with values converted the way TypeORM
 * stores them on both drivers (instants as UTC "YYYY-MM-DD HH:MM:SS.sss", JSON as text, booleans as 0/1).
 * TypeORM's insert builder spends seconds escaping a season's ~20k rows; this takes a fraction of that.
 */
async function bulkInsert<T extends object>(m: EntityManager, entity: EntityTarget<T>, rows: Partial<T>[]) {
  if (rows.length === 0) return;
  const meta = m.connection.getMetadata(entity);
  const first = rows[0] as Record<string, unknown>;
  const columns = meta.columns.filter((c) => first[c.propertyName] !== undefined);
  const esc = (name: string) => m.connection.driver.escape(name);
  const convert = (type: unknown, v: unknown) => {
    if (v === null || v === undefined) return null;
    if (type === "simple-json") return JSON.stringify(v);
    if (v instanceof Date) return v.toISOString().replace("T", " ").replace("Z", "");
    if (typeof v === "boolean") return v ? 1 : 0;
    return v;
  };
  const params: unknown[] = [];
  for (const row of rows as Record<string, unknown>[]) {
    for (const c of columns) params.push(convert(c.type, row[c.propertyName]));
  }
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  await m.query(
    `INSERT INTO ${esc(meta.tableName)} (${columns.map((c) => esc(c.databaseName)).join(", ")}) VALUES ${rows
      .map(() => tuple)
      .join(", ")}`,
    params,
  );
}

function draft(
  r: Rng,
  d: BizDate,
  createdAt: Date,
  category: TicketCategory,
  channel: TicketChannel,
  accounts: AccountRow[],
  outdoorC10: number,
  fixedAccount?: AccountRow,
) {
  // a few callers and 12345 transfers cannot be matched to an account: a free address, no station
  const unmatched = !fixedAccount && (channel === "hotline" || channel === "12345") && r.chance(0.05);
  const account = fixedAccount ?? (unmatched ? null : r.pick(accounts));
  const reportedC10 =
    category === "cold_room" && r.chance(0.75)
      ? r.chance(0.85)
        ? r.int(163, 196)
        : r.int(140, 162)
      : category === "no_heat" && r.chance(0.4)
        ? r.int(110, 160)
        : null;
  const description = r
    .pick(DESCRIPTIONS[category])
    .replace("{t}", reportedC10 === null ? "17" : (reportedC10 / 10).toFixed(1).replace(/\.0$/, ""));
  const staffChannel = channel === "hotline" || channel === "12345" || channel === "visit";
  return {
    category,
    channel,
    createdAt,
    account,
    address: account?.address ?? `民乐县洪水镇${r.pick(["南街", "北街", "新华路", "民悦路"])}${r.int(1, 200)}号`,
    contactName: staffChannel ? (account?.ownerName ?? "来电居民") : null,
    transferNo: channel === "12345" ? `ZY${d.replace(/-/g, "")}${String(r.int(0, 99_999)).padStart(5, "0")}` : null,
    reportedC10,
    outdoorC10,
    description,
    preferredContactTime: r.chance(0.3) ? r.pick(CONTACT_TIMES) : null,
    leadIndex: null,
    clusterId: null as number | null,
    script: {
      lateResponse: r.chance(0.03),
      grade: category === "leak" && r.chance(0.15) ? "major" : "general",
    } as Script,
  };
}

/** A demo 联系电话 for a ticket (a 139 mobile from its number, so the RNG's sequence is untouched). */
export function demoContactPhone(ticketNo: string): string {
  let h = 7;
  for (const ch of ticketNo) h = (h * 31 + ch.charCodeAt(0)) % 100_000_000;
  return `139${String(h).padStart(8, "0")}`;
}

function ticketRow(p: Plan, now: Date, policy: SlaPolicy, vault?: PiiVault): Partial<Ticket> {
  const phone = vault ? demoContactPhone(p.ticketNo) : null;
  const status = statusFromEvents(p.events);
  const closed = status === "closed";
  const snap = slaSnapshot(p.category, p.events, closed, now, policy);
  const lastFollowUp = [...p.events].reverse().find((e) => e.type === "followed_up");
  const lastClosed = closed ? [...p.events].reverse().find((e) => e.type === "closed") : undefined;
  const dispatched = [...p.events].reverse().find((e) => e.type === "dispatched");
  const last = p.events[p.events.length - 1];
  return {
    ticketNo: p.ticketNo,
    category: p.category,
    channel: p.channel,
    transferNo: p.transferNo,
    residentUserId: null,
    accountId: p.account?.id ?? null,
    buildingId: p.account?.buildingId ?? null,
    communityId: p.account?.communityId ?? null,
    stationId: p.account?.stationId ?? null,
    address: p.address,
    contactName: p.contactName,
    callerPhoneEnc: phone && vault ? vault.encrypt(phone) : null,
    callerPhoneBidx: phone && vault ? vault.blindIndex("phone", normalizePhone(phone)) : null,
    indoorTempC10: p.reportedC10,
    outdoorTempC10: p.outdoorC10,
    description: p.description,
    preferredContactTime: p.preferredContactTime,
    status,
    priority: p.priority.priority,
    priorityReasons: p.priority.reasons,
    grade: snap.grade,
    suggestIncident: p.priority.suggestIncident,
    incidentId: null,
    dispatchedStationId: dispatched ? ((dispatched.data?.stationId as number | null) ?? null) : null,
    crew: dispatched ? ((dispatched.data?.crew as string | null) ?? null) : null,
    technicianId: dispatched ? ((dispatched.data?.technicianId as number | null) ?? null) : null,
    cycle: snap.cycle,
    satisfied: lastFollowUp ? lastFollowUp.data?.satisfied === true : null,
    score: lastFollowUp ? ((lastFollowUp.data?.score as number) ?? null) : null,
    responseDueAt: snap.responseDueAt,
    resolutionDueAt: snap.resolutionDueAt,
    measurementDueAt: snap.measurementDueAt,
    slaNextDueAt: snap.slaNextDueAt,
    slaBreached: snap.slaBreached,
    respondedAt: snap.respondedAt,
    resolvedAt: snap.resolvedAt,
    closedAt: lastClosed?.at ?? null,
    createdAt: p.createdAt,
    updatedAt: last?.at ?? p.createdAt,
  };
}

async function loadAccounts(ds: DataSource): Promise<AccountRow[]> {
  const rows = (await ds
    .getRepository(HeatingAccount)
    .createQueryBuilder("a")
    .leftJoin(Building, "b", "b.id = a.building_id")
    .leftJoin(HeatStation, "s", "s.id = b.station_id")
    .select("a.id", "id")
    .addSelect("a.building_id", "buildingId")
    .addSelect("a.community_id", "communityId")
    .addSelect("b.station_id", "stationId")
    .addSelect("s.name", "stationName")
    .addSelect("a.address", "address")
    .addSelect("a.owner_name", "ownerName")
    .addSelect("a.hardship_category", "hardship")
    .where("a.status != :closed", { closed: "closed" })
    .orderBy("a.id")
    .getRawMany()) as Record<string, unknown>[];
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((x) => ({
    id: Number(x.id),
    buildingId: num(x.buildingId),
    communityId: Number(x.communityId),
    stationId: num(x.stationId),
    stationName: (x.stationName as string | null) ?? null,
    address: String(x.address),
    ownerName: String(x.ownerName),
    hardship: x.hardship as HardshipCategory,
  }));
}

async function loadStaff(ds: DataSource): Promise<Staff> {
  const roles: StaffRole[] = ["hotline_agent", "dispatcher", "technician", "grid_worker"];
  const users = await ds
    .getRepository(StaffUser)
    .createQueryBuilder("u")
    .select(["u.id", "u.username"])
    .where("u.username IN (:...roles)", { roles })
    .getMany();
  const id = (name: string) => users.find((u) => u.username === name)?.id ?? null;
  return {
    agent: id("hotline_agent"),
    dispatcher: id("dispatcher"),
    technician: id("technician"),
    grid: id("grid_worker"),
  };
}
