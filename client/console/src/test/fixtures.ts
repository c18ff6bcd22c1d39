import type { Staff, StaffAccount } from "@warmline/shared";
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
