import type {
  BillView,
  CallView,
  ClockViewDto,
  ServiceRateRow,
  SlaView,
  TicketDetailView,
  TicketSummaryView,
  InvoiceDetailView,
  InvoiceItem,
  InvoiceTitleView,
  InvoiceView,
  PaymentView,
  Staff,
  StaffAccount,
} from "@warmline/shared";
import { sessionTokens } from "../api/tokens";
import { json } from "./fakeFetch";
import type { createFakeFetch } from "./fakeFetch";

export const account: StaffAccount = {
  id: 42,
  accountNo: "1000234567",
  address: "民乐县城关镇新华路 8 号 3 单元 502",
  communityId: 3,
  communityName: "新华小区",
  buildingId: 11,
  buildingName: "8 号楼",
  stationId: 2,
  stationName: "城东换热站",
  heatedArea: 86.5,
  category: "residential",
  status: "active",
  ownerNameMasked: "王*国",
  phoneMasked: "138********",
  idNumberMasked: "620***************",
  hardshipCategory: "dibao",
  specialGroups: [],
  bindingCount: 1,
  updatedAt: "2025-11-27T07:22:01.000Z",
};

export function staffWith(...roles: Staff["roles"]): Staff {
  return { id: 7, username: "liu", displayName: "刘敏", roles };
}

/** A signed-in session whose /staff/me answers with the given staff member. */
export function signedInAs(fake: ReturnType<typeof createFakeFetch>, staff: Staff) {
  sessionTokens.set({ accessToken: "A", refreshToken: "R" });
  fake.on("GET /api/v1/staff/me", json(200, staff));
}

/** A bill as GET /staff/accounts/:id/bills sends it; override what a test needs. */
export function bill(over: Partial<BillView> & Pick<BillView, "id" | "seasonCode">): BillView {
  return {
    accountId: 42,
    category: "residential",
    heatedArea: 86.5,
    unitPriceFen: 2500,
    suspended: false,
    amountFen: 216250,
    paidFen: 0,
    waivedFen: 0,
    lateFeeFen: 0,
    lateFeePaidFen: 0,
    lateFeeWaivedFen: 0,
    lateFeeExempt: false,
    reliefReason: null,
    owedFen: 216250,
    dueDate: "2025-10-14",
    overdueDays: 0,
    status: "unpaid",
    asOf: "2026-01-10",
    ...over,
  };
}

/** Two open bills: last season's arrears with a late fee, and this season's. */
export const openBills: BillView[] = [
  bill({
    id: 501,
    seasonCode: "2024-2025",
    amountFen: 200000,
    paidFen: 50000,
    lateFeeFen: 12345,
    owedFen: 162345,
    dueDate: "2024-10-14",
    overdueDays: 453,
    status: "partial",
  }),
  bill({ id: 502, seasonCode: "2025-2026", owedFen: 216250, overdueDays: 88, lateFeeFen: 0 }),
];

export function payment(over: Partial<PaymentView> = {}): PaymentView {
  return {
    id: 900,
    outTradeNo: "WL20260110153000123456",
    accountId: 42,
    accountNo: "1000234567",
    payee: "民乐县城区集中供热中心",
    channel: "cash",
    amountFen: 378595,
    refundedFen: 0,
    status: "paid",
    receiptNo: "SJ-0001",
    transactionId: null,
    paidAt: "2026-01-10T07:30:00.000Z",
    createdAt: "2026-01-10T07:30:00.000Z",
    flagged: false,
    flagReason: null,
    unappliedFen: 0,
    allocations: [
      { billId: 501, seasonCode: "2024-2025", principalFen: 150000, lateFeeFen: 12345 },
      { billId: 502, seasonCode: "2025-2026", principalFen: 216250, lateFeeFen: 0 },
    ],
    invoiceId: null,
    invoiceStatus: null,
    surplus: null,
    ...over,
  };
}

/** One line of an invoice: the 2025-2026 heating fee, exempt from VAT. */
export function invoiceItem(over: Partial<InvoiceItem> = {}): InvoiceItem {
  return {
    name: "*供热*供暖费",
    spec: "2025-2026供热季",
    unit: "平方米",
    quantity: "86.50",
    unitPrice: "25.00",
    amountFen: 216250,
    taxTreatment: "exempt",
    taxRateBp: 0,
    taxFen: 0,
    taxCode: "1100301010000000000",
    ...over,
  };
}

/** An issued blue invoice of payment 900 (account 42); override what a test needs. */
export function invoice(over: Partial<InvoiceView> = {}): InvoiceView {
  return {
    id: 70,
    kind: "blue",
    status: "issued",
    paymentOrderId: 900,
    outTradeNo: "WL20260110153000123456",
    accountId: 42,
    accountNo: "1000234567",
    refundId: null,
    originalInvoiceId: null,
    invoiceNo: "26622000000012345678",
    issuedAt: "2026-01-10T07:31:00.000Z",
    buyerKind: "personal",
    buyerName: "王建国",
    buyerTaxId: null,
    pushEmail: null,
    sellerName: "民乐县供热中心",
    totalFen: 216250,
    taxFen: 0,
    items: [invoiceItem()],
    failReason: null,
    attempts: 1,
    createdAt: "2026-01-10T07:30:01.000Z",
    reversedFen: 0,
    docStatus: "stored",
    hasOfd: true,
    qrCode: "01,32,,26622000000012345678,2162.50,20260110,,3A7F",
    docError: null,
    ...over,
  };
}

export function invoiceDetail(over: Partial<InvoiceView> = {}, related: InvoiceView[] = []): InvoiceDetailView {
  return { ...invoice(over), related };
}

/** A 单位 title staff saved for account 42. */
export function invoiceTitle(over: Partial<InvoiceTitleView> = {}): InvoiceTitleView {
  return {
    id: 5,
    kind: "company",
    name: "民乐县新华商贸有限公司",
    taxId: "91620722MA74XYW18Y",
    email: null,
    isDefault: false,
    owner: "account",
    ...over,
  };
}

/** The fixed "now" of ticket tests: 2026-01-10 15:00:00 in Beijing. */
export const NOW = Date.parse("2026-01-10T07:00:00.000Z");
/** An instant `min` minutes from NOW, as the API sends it. */
export const at = (min: number) => new Date(NOW + min * 60_000).toISOString();

/** A running SLA clock; override what a test needs. */
export function clock(over: Partial<ClockViewDto> & Pick<ClockViewDto, "clock">): ClockViewDto {
  return {
    budgetMinutes: 30,
    usedMinutes: 10,
    remainingMinutes: 20,
    dueAt: at(20),
    warnAt: at(12.5),
    metAt: null,
    paused: false,
    warned: false,
    breached: false,
    ...over,
  };
}

/** A new ticket's clocks at NOW: response due in `responseIn` minutes, resolution 30 minutes after that. */
export function sla(responseIn = 20, over: Partial<SlaView> = {}): SlaView {
  const response = clock({ clock: "response", dueAt: at(responseIn), remainingMinutes: responseIn });
  return {
    cycle: 0,
    grade: "general",
    paused: false,
    response,
    resolution: clock({
      clock: "resolution",
      budgetMinutes: 60,
      usedMinutes: 30 - responseIn,
      remainingMinutes: responseIn + 30,
      dueAt: at(responseIn + 30),
      warnAt: at(responseIn + 15),
    }),
    measurement: null,
    next: { clock: "response", dueAt: at(responseIn) },
    computedAt: at(0),
    ...over,
  };
}

/** A ticket as the SLA board lists it (account 42, 城东换热站); override what a test needs. */
export function ticketSummary(over: Partial<TicketSummaryView> = {}): TicketSummaryView {
  return {
    id: 5,
    ticketNo: "GD20260110000005",
    category: "cold_room",
    channel: "wechat",
    status: "new",
    priority: "high",
    priorityReasons: ["室温17.5℃低于标准20.0℃"],
    grade: "general",
    accountId: 42,
    accountNo: "1000234567",
    address: "民乐县城关镇新华路 8 号 3 单元 502",
    stationId: 2,
    stationName: "城东换热站",
    indoorTempC10: 175,
    outdoorTempC10: -85,
    description: "家里暖气不热，室温只有17度多",
    createdAt: at(-10),
    sla: sla(),
    incidentId: null,
    suggestIncident: false,
    satisfied: null,
    score: null,
    contactPhone: "138********",
    ...over,
  };
}

/** One ticket with its events and what the viewer may do. */
export function ticketDetail(
  over: Partial<TicketDetailView> = {},
  summary: Partial<TicketSummaryView> = {},
): TicketDetailView {
  return {
    ...ticketSummary(summary),
    transferNo: null,
    contactName: "王先生",
    preferredContactTime: "下午都在家",
    dispatchedStationName: null,
    crew: null,
    photos: [],
    events: [
      {
        id: 1,
        type: "created",
        at: at(-10),
        actorKind: "resident",
        actorName: null,
        cycle: 0,
        text: "居民通过微信小程序提交诉求",
        data: null,
        photos: [{ id: 9, url: "/api/v1/files/cGhvdG86OQ.sig", mime: "image/jpeg", size: 1024 }],
      },
    ],
    linkedTicketIds: [],
    actions: ["respond", "pause", "note"],
    resolveCheck: null,
    ...over,
  };
}

export function call(over: Partial<CallView> = {}): CallView {
  return {
    id: 60,
    callerPhone: "138********",
    calledAt: at(-1),
    accountId: null,
    accountNo: null,
    reason: "no_heat",
    notes: null,
    ticketId: null,
    agentName: "刘敏",
    ...over,
  };
}

/** A 三率 row: 10 tickets, 9 answered in time, 8 done, 5 followed up, 4 satisfied. */
export function rateRow(over: Partial<ServiceRateRow> & Pick<ServiceRateRow, "key" | "label">): ServiceRateRow {
  return {
    tickets: 10,
    duplicates: 0,
    responseDue: 10,
    respondedInTime: 9,
    completionDue: 10,
    completed: 8,
    followedUp: 5,
    solved: 4,
    satisfied: 4,
    basicSatisfied: 0,
    unreachable: 0,
    responseRate: 0.9,
    completionRate: 0.8,
    solveRate: 0.8,
    satisfactionRate: 0.8,
    ...over,
  };
}
