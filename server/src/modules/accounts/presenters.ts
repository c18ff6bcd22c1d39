import {
  areaToSqm,
  maskIdNumber,
  maskName,
  maskPhone,
  type ResidentAccount,
  SPECIAL_GROUPS,
  type StaffAccount,
} from "@warmline/shared";
import type { PiiVault } from "../../lib/pii";
import type { AccountBinding, HeatingAccount } from "./entities";

/** An account loaded with community, building and the building's station. */
export type LoadedAccount = HeatingAccount;

function base(a: LoadedAccount, vault: PiiVault) {
  return {
    id: a.id,
    accountNo: a.accountNo,
    address: a.address,
    communityName: a.community?.name ?? "",
    buildingName: a.building?.name ?? null,
    stationName: a.building?.station?.name ?? null,
    heatedArea: areaToSqm(a.heatedArea),
    category: a.category,
    status: a.status,
    ownerNameMasked: maskName(a.ownerName),
    phoneMasked: maskPhone(vault.decrypt(a.phoneEnc)),
  };
}

export function presentResidentAccount(a: LoadedAccount, b: AccountBinding, vault: PiiVault): ResidentAccount {
  return { ...base(a, vault), bindingId: b.id, boundAt: b.createdAt.toISOString() };
}

export function presentStaffAccount(a: LoadedAccount, vault: PiiVault, bindingCount: number): StaffAccount {
  return {
    ...base(a, vault),
    communityId: a.communityId,
    buildingId: a.buildingId,
    stationId: a.building?.stationId ?? null,
    idNumberMasked: maskIdNumber(vault.decrypt(a.idNumberEnc)),
    hardshipCategory: a.hardshipCategory,
    specialGroups: SPECIAL_GROUPS.filter((g) => (a.specialGroups ?? []).includes(g)),
    bindingCount,
    updatedAt: a.updatedAt.toISOString(),
  };
}
