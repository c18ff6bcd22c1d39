import type { BillView, PaymentView, Staff, StaffAccount } from "@warmline/shared";
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
  phoneMasked: "138****5678",
  idNumberMasked: "620***********123X",
  hardshipCategory: "dibao",
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
    ...over,
  };
}
